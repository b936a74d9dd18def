// Host firewall rules that keep sandboxes to themselves: a sandbox reaches neither the host
// (the playground, its database, the Docker API, any other service), nor another sandbox, nor
// anything of the operator's (link-local addresses such as cloud metadata services, private
// and CGNAT ranges, the host's own networks, multicast), and no IPv6 at all; the public
// internet stays reachable unless egress says otherwise. User-defined bridges alone do not stop
// traffic to the host's own addresses: that needs the INPUT chain. Rules match the sandbox
// bridges by interface (every sandbox network's bridge is named cpb-<sandbox>), so a learner who
// spoofs a source address gets nowhere; a source outside the pool is dropped outright. Rules
// are (re)installed idempotently at start and survive server restarts.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import { promisify } from "node:util";
import type { EgressTarget } from "../../config";
import type { Logger } from "../../log";

const run = promisify(execFile);
/**
 * Every installation (INSTANCE_ID) has chains and hooks of its own, named by a short tag, so
 * two playgrounds on one engine never change or remove each other's rules (each may have its
 * own egress settings), and each sandbox bridge is named cpb<tag>-<sandbox> (at most 15
 * characters, the kernel's limit) so that iptables matches an installation's bridges by prefix.
 */
export function instanceTag(instanceId: string): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  const digest = createHash("sha256").update(instanceId).digest();
  return [0, 1, 2].map((i) => alphabet[digest[i] % 32]).join("");
}

export function bridgePrefix(tag: string): string {
  return `cpb${tag}-`;
}

function chainNames(tag: string): { input: string; forward: string } {
  return { input: `CP-${tag}-INPUT`, forward: `CP-${tag}-FORWARD` };
}

/**
 * Never reachable from a sandbox when egress is "allow", unless allow-listed: nothing of the
 * operator's lives on the public internet, everything else might.
 */
export const NON_PUBLIC_RANGES = [
  "0.0.0.0/8", // "this network"
  "10.0.0.0/8", // RFC 1918
  "100.64.0.0/10", // carrier-grade NAT (RFC 6598)
  "127.0.0.0/8", // loopback
  "169.254.0.0/16", // link-local: cloud metadata services (169.254.169.254)
  "172.16.0.0/12", // RFC 1918
  "192.0.0.0/24", // IETF protocol assignments
  "192.168.0.0/16", // RFC 1918
  "198.18.0.0/15", // benchmarking
  "224.0.0.0/4", // multicast
  "240.0.0.0/4", // reserved, and the broadcast address
];

export type Egress = "allow" | "deny" | "allowlist";

export interface FirewallPlan {
  /** The installation's tag (instanceTag): names its chains and matches its bridges. */
  tag: string;
  /** The installation (INSTANCE_ID), named in a comment on its hooks for operators. */
  instance?: string;
  /** Every sandbox network lies in this pool. */
  pool: string;
  egress: Egress;
  /** Reachable whatever `egress` says, on this host too (e.g. a registry mirror). */
  allow: EgressTarget[];
  /** TCP ports of this host that sandboxes may reach (the registry mirror). */
  hostPorts?: number[];
  /** The host's own networks (IPv4 CIDRs), never reachable beyond the host either. */
  hostNetworks?: string[];
  /** The DNS servers Docker's resolver forwards to (port 53 stays open to them). */
  resolvers?: string[];
}

export interface Hook {
  table: string;
  chain: string;
  rule: string[];
}

export function matchTarget(t: EgressTarget): string[] {
  return ["-d", t.cidr, ...(t.port ? ["-p", "tcp", "--dport", String(t.port)] : [])];
}

