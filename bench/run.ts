// `npm run bench`: every benchmark, one after the other (they share this machine's 2 cores),
// against a local stack each of them starts: the server (as its own process where its CPU and
// memory are measured), real sandboxes on the local Docker engine, the peer web terminal and
// headless Chromium. Prints one table; writes bench/results/<name>.json and appends the
// figures to bench/results/history.jsonl (BENCH_LABEL names a run, e.g. "before").
// BENCH_SMOKE=1 runs everything with tiny counts (CI does, so no benchmark rots).
// BENCH_ONLY=terminal,density runs a subset.
import { classBench } from "./class.bench";
import { dashboardBench } from "./dashboard.bench";
import { hostileBench } from "./hostile.bench";
import { densityBench } from "./density.bench";
import { enginesBench } from "./engines.bench";
import { lifecycleBench } from "./lifecycle.bench";
import { profilesBench } from "./profiles.bench";
import { printTable, writeResults, type BenchOptions, type BenchResult } from "./support/report";
import { terminalBench } from "./terminal.bench";

const ALL: Record<string, (opts: BenchOptions) => Promise<BenchResult>> = {
  terminal: terminalBench,
  lifecycle: lifecycleBench,
  density: densityBench,
  dashboard: dashboardBench,
  profiles: profilesBench,
  engines: enginesBench,
  hostile: hostileBench,
  class: classBench,
};

async function main(): Promise<void> {
  const opts = { smoke: process.env.BENCH_SMOKE === "1" };
  const only = process.env.BENCH_ONLY?.split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = only?.filter((n) => !(n in ALL)) ?? [];
  if (unknown.length) throw new Error(`BENCH_ONLY: no benchmark called ${unknown.join(", ")} (there are: ${Object.keys(ALL).join(", ")})`);
  const results: BenchResult[] = [];
  for (const [name, bench] of Object.entries(ALL)) {
    if (only && !only.includes(name)) continue;
    const t0 = Date.now();
    results.push(await bench(opts));
    console.log(`${name}: done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  printTable(results);
  writeResults(results, { ...opts, label: process.env.BENCH_LABEL });
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
