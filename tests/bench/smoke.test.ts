// Every benchmark runs end to end with tiny counts (BENCH_SMOKE=1), so none of them rots:
// real server, sandboxes, the peer web terminal and Chromium. Nothing here asserts on timing;
// it checks that each benchmark finished and reported every figure it promises.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import type { BenchResult } from "../../bench/support/report";

const NAMES = ["terminal", "lifecycle", "density", "dashboard", "profiles", "engines", "hostile", "class"];
const RESULTS = path.join(__dirname, "..", "..", "bench", "results");

test("npm run bench works end to end (smoke counts) and reports every figure", () => {
  for (const n of NAMES) fs.rmSync(path.join(RESULTS, `${n}.smoke.json`), { force: true });
  const run = spawnSync(process.execPath, ["--import", "tsx", path.join(__dirname, "..", "..", "bench", "run.ts")], {
    env: { ...process.env, BENCH_SMOKE: "1" },
    encoding: "utf8",
    timeout: 15 * 60_000,
  });
  assert.equal(run.status, 0, `the benchmarks failed:\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}`);
  // How long each took (CI time is budgeted): bench/run.ts prints "<name>: done in N s".
  for (const line of run.stdout.split("\n").filter((l) => / done in \d+ s$/.test(l))) console.log(`smoke ${line}`);
  for (const n of NAMES) {
    const file = path.join(RESULTS, `${n}.smoke.json`);
    assert.ok(fs.existsSync(file), `${n} wrote no results`);
    const result = JSON.parse(fs.readFileSync(file, "utf8")) as BenchResult & { machine: { cpus: number } };
    assert.ok(result.machine.cpus > 0, `${n}: machine facts are recorded`);
    assert.ok(result.figures.length > 0, `${n}: no figures`);
    for (const f of result.figures) assert.ok(typeof f.ours === "number" && Number.isFinite(f.ours), `${n}: "${f.figure}" has no value`);
  }
  const terminal = JSON.parse(fs.readFileSync(path.join(RESULTS, "terminal.smoke.json"), "utf8")) as BenchResult;
  const echo = terminal.figures.find((f) => f.figure === "echo p99")!;
  assert.ok(typeof echo.raw === "number" && typeof echo.peer === "number", "raw and peer are measured side by side with ours");
});