/** The iptables commands (arguments) that enforce the plan, in order. Pure, for tests. */
export function firewallRules(plan: FirewallPlan): { chains: Record<string, string[][]>; hooks: Hook[] } {
  const established = ["-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED"];
  const { input: INPUT_CHAIN, forward: FORWARD_CHAIN } = chainNames(plan.tag);
  const BRIDGES = `${bridgePrefix(plan.tag).slice(0, -1)}+`;
  const dns = (plan.resolvers ?? []).flatMap((r) => ["udp", "tcp"].map((proto) => ["-d", `${r}/32`, "-p", proto, "--dport", "53"]));
  return {
    // Rebuilt on every start from the plan.
    chains: {
      // To the host itself: answers to connections the host opened, the allow-list, nothing else.
      [INPUT_CHAIN]: [
        ["-A", INPUT_CHAIN, "!", "-s", plan.pool, "-j", "DROP"],
        ["-A", INPUT_CHAIN, ...established, "-j", "ACCEPT"],
        ...plan.allow.map((t) => ["-A", INPUT_CHAIN, ...matchTarget(t), "-j", "ACCEPT"]),
        ...(plan.hostPorts ?? []).map((p) => ["-A", INPUT_CHAIN, "-p", "tcp", "--dport", String(p), "-j", "ACCEPT"]),
        ["-A", INPUT_CHAIN, "-j", "DROP"],
      ],
      // Through the host: never to another sandbox, nothing of the operator's; elsewhere as
      // `egress` says. RETURN hands the packet back to Docker's own forwarding rules.
      [FORWARD_CHAIN]: [
        ["-A", FORWARD_CHAIN, "!", "-s", plan.pool, "-j", "DROP"],
        ["-A", FORWARD_CHAIN, ...established, "-j", "RETURN"],
        ...plan.allow.map((t) => ["-A", FORWARD_CHAIN, ...matchTarget(t), "-j", "RETURN"]),
        ...dns.map((m) => ["-A", FORWARD_CHAIN, ...m, "-j", "RETURN"]),
        ["-A", FORWARD_CHAIN, "-d", plan.pool, "-j", "DROP"],
        ...(plan.egress === "allow"
          ? [...NON_PUBLIC_RANGES, ...(plan.hostNetworks ?? [])].map((cidr) => ["-A", FORWARD_CHAIN, "-d", cidr, "-j", "DROP"])
          : [["-A", FORWARD_CHAIN, "-j", "DROP"]]),
      ],
    },
    hooks: [
      { table: "filter", chain: "INPUT", rule: ["-i", BRIDGES, ...comment(plan), "-j", INPUT_CHAIN] },
      { table: "filter", chain: "DOCKER-USER", rule: ["-i", BRIDGES, ...comment(plan), "-j", FORWARD_CHAIN] },
    ],
  };
}

/** Names the installation on its hooks, so `iptables -S` tells an operator whose rule it is. */
export function comment(plan: Pick<FirewallPlan, "instance">): string[] {
  return plan.instance ? ["-m", "comment", "--comment", `container-playground ${plan.instance}`] : [];
}

/** IPv6 from a sandbox bridge: none at all (sandbox networks are IPv4; the host's IPv6 services stay out of reach). */
export function firewallRules6(tag: string): Hook[] {
  const BRIDGES = `${bridgePrefix(tag).slice(0, -1)}+`;
  return [
    { table: "filter", chain: "INPUT", rule: ["-i", BRIDGES, "-j", "DROP"] },
    { table: "filter", chain: "FORWARD", rule: ["-i", BRIDGES, "-j", "DROP"] },
  ];
}

/**
 * Rules written directly into DOCKER-USER by the first versions; removed on install. (The
 * next versions' shared CP-SANDBOX-* chains are left to the installations that made them.)
 */
function legacyHooks(pool: string): Hook[] {
  return [
    { table: "filter", chain: "DOCKER-USER", rule: ["-s", pool, "-d", pool, "-j", "DROP"] },
    { table: "filter", chain: "DOCKER-USER", rule: ["-s", pool, "-m", "conntrack", "!", "--ctstate", "ESTABLISHED,RELATED", "-j", "DROP"] },
  ];
}

export async function iptables(args: string[], binary = "iptables"): Promise<void> {
  await run(binary, ["-w", ...args], { timeout: 15_000 });
}

export async function succeeds(args: string[], binary = "iptables"): Promise<boolean> {
  return iptables(args, binary).then(
    () => true,
    () => false,
  );
}

/** Deletes every copy of a rule (a crash between check and insert can leave two). */
export async function deleteAll(hook: Hook, binary = "iptables"): Promise<void> {
  for (let i = 0; i < 10 && (await succeeds(["-t", hook.table, "-D", hook.chain, ...hook.rule], binary)); i++);
}

/** Installs the IPv6 drop (a host without IPv6 has nothing to protect: logged, not fatal). */
async function installIpv6(tag: string, log: Logger): Promise<void> {
  for (const hook of firewallRules6(tag)) {
    const args = ["-t", hook.table, ...hook.rule];
    if (await succeeds(["-t", hook.table, "-C", hook.chain, ...hook.rule], "ip6tables")) continue;
    if (!(await succeeds(["-t", hook.table, "-I", hook.chain, "1", ...hook.rule], "ip6tables"))) {
      log.warn({ rule: args.join(" ") }, "could not install the IPv6 sandbox rule (no IPv6 on this host?)");
    }
  }
}

/** Installs the rules (idempotent). Throws with a clear message when it cannot. */
/** Installs in flight in this process, per installation tag (see installFirewall). */
const installing = new Map<string, Promise<void>>();

/**
 * Installs this installation's chains and hooks. Two drivers of one installation (or two app
 * servers of it) may install at the same moment: within a process the installs take turns,
 * and across processes a chain that appeared between looking and creating is fine.
 */
export function installFirewall(plan: FirewallPlan, log: Logger): Promise<void> {
  const before = installing.get(plan.tag) ?? Promise.resolve();
  const mine = before.catch(() => undefined).then(() => installNow(plan, log));
  installing.set(plan.tag, mine);
  void mine.finally(() => installing.get(plan.tag) === mine && installing.delete(plan.tag)).catch(() => undefined);
  return mine;
}

