// The security profiles side by side, measured on this machine: how long a sandbox takes to
// be ready, how long `docker run --rm hello-world` takes inside it, and its idle memory.
// This is the measurement behind choosing the user-namespace design for `hardened`.
// Run: npm run bench:profiles  (BENCH_SMOKE=1 for one run each; writes bench/results/profiles.json)
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { DockerDriver } from "../server/sandbox/docker/driver";
import { sandboxName } from "../server/sandbox/names";
import { testConfig, testDriver } from "../tests/helpers/env";

import { runStandalone, type BenchOptions, type BenchResult } from "./support/report";

let RUNS = 5;

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

async function measure(profile: "trusted" | "hardened") {
  const driver = await testDriver(testConfig({ SANDBOX_PROFILE: profile }));
  try {
    return await measureWith(driver, profile);
  } finally {
    // Its firewall rules go with it: bench/run.ts exits without running beforeExit hooks.
    await driver.dispose();
  }
}

async function measureWith(driver: DockerDriver, profile: "trusted" | "hardened") {
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

export async function profilesBench(opts: BenchOptions): Promise<BenchResult> {
  RUNS = Number(process.env.BENCH_RUNS ?? (opts.smoke ? 1 : 5));
  console.log("profiles: trusted and hardened sandboxes…");
  const [t, h] = [await measure("trusted"), await measure("hardened")];
  const fig = (figure: string, unit: string, key: "readyMs" | "helloWorldMs" | "idleMemoryMb") => [
    { figure: `${figure}, trusted`, unit, ours: t[key] },
    { figure: `${figure}, hardened`, unit, ours: h[key] },
  ];
  return {
    name: "profiles",
    figures: [...fig("sandbox ready", "ms", "readyMs"), ...fig("docker run --rm hello-world", "ms", "helloWorldMs"), ...fig("idle sandbox memory", "MB", "idleMemoryMb")],
    detail: { rows: [t, h] },
  };
}

if (require.main === module) runStandalone(profilesBench);
