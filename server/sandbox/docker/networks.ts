// Each sandbox's own bridge network, on a free small subnet of SANDBOX_SUBNET_POOL, with a
// bridge named for this installation (the host firewall matches it by name) and strict
// reverse-path filtering (no sandbox sends from another's address).
import { writeFile } from "node:fs/promises";
import type Docker from "dockerode";
import type { Logger } from "../../log";
import { PlaygroundFailure } from "../errors";
import { formatCidr, freeSubnet, gatewayOf, parseCidr } from "../subnets";
import { bridgePrefix } from "./firewall";

/** The sandbox network's bridge device: cpb<tag>-<suffix>, at most 15 characters (the kernel's limit). */
export function bridgeName(tag: string, sandboxName: string): string {
  const name = `${bridgePrefix(tag)}${sandboxName.replace(/^sbx-/, "")}`;
  if (name.length > 15) throw new Error(`sandbox name too long for a bridge: ${sandboxName}`);
  return name;
}

export function networkName(sandboxName: string): string {
  return `cp-${sandboxName}-net`;
}

export class SandboxNetworks {
  /** Subnets being created right now by this server (not yet listed by Docker). */
  private readonly reserved = new Set<string>();

  constructor(
    private readonly docker: Docker,
    private readonly opts: { pool: string; prefix: number; tag: string },
    private readonly log: Logger,
  ) {}

  async create(sandboxName: string, labels: Record<string, string>): Promise<void> {
    const pool = parseCidr(this.opts.pool);
    // Subnets Docker refused in this call (taken meanwhile, or overlapping a host route it
    // does not list): never tried twice.
    const refused: string[] = [];
    let lastError = "";
    for (let attempt = 0; attempt < 20; attempt++) {
      const used = (await this.docker.listNetworks())
        .flatMap((n) => n.IPAM?.Config ?? [])
        .map((c) => c.Subnet)
        .filter((s): s is string => typeof s === "string" && s.includes("."))
        .map((c) => parseCidr(c));
      const subnet = freeSubnet(pool, this.opts.prefix, [...used, ...[...this.reserved, ...refused].map((c) => parseCidr(c))]);
      if (!subnet) {
        throw new PlaygroundFailure(
          "sandbox_start_failed",
          "The playground has no network addresses left for another sandbox.",
          "Wait for a sandbox to end and press Retry.",
          `subnet pool ${this.opts.pool} is full (/${this.opts.prefix} each); widen SANDBOX_SUBNET_POOL`,
        );
      }
      const cidr = formatCidr(subnet);
      this.reserved.add(cidr);
      try {
        await this.docker.createNetwork({
          Name: networkName(sandboxName),
          Driver: "bridge",
          IPAM: { Driver: "default", Config: [{ Subnet: cidr, Gateway: gatewayOf(subnet) }] },
          // The host firewall matches sandbox traffic by this bridge name (firewall.ts).
          Options: { "com.docker.network.bridge.name": bridgeName(this.opts.tag, sandboxName) },
          Labels: labels,
        });
        await this.strictReversePath(bridgeName(this.opts.tag, sandboxName));
        return;
      } catch (err) {
        // Another playground took the same subnet between list and create: try the next one.
        lastError = (err as Error).message;
        if (!/overlap|in use/i.test(lastError)) throw err;
        refused.push(cidr);
      } finally {
        this.reserved.delete(cidr);
      }
    }
    throw new Error(`could not find a free subnet after 20 attempts (last: ${lastError})`);
  }

  /**
   * Strict reverse-path filtering on a sandbox bridge: a packet whose source address would
   * not be routed back through that bridge (another sandbox's address, say) is dropped.
   */
  private async strictReversePath(bridge: string): Promise<void> {
    await writeFile(`/proc/sys/net/ipv4/conf/${bridge}/rp_filter`, "1").catch((err) =>
      this.log.warn({ bridge, err: (err as Error).message }, "could not turn on reverse-path filtering for a sandbox bridge"),
    );
  }
}
