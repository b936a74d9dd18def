// Host firewall rules for LXD sandboxes, the same policy as the Docker engine's
// (docker/firewall.ts): from the sandboxes' bridge, the host answers only DHCP and DNS (LXD's
// dnsmasq on the bridge address) and the allow-list; no sandbox reaches another (bridged
// frames pass iptables with br_netfilter, which ensure-lxd.sh loads), nor anything of the
// operator's (private, link-local, the host's networks); the internet as `egress` says; no
// IPv6. Where Docker also runs, its FORWARD policy drops everything it does not know, so the
// sandboxes' own traffic is accepted explicitly here (in DOCKER-USER, which Docker evaluates
// first), after the checks.
import type { Logger } from "../../log";
import type { EgressTarget } from "../../config";
import { applyRules, comment, dropRules, matchTarget, NON_PUBLIC_RANGES, succeeds, type Egress, type Hook } from "../docker/firewall";

export interface LxdFirewallPlan {
  /** The installation's tag (instanceTag): names its chains. */
  tag: string;
  instance?: string;
  /** The LXD bridge (LXD_NETWORK) and its IPv4 network, e.g. 10.214.0.0/16. */
  bridge: string;
  subnet: string;
  /** The bridge's own address on the host (LXD's DHCP and DNS). */
  gateway: string;
  egress: Egress;
  allow: EgressTarget[];
  hostPorts?: number[];
  hostNetworks?: string[];
  /** Whether Docker's DOCKER-USER chain exists on this host (then the hook goes there). */
  dockerUser: boolean;
}

function chainNames(tag: string): { input: string; forward: string } {
  return { input: `CP-${tag}-LXDIN`, forward: `CP-${tag}-LXDFWD` };
}

export function lxdFirewallRules(plan: LxdFirewallPlan): { chains: Record<string, string[][]>; hooks: Hook[]; hooks6: Hook[] } {
  const { input, forward } = chainNames(plan.tag);
  const established = ["-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED"];
  const gw = `${plan.gateway}/32`;
  const forwardHook = plan.dockerUser ? "DOCKER-USER" : "FORWARD";
  return {
    chains: {
      [input]: [
        ["-A", input, "!", "-s", plan.subnet, "-p", "udp", "--dport", "67", "-j", "ACCEPT"], // DHCP before a lease has no source yet
        ["-A", input, "!", "-s", plan.subnet, "-j", "DROP"],
        ["-A", input, ...established, "-j", "ACCEPT"],
        ["-A", input, "-p", "udp", "--dport", "67", "-j", "ACCEPT"],
        ...["udp", "tcp"].map((proto) => ["-A", input, "-d", gw, "-p", proto, "--dport", "53", "-j", "ACCEPT"]),
        ...plan.allow.map((t) => ["-A", input, ...matchTarget(t), "-j", "ACCEPT"]),
        ...(plan.hostPorts ?? []).map((p) => ["-A", input, "-p", "tcp", "--dport", String(p), "-j", "ACCEPT"]),
        ["-A", input, "-j", "DROP"],
      ],
      [forward]: [
        ["-A", forward, "!", "-s", plan.subnet, "-j", "DROP"],
        // Sandbox to sandbox, on the one bridge: never.
        ["-A", forward, "-o", plan.bridge, "-j", "DROP"],
        ["-A", forward, ...established, "-j", "ACCEPT"],
        ...plan.allow.map((t) => ["-A", forward, ...matchTarget(t), "-j", "ACCEPT"]),
        ...(plan.egress === "allow"
          ? [...[...NON_PUBLIC_RANGES, ...(plan.hostNetworks ?? [])].map((cidr) => ["-A", forward, "-d", cidr, "-j", "DROP"]), ["-A", forward, "-j", "ACCEPT"]]
          : [["-A", forward, "-j", "DROP"]]),
      ],
    },
    hooks: [
      { table: "filter", chain: "INPUT", rule: ["-i", plan.bridge, ...comment(plan), "-j", input] },
      { table: "filter", chain: forwardHook, rule: ["-i", plan.bridge, ...comment(plan), "-j", forward] },
      // Answers to the sandboxes' own connections (Docker's FORWARD policy would drop them).
      { table: "filter", chain: forwardHook, rule: ["-o", plan.bridge, ...established, ...comment(plan), "-j", "ACCEPT"] },
    ],
    hooks6: [
      { table: "filter", chain: "INPUT", rule: ["-i", plan.bridge, "-j", "DROP"] },
      { table: "filter", chain: "FORWARD", rule: ["-i", plan.bridge, "-j", "DROP"] },
    ],
  };
}

export async function installLxdFirewall(plan: LxdFirewallPlan, log: Logger): Promise<void> {
  const { chains, hooks, hooks6 } = lxdFirewallRules(plan);
  try {
    await applyRules(chains, hooks);
  } catch (err) {
    const detail = (err as { stderr?: string; message?: string }).stderr || (err as Error).message;
    throw new Error(`could not install the sandbox firewall rules for ${plan.bridge} (iptables, needs root on the LXD host): ${detail.trim()}`);
  }
  for (const hook of hooks6) {
    if (await succeeds(["-t", hook.table, "-C", hook.chain, ...hook.rule], "ip6tables")) continue;
    if (!(await succeeds(["-t", hook.table, "-I", hook.chain, "1", ...hook.rule], "ip6tables"))) {
      log.warn({ bridge: plan.bridge }, "could not install the IPv6 sandbox rule (no IPv6 on this host?)");
    }
  }
  log.info({ bridge: plan.bridge, subnet: plan.subnet, egress: plan.egress }, "LXD sandbox firewall rules installed");
}

export async function removeLxdFirewall(plan: LxdFirewallPlan): Promise<void> {
  const { chains, hooks } = lxdFirewallRules(plan);
  await dropRules(Object.keys(chains), hooks);
}

/** Whether this host has Docker's DOCKER-USER chain. */
export function hasDockerUserChain(): Promise<boolean> {
  return succeeds(["-n", "-L", "DOCKER-USER"]);
}
