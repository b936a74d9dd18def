// The security profiles side by side, measured on this machine: how long a sandbox takes to
// be ready, how long `docker run --rm hello-world` takes inside it, and its idle memory.
// This is the measurement behind choosing the user-namespace design for `hardened`.
// Run: npm run bench:profiles  (prints a table, writes bench/results/profiles.json)
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { sandboxName } from "../server/sessions/names";
import { testConfig, testDriver } from "../tests/helpers/env";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

async function measure(profile: "trusted" | "hardened") {
  const driver = await testDriver(testConfig({ SANDBOX_PROFILE: profile }));
  const ready: number[] = [];
  const hello: number[] = [];
  const idleMb: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const sandbox = await driver.create({ sessionId: randomUUID(), ownerId: "bench", name: sandboxName(), image: "", expiresAt: new Date(Date.now() + 600_000) });
    ready.push(performance.now() - t0);
    try {
      const t1 = performance.now();
      const r = await driver.run(sandbox, { cmd: ["docker", "run", "--rm", "hello-world"], user: "ubuntu" });
      if (r.exitCode !== 0) throw new Error(`hello-world failed in ${profile}: ${r.stderr}`);
      hello.push(performance.now() - t1);
      await new Promise((res) => setTimeout(res, 3000));
      const stats = await driver.docker.getContainer(sandbox.id).stats({ stream: false });
      const cache = (stats.memory_stats.stats as Record<string, number> | undefined)?.total_inactive_file ?? 0;
      idleMb.push((stats.memory_stats.usage - cache) / 1024 / 1024);
    } finally {
      await driver.remove(sandbox);
    }
  }
  return { profile, runs: RUNS, readyMs: Math.round(median(ready)), helloWorldMs: Math.round(median(hello)), idleMemoryMb: Math.round(median(idleMb)) };
}

(async () => {
  const rows = [await measure("trusted"), await measure("hardened")];
  console.table(rows);
  const [t, h] = rows;
  const ratios = { ready: +(h.readyMs / t.readyMs).toFixed(2), helloWorld: +(h.helloWorldMs / t.helloWorldMs).toFixed(2), idleMemory: +(h.idleMemoryMb / t.idleMemoryMb).toFixed(2) };
  console.log("hardened / trusted:", ratios);
  const out = path.join(__dirname, "results", "profiles.json");
  fs.writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), machine: { cpus: os.cpus().length, memoryGb: +(os.totalmem() / 2 ** 30).toFixed(1), kernel: os.release() }, rows, ratios }, null, 2) + "\n");
  console.log(`wrote ${out}`);
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
