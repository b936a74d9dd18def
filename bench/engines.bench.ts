// The two sandbox engines side by side on this machine (both in the hardened profile): how
// long a sandbox takes to be ready, the first `docker run --rm hello-world` (the inner engine
// starts on first use) and a later one, the sandbox's idle memory as the engine reports it,
// and a TTY's echo and throughput over the engine's own exec stream (the driver's openTty,
// without the playground's gateway).
// Run: npm run bench:engines  (BENCH_SMOKE=1 for one run each; writes bench/results/engines.json)
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { DockerDriver } from "../server/sandbox/docker/driver";
import type { Sandbox, SandboxDriver, TtyProcess } from "../server/sandbox/driver";
import type { LxdDriver } from "../server/sandbox/lxd/driver";
import { sandboxName } from "../server/sandbox/names";
import { testConfig, testDriver } from "../tests/helpers/env";
import { lxdTestConfig, testLxdDriver } from "../tests/helpers/lxd";
import { runStandalone, type BenchOptions, type BenchResult } from "./support/report";

let RUNS = 3;
const ECHO_SAMPLES = 100;
const THROUGHPUT_MB = 64;

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const percentile = (v: number[], p: number) => [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor((v.length * p) / 100))];

/** Resolves once the TTY's output (from now on) matches `re`. */
function until(tty: TtyProcess, re: RegExp, timeoutMs = 60_000): Promise<void> {
  let text = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re}: ${JSON.stringify(text.slice(-200))}`)), timeoutMs);
    const onData = (b: Buffer) => {
      text = (text + b.toString("latin1")).slice(-4096);
      if (re.test(text)) {
        clearTimeout(timer);
        tty.stream.off("data", onData);
        resolve();
      }
    };
    tty.stream.on("data", onData);
  });
}

/** Idle memory as each engine reports it (MB): Docker's cgroup usage less inactive files; LXD's instance state. */
async function idleMemoryMb(driver: SandboxDriver, sandbox: Sandbox): Promise<number> {
  if (driver instanceof DockerDriver) {
    const stats = await driver.docker.getContainer(sandbox.id).stats({ stream: false });
    const cache = (stats.memory_stats.stats as Record<string, number> | undefined)?.total_inactive_file ?? 0;
    return (stats.memory_stats.usage - cache) / 1024 / 1024;
  }
  const lxd = driver as LxdDriver;
  const { metadata } = await lxd.client.request<{ memory: { usage: number } }>("GET", `/1.0/instances/${sandbox.id}/state`);
  return metadata.memory.usage / 1024 / 1024;
}

async function ttyFigures(driver: SandboxDriver, sandbox: Sandbox): Promise<{ echoP50: number; echoP99: number; throughputMBps: number }> {
  const tty = await driver.openTty(sandbox, { cmd: ["bash", "--norc", "--noprofile"], user: "ubuntu", workingDir: "/home/ubuntu", env: ["PS1=$ "] }, { cols: 120, rows: 30 });
  try {
    await until(tty, /\$ $/);
    tty.stream.write("stty -echoctl; cat >/dev/null\r");
    await new Promise((r) => setTimeout(r, 300));
    const echo: number[] = [];
    for (let i = 0; i < ECHO_SAMPLES; i++) {
      const t0 = performance.now();
      const seen = until(tty, /x$/);
      tty.stream.write("x");
      await seen;
      echo.push(performance.now() - t0);
    }
    tty.stream.write("\x03");
    await until(tty, /\$ $/);
    const t0 = performance.now();
    const done = until(tty, /DONE\r?\n/, 120_000);
    tty.stream.write(`head -c ${THROUGHPUT_MB}M /dev/zero | base64 -w 100; echo DO""NE\r`);
    await done;
    const seconds = (performance.now() - t0) / 1000;
    // base64 makes 4/3 as many bytes, plus a newline per 100.
    const mb = (THROUGHPUT_MB * 4) / 3 * 1.01;
    return { echoP50: median(echo), echoP99: percentile(echo, 99), throughputMBps: mb / seconds };
  } finally {
    tty.stream.destroy();
  }
}

async function measure(engine: "docker" | "lxd") {
  const driver: SandboxDriver = engine === "lxd" ? await testLxdDriver(lxdTestConfig({ SANDBOX_PROFILE: "hardened", MIRROR: "off" })) : await testDriver(testConfig({ SANDBOX_PROFILE: "hardened", MIRROR: "off" }));
  await driver.prepare();
  const ready: number[] = [];
  const firstHello: number[] = [];
  const laterHello: number[] = [];
  const idleMb: number[] = [];
  const tty: Awaited<ReturnType<typeof ttyFigures>>[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const sandbox = await driver.create({ sessionId: randomUUID(), ownerId: "bench", name: sandboxName(), image: "", expiresAt: new Date(Date.now() + 600_000) });
      ready.push(performance.now() - t0);
      try {
        await new Promise((r) => setTimeout(r, 3000));
        idleMb.push(await idleMemoryMb(driver, sandbox));
        for (const into of [firstHello, laterHello]) {
          const t1 = performance.now();
          const r = await driver.run(sandbox, { cmd: ["docker", "run", "--rm", "hello-world"], user: "ubuntu", timeoutMs: 120_000 });
          if (r.exitCode !== 0) throw new Error(`hello-world failed on ${engine}: ${r.stderr}`);
          into.push(performance.now() - t1);
        }
        tty.push(await ttyFigures(driver, sandbox));
      } finally {
        await driver.remove(sandbox);
      }
    }
  } finally {
    await driver.dispose();
  }
  return {
    engine,
    runs: RUNS,
    readyMs: Math.round(median(ready)),
    firstHelloWorldMs: Math.round(median(firstHello)),
    laterHelloWorldMs: Math.round(median(laterHello)),
    idleMemoryMb: Math.round(median(idleMb) * 10) / 10,
    echoP50Ms: Math.round(median(tty.map((t) => t.echoP50)) * 100) / 100,
    echoP99Ms: Math.round(median(tty.map((t) => t.echoP99)) * 100) / 100,
    throughputMBps: Math.round(median(tty.map((t) => t.throughputMBps)) * 10) / 10,
  };
}

export async function enginesBench(opts: BenchOptions): Promise<BenchResult> {
  RUNS = Number(process.env.BENCH_RUNS ?? (opts.smoke ? 1 : 3));
  console.log("engines: Docker and LXD sandboxes (hardened)…");
  const rows = [await measure("docker"), await measure("lxd")];
  type Key = Exclude<keyof (typeof rows)[number], "engine" | "runs">;
  const fig = (figure: string, unit: string, key: Key) => rows.map((r) => ({ figure: `${figure}, ${r.engine}`, unit, ours: r[key] }));
  return {
    name: "engines",
    figures: [
      ...fig("sandbox ready", "ms", "readyMs"),
      ...fig("first docker run --rm hello-world (engine starts)", "ms", "firstHelloWorldMs"),
      ...fig("later docker run --rm hello-world", "ms", "laterHelloWorldMs"),
      ...fig("idle sandbox memory (engine's own figure)", "MB", "idleMemoryMb"),
      ...fig("echo p50 over the engine's exec stream", "ms", "echoP50Ms"),
      ...fig("echo p99 over the engine's exec stream", "ms", "echoP99Ms"),
      ...fig("TTY throughput over the engine's exec stream", "MB/s", "throughputMBps"),
    ],
    detail: { rows },
  };
}

if (require.main === module) runStandalone(enginesBench);
