// How many learners fit: the memory of one idle sandbox, all-in (its cgroup's memory without
// reclaimable file cache, plus its containerd shim), and the server's memory per open
// terminal (its exec stream, flow control and screen mirror), with sandboxes per GiB.
// A sandbox's Docker engine starts when first used: the first `docker` command's wait for
// it, a later command's time, and the memory once the engine runs are measured too.
// Run: npm run bench:density (BENCH_SMOKE=1 for tiny counts). Writes bench/results/density.json.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { performance } from "node:perf_hooks";
import Docker from "dockerode";
import { guestCookie, PROMPT } from "../tests/helpers/client";
import { requireSandboxImage } from "../tests/helpers/env";
import { runStandalone, type BenchOptions, type BenchResult } from "./support/report";
import { rssOf, startServerProcess } from "./support/server-process";
import { sleep, summarize } from "./support/stats";
import { OursTerminal } from "./support/terminals";

/** The containerd shim serving this container (one per container with runc v2). */
function shimPid(containerId: string): number | null {
  for (const pid of fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      if (cmd[0]?.includes("containerd-shim") && cmd.includes(containerId)) return Number(pid);
    } catch {
      // the process went away
    }
  }
  return null;
}

async function idleMemoryMb(docker: Docker, name: string): Promise<{ cgroupMb: number; shimMb: number; allInMb: number }> {
  const container = docker.getContainer(name);
  const info = await container.inspect();
  const stats = await container.stats({ stream: false });
  const inactive = (stats.memory_stats.stats as Record<string, number> | undefined)?.total_inactive_file ?? 0;
  const cgroupMb = (stats.memory_stats.usage - inactive) / 1024 / 1024;
  const shim = shimPid(info.Id);
  const shimMb = shim ? (rssOf(shim) ?? 0) / 1024 / 1024 : 0;
  return { cgroupMb, shimMb, allInMb: cgroupMb + shimMb };
}

/**
 * What an idle sandbox's memory is made of: the proportional set size (PSS: shared pages
 * split between their users) of its processes, summed per program, largest first.
 */
