// Who used the host's CPU during a stretch of a benchmark: the whole host (/proc/stat), the
// server, this benchmark's own process, and its Chromium pages, which on a one-machine
// benchmark share the cores that a real class's browsers would not.
import fs from "node:fs";

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** Busy and total CPU seconds of the host so far (all cores). */
function hostCpu(): { busy: number; total: number } {
  const fields = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = fields[3] + (fields[4] ?? 0); // idle + iowait
  return { busy: (total - idle) / CLOCK_TICKS, total: total / CLOCK_TICKS };
}

/** CPU seconds used so far by every process whose name contains `name` (Chromium: "chrom"). */
function cpuOfProcessesNamed(name: string): number {
  let ticks = 0;
  for (const pid of fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      if (!comm.toLowerCase().includes(name)) continue;
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(rest[11]) + Number(rest[12]); // utime, stime
    } catch {
      // the process went away
    }
  }
  return ticks / CLOCK_TICKS;
}

export interface CpuShares {
  /** The host's cores busy, in % of one core (200% = both cores of two). */
  hostBusy: number;
  server: number;
  bench: number;
  chromium: number;
  /** Everything else: sandboxes, their engines, the host's Docker. */
  rest: number;
}

/** Starts counting; the returned function gives each share in % of one core since then. */
export function countCpuShares(serverCpuSeconds: () => number): () => CpuShares {
  const t0 = process.hrtime.bigint();
  const host0 = hostCpu();
  const server0 = serverCpuSeconds();
  const bench0 = process.cpuUsage();
  const chromium0 = cpuOfProcessesNamed("chrom");
  return () => {
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const pct = (cpuSeconds: number) => Math.round((100 * cpuSeconds) / seconds);
    const benchUsage = process.cpuUsage(bench0);
    const shares = {
      hostBusy: pct(hostCpu().busy - host0.busy),
      server: pct(serverCpuSeconds() - server0),
      bench: pct((benchUsage.user + benchUsage.system) / 1e6),
      chromium: pct(cpuOfProcessesNamed("chrom") - chromium0),
    };
    return { ...shares, rest: Math.max(0, shares.hostBusy - shares.server - shares.bench - shares.chromium) };
  };
}
