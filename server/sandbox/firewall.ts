// Host firewall rules that keep sandboxes to themselves: a sandbox reaches neither the host
// (the playground, its database, the Docker API, any other service) nor another sandbox.
// User-defined bridges alone do not stop traffic to the host's own addresses: that needs the
// INPUT chain. Rules are (re)installed idempotently at start and survive server restarts.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { EgressTarget } from "../config";
import type { Logger } from "../log";

const run = promisify(execFile);
const INPUT_CHAIN = "CP-SANDBOX-INPUT";
const FORWARD_CHAIN = "CP-SANDBOX-FORWARD";

export type Egress = "allow" | "deny" | "allowlist";

export interface FirewallPlan {
  /** Every sandbox network lies in this pool. */
  pool: string;
  egress: Egress;
  /** Reachable whatever `egress` says, on this host too (e.g. a registry mirror). */
  allow: EgressTarget[];
  /** TCP ports of this host that sandboxes may reach (the registry mirror). */
  hostPorts?: number[];
}

interface Hook {
  table: string;
  chain: string;
  rule: string[];
}

function matchTarget(t: EgressTarget): string[] {
  return ["-d", t.cidr, ...(t.port ? ["-p", "tcp", "--dport", String(t.port)] : [])];
}

/** The iptables commands (arguments) that enforce the plan, in order. Pure, for tests. */
export function firewallRules(plan: FirewallPlan): { chains: Record<string, string[][]>; hooks: Hook[] } {
  const established = ["-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED"];
  return {
    // Rebuilt on every start from the plan.
    chains: {
      // To the host itself: answers to connections the host opened, the allow-list, nothing else.
      [INPUT_CHAIN]: [
        ["-A", INPUT_CHAIN, ...established, "-j", "ACCEPT"],
        ...plan.allow.map((t) => ["-A", INPUT_CHAIN, ...matchTarget(t), "-j", "ACCEPT"]),
        ...(plan.hostPorts ?? []).map((p) => ["-A", INPUT_CHAIN, "-p", "tcp", "--dport", String(p), "-j", "ACCEPT"]),
        ["-A", INPUT_CHAIN, "-j", "DROP"],
      ],
      // Through the host: never to another sandbox; elsewhere as `egress` says. RETURN hands
      // the packet back to Docker's own forwarding rules.
      [FORWARD_CHAIN]: [
        ["-A", FORWARD_CHAIN, ...established, "-j", "RETURN"],
        ...plan.allow.map((t) => ["-A", FORWARD_CHAIN, ...matchTarget(t), "-j", "RETURN"]),
        ["-A", FORWARD_CHAIN, "-d", plan.pool, "-j", "DROP"],
        ...(plan.egress === "allow" ? [] : [["-A", FORWARD_CHAIN, "-j", "DROP"]]),
      ],
    },
    hooks: [
      { table: "filter", chain: "INPUT", rule: ["-s", plan.pool, "-j", INPUT_CHAIN] },
      { table: "filter", chain: "DOCKER-USER", rule: ["-s", plan.pool, "-j", FORWARD_CHAIN] },
    ],
  };
}

/** Rules written directly into DOCKER-USER by earlier versions; removed on install. */
function legacyHooks(pool: string): Hook[] {
  return [
    { table: "filter", chain: "DOCKER-USER", rule: ["-s", pool, "-d", pool, "-j", "DROP"] },
    { table: "filter", chain: "DOCKER-USER", rule: ["-s", pool, "-m", "conntrack", "!", "--ctstate", "ESTABLISHED,RELATED", "-j", "DROP"] },
  ];
}

async function iptables(args: string[]): Promise<void> {
  await run("iptables", ["-w", ...args], { timeout: 15_000 });
}

async function succeeds(args: string[]): Promise<boolean> {
  return iptables(args).then(
    () => true,
    () => false,
  );
}

/** Deletes every copy of a rule (a crash between check and insert can leave two). */
async function deleteAll(hook: Hook): Promise<void> {
  for (let i = 0; i < 10 && (await succeeds(["-t", hook.table, "-D", hook.chain, ...hook.rule])); i++);
}

/** Installs the rules (idempotent). Throws with a clear message when it cannot. */
export async function installFirewall(plan: FirewallPlan, log: Logger): Promise<void> {
  const { chains, hooks } = firewallRules(plan);
  try {
    // Fill the chains before hooking them in: no moment without rules.
    for (const [chain, rules] of Object.entries(chains)) {
      if (!(await succeeds(["-n", "-L", chain]))) await iptables(["-N", chain]);
      await iptables(["-F", chain]);
      for (const rule of rules) await iptables(rule);
    }
    for (const hook of hooks) {
      if (!(await succeeds(["-t", hook.table, "-C", hook.chain, ...hook.rule]))) {
        await iptables(["-t", hook.table, "-I", hook.chain, "1", ...hook.rule]);
      }
    }
    for (const legacy of legacyHooks(plan.pool)) await deleteAll(legacy);
  } catch (err) {
    const detail = (err as { stderr?: string; message?: string }).stderr || (err as Error).message;
    throw new Error(`could not install the sandbox firewall rules (iptables, needs root or CAP_NET_ADMIN on the host network): ${detail.trim()}`);
  }
  log.info({ pool: plan.pool, egress: plan.egress, allow: plan.allow }, "sandbox firewall rules installed");
}

/** Removes the hooks and chains (when no sandbox is left to protect). Idempotent. */
export async function removeFirewall(plan: FirewallPlan, log: Logger): Promise<void> {
  const { chains, hooks } = firewallRules(plan);
  for (const hook of hooks) await deleteAll(hook);
  for (const chain of Object.keys(chains)) {
    if (await succeeds(["-n", "-L", chain])) {
      await iptables(["-F", chain]);
      await iptables(["-X", chain]);
    }
  }
  log.info({ pool: plan.pool }, "sandbox firewall rules removed (no sandboxes left)");
}

/** Whether the hooks are in place (for tests and health). */
export async function firewallInstalled(plan: FirewallPlan): Promise<boolean> {
  const { hooks } = firewallRules(plan);
  for (const hook of hooks) if (!(await succeeds(["-t", hook.table, "-C", hook.chain, ...hook.rule]))) return false;
  return true;
}