async function memoryByProgram(docker: Docker, name: string): Promise<Record<string, number>> {
  const top = await docker.getContainer(name).top();
  const pidColumn = top.Titles.indexOf("PID");
  const byProgram = new Map<string, number>();
  for (const row of top.Processes) {
    const pid = row[pidColumn];
    try {
      const comm = fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim();
      const pss = Number(/^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"))?.[1] ?? 0);
      byProgram.set(comm, (byProgram.get(comm) ?? 0) + pss / 1024);
    } catch {
      // the process went away
    }
  }
  return Object.fromEntries([...byProgram].sort((a, b) => b[1] - a[1]).map(([comm, mb]) => [comm, Number(mb.toFixed(1))]));
}

/**
 * The baseline: a container of the same image that only sleeps (no init, no inner dockerd),
 * so the difference is what makes a sandbox a sandbox.
 */
async function plainContainerMb(docker: Docker): Promise<number> {
  const image = await requireSandboxImage(docker);
  const container = await docker.createContainer({
    name: `cp-bench-plain-${randomBytes(4).toString("hex")}`,
    Image: image.ref,
    Entrypoint: ["sleep"],
    Cmd: ["infinity"],
    HostConfig: { AutoRemove: false },
  });
  try {
    await container.start();
    await sleep(2000);
    return (await idleMemoryMb(docker, container.id)).allInMb;
  } finally {
    await container.remove({ force: true });
  }
}

export async function densityBench(opts: BenchOptions): Promise<BenchResult> {
  const SANDBOXES = opts.smoke ? 1 : 5;
  const TERMINALS = opts.smoke ? 3 : 24;
  // The extra terminals are one learner's (one sandbox): the limit per learner is raised to fit them.
  const server = await startServerProcess({ SANDBOX_POOL_SIZE: "0", SANDBOX_MAX: String(SANDBOXES + 2), LIMIT_TERMINALS_PER_LEARNER: String(TERMINALS + 1) });
  const terms: OursTerminal[] = [];
  try {
    const docker = new Docker();
    console.log(`density: ${SANDBOXES} idle sandbox(es)…`);
    const names: string[] = [];
    for (let i = 0; i < SANDBOXES; i++) {
      const { term, sandbox } = await OursTerminal.open(server.url, await guestCookie(server.url));
      terms.push(term);
      names.push(`cp-${sandbox}`);
      await term.waitFor(PROMPT, 60_000);
    }
    await sleep(opts.smoke ? 2000 : 15_000); // let each inner dockerd settle
    const idle = await Promise.all(names.map((n) => idleMemoryMb(docker, n)));
    const programs = await memoryByProgram(docker, names[0]);
    console.log(`density: an idle sandbox's processes (PSS, MB): ${JSON.stringify(programs)}`);
    const plainMb = await plainContainerMb(docker);

    // The first docker command of each idle sandbox starts its engine; a second one finds it running.
    const dockerCommand = async (term: OursTerminal, n: number) => {
      term.clearTail();
      const t0 = performance.now();
      term.write(`docker version --format '{{.Server.Version}}' >/dev/null && echo "engine-$((${n} * 7))"\r`);
      await term.waitFor(new RegExp(`^engine-${n * 7}\\r?$`, "m"), 120_000);
      return performance.now() - t0;
    };
    const firstUse: number[] = [];
    const later: number[] = [];
    for (const [i, term] of terms.entries()) {
      firstUse.push(await dockerCommand(term, 2 * i + 1));
      later.push(await dockerCommand(term, 2 * i + 2));
    }
    const firstUseMs = summarize(firstUse, 0);
    const laterMs = summarize(later, 0);
    console.log(`density: first docker command (engine starts) p50 ${firstUseMs.p50} ms, max ${firstUseMs.max} ms; once it runs p50 ${laterMs.p50} ms`);
    await sleep(opts.smoke ? 2000 : 15_000); // let each inner dockerd settle
    const engineOn = await Promise.all(names.map((n) => idleMemoryMb(docker, n)));
    const engineOnMb = summarize(engineOn.map((m) => m.allInMb), 1);

    console.log(`density: ${TERMINALS} more terminals on the server…`);
    // Each extra terminal has a socket of its own, as a browser tab does.
    await sleep(1000);
    const before = server.rssBytes();
    const cookie = await guestCookie(server.url);
    const extra: OursTerminal[] = [];
    for (let i = 0; i < TERMINALS; i++) {
      const { term } = await OursTerminal.open(server.url, cookie);
      extra.push(term);
      await term.waitFor(PROMPT, 60_000);
      term.write("ls -la /usr/bin | head -n 60\r"); // a full screen in the mirror, as after real work
    }
    await sleep(3000);
    const after = server.rssBytes();
    terms.push(...extra);
    const perTerminalMb = (after - before) / TERMINALS / 1024 / 1024;
    const idleAllIn = summarize(idle.map((m) => m.allInMb), 1);
    const perGiB = Math.floor(1024 / idleAllIn.p50);
    return {
      name: "density",
      figures: [
        {
          figure: "idle sandbox memory, all-in (cgroup + shim)",
          unit: "MB",
          raw: Number(plainMb.toFixed(1)),
          rawIs: "same image, only `sleep`",
          ours: idleAllIn.p50,
          goal: "< 25 MB",
          met: idleAllIn.p50 < 25,
        },
        { figure: "idle sandboxes per GiB", unit: "count", ours: perGiB, higherIsBetter: true },
        { figure: "first docker command on an idle sandbox (its engine starts)", unit: "ms", ours: firstUseMs.p50, goal: "< 1000 ms", met: firstUseMs.p50 < 1000 },
        { figure: "the same command once the engine runs", unit: "ms", ours: laterMs.p50 },
        { figure: "idle sandbox memory once Docker has been used", unit: "MB", ours: engineOnMb.p50 },
        { figure: "server memory per open terminal", unit: "MB", ours: Number(perTerminalMb.toFixed(2)), goal: "< 5 MB", met: perTerminalMb < 5 },
      ],
      detail: { firstDockerCommandMs: firstUseMs, laterDockerCommandMs: laterMs, processesPssMb: programs, sandboxes: idle.map((m) => ({ cgroupMb: +m.cgroupMb.toFixed(1), shimMb: +m.shimMb.toFixed(1) })), terminals: TERMINALS, serverRssBeforeMb: before / 1024 / 1024, serverRssAfterMb: after / 1024 / 1024, docker: execFileSync("docker", ["version", "--format", "{{.Server.Version}}"], { encoding: "utf8" }).trim() },
    };
  } finally {
    for (const t of terms) await t.close();
    await server.stop();
  }
}

if (require.main === module) runStandalone(densityBench);
