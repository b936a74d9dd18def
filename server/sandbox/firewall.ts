// Host firewall rules that keep sandboxes to themselves: a sandbox reaches neither the host
// (the playground, its database, the Docker API, any other service) nor another sandbox.
// User-defined bridges alone do not stop traffic to the host's own addresses: that needs the
// INPUT chain. Rules are (re)installed idempotently at start and survive server restarts.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { Logger } from "../log";

const run = promisify(execFile);
const INPUT_CHAIN = "CP-SANDBOX-INPUT";

export type Egress = "allow" | "deny";

export interface FirewallPlan {
  /** Every sandbox network lies in this pool. */
  pool: string;
  egress: Egress;
}

/** The iptables commands (arguments) that enforce the plan, in order. Pure, for tests. */
export function firewallRules(plan: FirewallPlan): { chain: string[][]; hooks: { table: string; chain: string; rule: string[] }[] } {
  return {
    // Rebuilt on every start: answers to connections the host opened, nothing else.
    chain: [
      ["-A", INPUT_CHAIN, "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "ACCEPT"],
      ["-A", INPUT_CHAIN, "-j", "DROP"],
    ],
    hooks: [
      { table: "filter", chain: "INPUT", rule: ["-s", plan.pool, "-j", INPUT_CHAIN] },
      // Sandbox to sandbox across their bridges.
      { table: "filter", chain: "DOCKER-USER", rule: ["-s", plan.pool, "-d", plan.pool, "-j", "DROP"] },
      ...(plan.egress === "deny"
        ? [{ table: "filter", chain: "DOCKER-USER", rule: ["-s", plan.pool, "-m", "conntrack", "!", "--ctstate", "ESTABLISHED,RELATED", "-j", "DROP"] }]
        : []),
    ],
  };
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

/** Installs the rules (idempotent). Throws with a clear message when it cannot. */
export async function installFirewall(plan: FirewallPlan, log: Logger): Promise<void> {
  const { chain, hooks } = firewallRules(plan);
  try {
    if (!(await succeeds(["-n", "-L", INPUT_CHAIN]))) await iptables(["-N", INPUT_CHAIN]);
    await iptables(["-F", INPUT_CHAIN]);
    for (const rule of chain) await iptables(rule);
    for (const hook of hooks) {
      if (!(await succeeds(["-t", hook.table, "-C", hook.chain, ...hook.rule]))) {
        await iptables(["-t", hook.table, "-I", hook.chain, "1", ...hook.rule]);
      }
    }
  } catch (err) {
    const detail = (err as { stderr?: string; message?: string }).stderr || (err as Error).message;
    throw new Error(`could not install the sandbox firewall rules (iptables, needs root or CAP_NET_ADMIN on the host network): ${detail.trim()}`);
  }
  log.info({ pool: plan.pool, egress: plan.egress }, "sandbox firewall rules installed");
}
