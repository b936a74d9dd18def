// Out-of-memory kills in LXD sandboxes, as SandboxEvents. LXD 5.0 sends no event for them and
// its metrics have no count of them, so on the LXD host itself the driver reads each
// container's memory cgroup: the kernel's count of kills that the sandbox's own memory limit
// caused. A learner's inner container that hits its own `--memory` limit is not counted there,
// just as Docker's "oom" event for a sandbox container does not count it.
// A remote LXD host's or cluster member's cgroups are out of the app server's reach: there,
// `npm run lxd:member-oom` (scripts/lxd-member-oom.ts) watches them and adds each kill to the
// instance's configuration key OOM_KILLS_KEY; LXD announces the change to every client
// (instance-updated), and the app server reports the kill (watchReportedOom). A sandbox
// cannot write that key: it has no /dev/lxd (security.devlxd=false).
import fs from "node:fs";
import path from "node:path";
import type { Logger } from "../../log";
import { LABEL_PREFIX } from "../docker/labels";
import type { SandboxEvent } from "../driver";
import type { LxdClient } from "./client";
import type { LxdInstance } from "./instance";

/** The instance configuration key in which a member records a sandbox's out-of-memory kills. */
export const OOM_KILLS_KEY = `user.${LABEL_PREFIX}.oom-kills`;

/** Where LXD keeps its containers' memory cgroups: cgroup v1's memory hierarchy, or v2's root. */
export const MEMORY_CGROUP_ROOTS = ["/sys/fs/cgroup/memory", "/sys/fs/cgroup"];
const PAYLOAD = "lxc.payload.";

/** The OOM-kill count in a memory cgroup's file (v1 memory.oom_control, v2 memory.events). */
export function oomKillsIn(text: string): number | null {
  const m = /^oom_kill (\d+)$/m.exec(text);
  return m ? Number(m[1]) : null;
}

/** Each LXD container's OOM-kill count under a cgroup root: name → count. */
export function readOomKills(root: string): Map<string, number> {
  const counts = new Map<string, number>();
  let entries: string[];
  try {
    entries = fs.readdirSync(root).filter((e) => e.startsWith(PAYLOAD));
  } catch {
    return counts;
  }
  for (const entry of entries) {
    for (const file of ["memory.oom_control", "memory.events"]) {
      try {
        const n = oomKillsIn(fs.readFileSync(path.join(root, entry, file), "utf8"));
        if (n !== null) {
          counts.set(entry.slice(PAYLOAD.length), n);
          break;
        }
      } catch {
        /* not this cgroup version's file, or the container just went */
      }
    }
  }
  return counts;
}

/** The instance a container's cgroup name stands for: LXD prefixes "<project>_" outside the default project; null: another project's. */
export function cgroupInstanceOf(project: string): (cgroupName: string) => string | null {
  const prefix = project === "default" ? "" : `${project}_`;
  return (cgroupName) => (!prefix ? cgroupName : cgroupName.startsWith(prefix) ? cgroupName.slice(prefix.length) : null);
}

/** The memory cgroups' root on this machine, or null. */
export function memoryCgroupRoot(roots = MEMORY_CGROUP_ROOTS): string | null {
  // v1's memory hierarchy comes first: on v1 hosts /sys/fs/cgroup exists too, as a tmpfs.
  return roots.find((r) => fs.existsSync(r)) ?? null;
}

export interface OomWatchOptions {
  /** The instance a container's cgroup name stands for (LXD prefixes "<project>_" outside the default project); null: not ours. */
  instanceOf?: (cgroupName: string) => string | null;
  /** Whether an instance is one of this installation's sandboxes. */
  isOurs: (name: string) => Promise<boolean>;
  onEvent: (event: SandboxEvent) => void;
  log: Logger;
  intervalMs?: number;
  roots?: string[];
}

/**
 * Polls the counts (a directory listing and one small read per running container) and reports
 * an "oom" for each of our sandboxes whose count grew. Counts seen at the start are the
 * baseline; a container first seen later starts from zero (it may have been killed already).
 */
export function watchOom(opts: OomWatchOptions): () => void {
  const root = memoryCgroupRoot(opts.roots);
  if (!root) return () => undefined;
  let seen = readOomKills(root);
  const timer = setInterval(() => {
    const now = readOomKills(root);
    for (const [cgroupName, count] of now) {
      const name = opts.instanceOf ? opts.instanceOf(cgroupName) : cgroupName;
      if (name && count > (seen.get(cgroupName) ?? 0)) {
        void opts.isOurs(name).then(
          (ours) => ours && opts.onEvent({ kind: "oom", sandboxId: name }),
          (err: Error) => opts.log.debug({ sandbox: name, err: err.message }, "could not tell whose out-of-memory kill this was"),
        );
      }
    }
    seen = now;
  }, opts.intervalMs ?? 2000);
  timer.unref();
  return () => clearInterval(timer);
}

/** The kills a member recorded on an instance (0 when none). */
export function recordedOomKills(instance: Pick<LxdInstance, "config">): number {
  const n = Number(instance.config?.[OOM_KILLS_KEY] ?? 0);
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}

/** On a member: adds one kill to the instance's recorded count (LXD tells every client). */
export async function recordOomKill(client: LxdClient, name: string): Promise<number> {
  const path = `/1.0/instances/${encodeURIComponent(name)}`;
  const { metadata } = await client.request<LxdInstance>("GET", path);
  const count = recordedOomKills(metadata) + 1;
  await client.request("PATCH", path, { config: { [OOM_KILLS_KEY]: String(count) } });
  return count;
}

/**
 * On the app server, for a remote LXD: an "oom" whenever one of our instances' recorded count
 * grows. `baseline` holds the counts when watching began; `onUpdated` is called for each
 * instance-updated event and reads the instance once.
 */
export function watchReportedOom(opts: {
  read: (name: string) => Promise<LxdInstance>;
  isOurs: (instance: LxdInstance) => boolean;
  baseline: () => Promise<LxdInstance[]>;
  onEvent: (event: SandboxEvent) => void;
  log: Logger;
}): (name: string) => void {
  // Only counts above zero are kept: a few entries, however many sandboxes come and go.
  const seen = new Map<string, number>();
  const ready = opts.baseline().then(
    (instances) => instances.forEach((i) => recordedOomKills(i) > 0 && seen.set(i.name, recordedOomKills(i))),
    (err: Error) => opts.log.warn({ err: err.message }, "could not read the sandboxes' recorded out-of-memory counts"),
  );
  return (name) =>
    void ready
      .then(() => opts.read(name))
      .then((instance) => {
        const count = recordedOomKills(instance);
        if (!opts.isOurs(instance) || count <= (seen.get(name) ?? 0)) return;
        seen.set(name, count);
        opts.onEvent({ kind: "oom", sandboxId: name });
      })
      .catch((err: Error) => opts.log.debug({ sandbox: name, err: err.message }, "could not read an updated instance"));
}
