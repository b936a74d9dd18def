// Host kernel limits that a class of sandboxes outgrows. Every container that a learner's
// Docker starts gets a session keyring (runc), charged to the host uid its root maps to. In
// the hardened profile every sandbox's root is the same unprivileged host uid, so all the
// class's containers share one user's key quota, 200 keys by default: about 200 learners'
// containers in all, after which `docker run` fails with "disk quota exceeded" (measured:
// one key and 70 bytes per running container). Root's quota (the trusted profile) is far
// larger. The server raises the two limits at start-up, never lowers them.
import fs from "node:fs/promises";
import type { Logger } from "../../log";

/** What a class needs: keys for thousands of containers across all sandboxes. */
export const WANTED_KEY_LIMITS = { maxkeys: 20_000, maxbytes: 2_000_000 } as const;

export interface LimitChange {
  name: string;
  from: number;
  to: number;
}

/** The limits to raise: each one below what is wanted (a higher setting is kept). */
export function keyLimitChanges(current: { maxkeys: number; maxbytes: number }): LimitChange[] {
  return (Object.keys(WANTED_KEY_LIMITS) as (keyof typeof WANTED_KEY_LIMITS)[])
    .filter((name) => current[name] < WANTED_KEY_LIMITS[name])
    .map((name) => ({ name, from: current[name], to: WANTED_KEY_LIMITS[name] }));
}

const sysctlPath = (name: string) => `/proc/sys/kernel/keys/${name}`;

async function readLimit(name: string): Promise<number> {
  return Number((await fs.readFile(sysctlPath(name), "utf8")).trim());
}

/** Raises the host's key quotas where they are below a class's needs; says so, or why not. */
export async function raiseKeyLimits(log: Logger): Promise<void> {
  let current: { maxkeys: number; maxbytes: number };
  try {
    current = { maxkeys: await readLimit("maxkeys"), maxbytes: await readLimit("maxbytes") };
  } catch {
    return; // not Linux, or /proc/sys hidden: nothing to check
  }
  for (const change of keyLimitChanges(current)) {
    try {
      await fs.writeFile(sysctlPath(change.name), `${change.to}\n`);
      log.info(change, "raised the kernel's per-user key quota (every container in a sandbox uses a key)");
    } catch (err) {
      log.warn(
        { ...change, err: (err as Error).message },
        `kernel.keys.${change.name} is ${change.from}: learners' containers may fail with "disk quota exceeded" once a class runs many; set it to ${change.to} (sysctl -w kernel.keys.${change.name}=${change.to})`,
      );
    }
  }
}
