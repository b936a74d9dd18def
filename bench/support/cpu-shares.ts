// Who used the host's CPU during a stretch of a benchmark: the whole host (/proc/stat), the
// server, this benchmark's own process, and its Chromium pages, which on a one-machine
// benchmark share the cores that a real class's browsers would not.
import fs from "node:fs";
import { CLOCK_TICKS, processCpu } from "./server-process";

/** Busy CPU seconds of the host so far (all cores). */
function hostBusySeconds(): number {
  const fields = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = fields[3] + (fields[4] ?? 0); // idle + iowait
  return (fields.reduce((a, b) => a + b, 0) - idle) / CLOCK_TICKS;
}

/** CPU seconds used so far by every process whose name contains `name` (Chromium: "chrom"). */
function cpuOfProcessesNamed(name: string): number {
  let seconds = 0;
  for (const pid of fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    const p = processCpu(pid); // null: the process went away
    if (p && p.comm.toLowerCase().includes(name)) seconds += p.seconds;
  }
  return seconds;
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
  const host0 = hostBusySeconds();
  const server0 = serverCpuSeconds();
  const bench0 = process.cpuUsage();
  const chromium0 = cpuOfProcessesNamed("chrom");
  return () => {
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const pct = (cpuSeconds: number) => Math.round((100 * cpuSeconds) / seconds);
    const benchUsage = process.cpuUsage(bench0);
    const shares = {
      hostBusy: pct(hostBusySeconds() - host0),
      server: pct(serverCpuSeconds() - server0),
      bench: pct((benchUsage.user + benchUsage.system) / 1e6),
      chromium: pct(cpuOfProcessesNamed("chrom") - chromium0),
    };
    return { ...shares, rest: Math.max(0, shares.hostBusy - shares.server - shares.bench - shares.chromium) };
  };
}

/**
 * Waits until the host's cores have been quiet (at most `maxBusyPct` of one core busy, all
 * cores together) over a window, or the time is up: a figure about idle neighbours is taken
 * once the host has settled, not while a class is still arriving. Returns the last window's
 * busy share and how long it waited.
 */
export async function waitForQuietHost(opts: { maxBusyPct: number; windowMs: number; timeoutMs: number }): Promise<{ busyPct: number; waitedMs: number }> {
  const t0 = Date.now();
  for (;;) {
    const before = hostBusySeconds();
    await new Promise((resolve) => setTimeout(resolve, opts.windowMs));
    const busyPct = Math.round((100 * (hostBusySeconds() - before)) / (opts.windowMs / 1000));
    const waitedMs = Date.now() - t0;
    if (busyPct <= opts.maxBusyPct || waitedMs >= opts.timeoutMs) return { busyPct, waitedMs };
  }
}
