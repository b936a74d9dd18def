// One shape for every benchmark's figures, one table printer, and the JSON files: the latest
// results per benchmark (bench/results/<name>.json) and every run's summary appended to
// bench/results/history.jsonl (so before/after figures stay side by side).
import fs from "node:fs";
import path from "node:path";
import { machine } from "./machine";
import { ratio } from "./stats";

export interface Figure {
  figure: string;
  unit: string;
  /** The baseline, measured side by side in the same run; null when it does not apply. */
  raw?: number | null;
  /** What the baseline is when it is not the raw Docker exec stream (e.g. "no pool"). */
  rawIs?: string;
  peer?: number | null;
  ours: number | null;
  /** Human-readable goal, e.g. "p99 ≤ 1.5× raw". */
  goal?: string;
  met?: boolean | null;
  /** Higher is better (throughput) rather than lower (latency, memory). */
  higherIsBetter?: boolean;
}

export interface BenchResult {
  name: string;
  figures: Figure[];
  /** Everything else worth keeping (samples' summaries, settings). */
  detail: Record<string, unknown>;
}

export interface BenchOptions {
  smoke: boolean;
}

export const RESULTS_DIR = path.join(__dirname, "..", "results");

export function printTable(results: BenchResult[]): void {
  const rows = results.flatMap((r) =>
    r.figures.map((f) => ({
      benchmark: r.name,
      figure: `${f.figure} (${f.unit})`,
      raw: f.raw ?? "",
      "raw is": f.raw == null ? "" : (f.rawIs ?? "exec stream"),
      peer: f.peer ?? "",
      ours: f.ours ?? "",
      "ours/raw": ratio(f.ours, f.raw) ?? "",
      "ours/peer": ratio(f.ours, f.peer) ?? "",
      goal: f.goal ?? "",
      met: f.met == null ? "" : f.met ? "yes" : "NO",
    })),
  );
  console.table(rows);
}

/** Writes <name>.json (or <name>.smoke.json) and appends a line to history.jsonl. */
export function writeResults(results: BenchResult[], opts: BenchOptions & { label?: string }): void {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const m = machine();
  const date = new Date().toISOString();
  for (const r of results) {
    const file = path.join(RESULTS_DIR, `${r.name}${opts.smoke ? ".smoke" : ""}.json`);
    fs.writeFileSync(file, `${JSON.stringify({ date, smoke: opts.smoke, machine: m, ...r }, null, 2)}\n`);
  }
  if (opts.smoke) return; // smoke runs prove the benchmarks work; their figures mean nothing
  const line = { date, label: opts.label ?? null, machine: m, figures: Object.fromEntries(results.map((r) => [r.name, r.figures])) };
  fs.appendFileSync(path.join(RESULTS_DIR, "history.jsonl"), `${JSON.stringify(line)}\n`);
}

/** Runs one benchmark on its own (npm run bench:<name>): prints and writes its results. */
export function runStandalone(bench: (opts: BenchOptions) => Promise<BenchResult>): void {
  const opts = { smoke: process.env.BENCH_SMOKE === "1" };
  bench(opts).then(
    (result) => {
      printTable([result]);
      writeResults([result], { ...opts, label: process.env.BENCH_LABEL });
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
