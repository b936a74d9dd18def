// Out-of-memory kills in LXD sandboxes, as SandboxEvents. LXD 5.0 sends no event for them, so
// on the LXD host itself the driver reads each container's memory cgroup: the kernel's count of
// kills that the sandbox's own memory limit caused. A learner's inner container that hits its
// own `--memory` limit is not counted there, just as Docker's "oom" event for a sandbox
// container does not count it. Remote LXD members' cgroups are theirs: no OOM events from them.
import fs from "node:fs";
import path from "node:path";
import type { Logger } from "../../log";
import type { SandboxEvent } from "../driver";

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
  const roots = opts.roots ?? MEMORY_CGROUP_ROOTS;
  // v1's memory hierarchy comes first: on v1 hosts /sys/fs/cgroup exists too, as a tmpfs.
  const root = roots.find((r) => fs.existsSync(r));
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