async function installNow(plan: FirewallPlan, log: Logger): Promise<void> {
  const { chains, hooks } = firewallRules(plan);
  try {
    await applyRules(chains, hooks);
    for (const legacy of legacyHooks(plan.pool)) await deleteAll(legacy);
    await installIpv6(plan.tag, log);
  } catch (err) {
    const detail = (err as { stderr?: string; message?: string }).stderr || (err as Error).message;
    throw new Error(`could not install the sandbox firewall rules (iptables, needs root or CAP_NET_ADMIN on the host network): ${detail.trim()}`);
  }
  log.info({ tag: plan.tag, pool: plan.pool, egress: plan.egress, allow: plan.allow }, "sandbox firewall rules installed");
}

/**
 * Fills the chains (made when missing, flushed, refilled), then hooks them in first place:
 * there is no moment without rules. A chain made meanwhile by another process is fine.
 */
export async function applyRules(chains: Record<string, string[][]>, hooks: Hook[]): Promise<void> {
  for (const [chain, rules] of Object.entries(chains)) {
    if (!(await succeeds(["-n", "-L", chain]))) await iptables(["-N", chain]).catch((err: { stderr?: string }) => {
      if (!/already exists/i.test(err.stderr ?? "")) throw err; // made meanwhile by another process of this installation
    });
    await iptables(["-F", chain]);
    for (const rule of rules) await iptables(rule);
  }
  for (const hook of hooks) {
    if (!(await succeeds(["-t", hook.table, "-C", hook.chain, ...hook.rule]))) {
      await iptables(["-t", hook.table, "-I", hook.chain, "1", ...hook.rule]);
    }
  }
}

/** Unhooks and deletes chains (idempotent). */
export async function dropRules(chains: string[], hooks: Hook[]): Promise<void> {
  for (const hook of hooks) await deleteAll(hook);
  for (const chain of chains) {
    if (await succeeds(["-n", "-L", chain])) {
      await iptables(["-F", chain]);
      await iptables(["-X", chain]);
    }
  }
}

/** Removes the hooks and chains (when no sandbox is left to protect). Idempotent. */
export async function removeFirewall(plan: FirewallPlan, log: Logger): Promise<void> {
  const { chains, hooks } = firewallRules(plan);
  for (const hook of firewallRules6(plan.tag)) await deleteAll(hook, "ip6tables");
  await dropRules(Object.keys(chains), hooks);
  log.info({ tag: plan.tag, pool: plan.pool }, "this installation's sandbox firewall rules removed (none of its sandboxes is left)");
}

/** Whether the hooks are in place (for tests and health). */
export async function firewallInstalled(plan: FirewallPlan): Promise<boolean> {
  const { hooks } = firewallRules(plan);
  for (const hook of hooks) if (!(await succeeds(["-t", hook.table, "-C", hook.chain, ...hook.rule]))) return false;
  return true;
}

/**
 * The host's own IPv4 networks (not loopback, not Docker's or the sandboxes' bridges): a
 * sandbox never reaches its host's neighbours, even on a public network.
 */
export function hostNetworks(): string[] {
  return Object.entries(os.networkInterfaces())
    .filter(([name]) => !/^(lo|docker\d*|br-|veth|cpb)/.test(name))
    .flatMap(([, addrs]) => addrs ?? [])
    .filter((a): a is os.NetworkInterfaceInfoIPv4 => a.family === "IPv4" && !a.internal && !!a.cidr)
    .map((a) => networkOf(a.cidr!));
}

/** The network a CIDR lies in ("10.214.0.1/16" → "10.214.0.0/16"). */
export function networkOf(cidr: string): string {
  const [ip, bits] = cidr.split("/");
  const n = ip.split(".").reduce((acc, o) => (acc << 8) + Number(o), 0) >>> 0;
  const mask = Number(bits) === 0 ? 0 : (0xffffffff << (32 - Number(bits))) >>> 0;
  const base = (n & mask) >>> 0;
  return `${[24, 16, 8, 0].map((s) => (base >>> s) & 255).join(".")}/${bits}`;
}

/**
 * The DNS servers Docker's embedded resolver forwards sandbox queries to: the host's
 * resolv.conf, or systemd-resolved's upstream list when that names only loopback (as Docker
 * does itself).
 */
export function dnsResolvers(files = ["/etc/resolv.conf", "/run/systemd/resolve/resolv.conf"]): string[] {
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      continue;
    }
    const servers = [...text.matchAll(/^\s*nameserver\s+(\d{1,3}(?:\.\d{1,3}){3})\s*$/gm)].map((m) => m[1]).filter((ip) => !ip.startsWith("127."));
    if (servers.length) return servers;
  }
  return [];
}
