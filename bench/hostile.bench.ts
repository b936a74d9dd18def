// The server under a hostile client: a normal learner's keystroke echo, and the server's CPU
// and memory, first quiet, then while one visitor (another address) does everything it can
// cheaply do: asks for guests and sandboxes in a loop (refused past the per-address limits),
// opens as many terminals as it may and floods them with output, detaches from them, sends
// resizes and re-attaches as fast as it can, and hammers lesson checks.
// Goal: the normal learner's echo p99 stays within 1.5x of the quiet run.
// Run: BENCH_ONLY=hostile npm run bench   (BENCH_SMOKE=1: tiny counts)
// Writes bench/results/hostile.json.
import path from "node:path";
import { performance } from "node:perf_hooks";
import { io, type Socket } from "socket.io-client";
import { echo } from "./support/echo";
import { runStandalone, type BenchOptions, type BenchResult } from "./support/report";
import { startServerProcess, type ServerProcess } from "./support/server-process";
import { ratio, sleep, summarize } from "./support/stats";
import { OursTerminal } from "./support/terminals";
import { PROMPT } from "../tests/helpers/client";

const PROBE_ADDRESS = "198.51.100.1";
const ATTACKER_ADDRESS = "203.0.113.66";

async function guest(url: string, address: string): Promise<string | null> {
  const res = await fetch(`${url}/api/guest`, { method: "POST", headers: { "content-type": "application/json", "x-forwarded-for": address }, body: "{}" });
  return res.ok ? res.headers.get("set-cookie")!.split(";")[0] : null;
}

function socketFor(url: string, cookie: string, address: string): Promise<Socket> {
  const socket = io(url, { transports: ["websocket"], reconnection: false, forceNew: true, extraHeaders: { cookie, "x-forwarded-for": address } });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

const ask = <T>(socket: Socket, event: string, ...args: unknown[]) => new Promise<T>((resolve) => socket.emit(event, ...args, resolve));

/** Server CPU (% of one core) and peak memory while the probe's echo is sampled. */
async function measure(server: ServerProcess, probe: OursTerminal, samples: number) {
  const cpu0 = server.cpuSeconds();
  const t0 = performance.now();
  const rss: number[] = [];
  const sampler = setInterval(() => rss.push(server.rssBytes()), 250);
  const echoMs = await echo(probe, samples, 20);
  clearInterval(sampler);
  const seconds = (performance.now() - t0) / 1000;
  return {
    serverCpuPercent: Number(((100 * (server.cpuSeconds() - cpu0)) / seconds).toFixed(1)),
    serverRssMb: Number((Math.max(...rss, server.rssBytes()) / 1024 / 1024).toFixed(1)),
    echoMs: summarize(echoMs),
  };
}

/** The attack: runs until `stop` is set; returns what it managed and what was refused. */
async function attack(url: string, stop: { now: boolean }) {
  const tally = { guestsMade: 0, guestsRefused: 0, sandboxesGot: 0, sandboxesRefused: 0, terminalsOpened: 0, terminalsRefused: 0, resizes: 0, attaches: 0, checks: 0 };
  const sockets: Socket[] = [];
  const cookie = await guest(url, ATTACKER_ADDRESS);
  if (!cookie) throw new Error("the attacker could not even get one guest");
  const main = await socketFor(url, cookie, ATTACKER_ADDRESS);
  sockets.push(main);
  const opened = await ask<{ ok: boolean }>(main, "sandbox:open");
  if (opened.ok) tally.sandboxesGot++;
  // As many terminals as allowed, each flooding output; then the attacker stops looking at half.
  const terms: string[] = [];
  for (let i = 0; i < 20; i++) {
    const t = await ask<{ ok: boolean; terminalId?: string }>(main, "terminal:open", { cols: 500, rows: 200 });
    if (t.ok && t.terminalId) {
      terms.push(t.terminalId);
      tally.terminalsOpened++;
      main.emit("terminal:input", t.terminalId, "yes 'a hostile flood of output that nobody reads'\r");
    } else tally.terminalsRefused++;
  }
  main.on("terminal:output", (id: string, data: ArrayBuffer) => main.emit("terminal:ack", id, data.byteLength));
  const side = await socketFor(url, cookie, ATTACKER_ADDRESS);
  sockets.push(side);
  // Busy loops of cheap requests, in parallel, until told to stop.
  const loops = [
    (async () => {
      while (!stop.now) {
        const c = await guest(url, ATTACKER_ADDRESS);
        if (c) {
          tally.guestsMade++;
          const s = await socketFor(url, c, ATTACKER_ADDRESS).catch(() => null);
          if (s) {
            sockets.push(s);
            const r = await ask<{ ok: boolean }>(s, "sandbox:open");
            if (r.ok) tally.sandboxesGot++;
            else tally.sandboxesRefused++;
          }
        } else tally.guestsRefused++;
        await sleep(20);
      }
    })(),
    (async () => {
      let n = 0;
      while (!stop.now) {
        for (const id of terms) main.emit("terminal:resize", id, { cols: 80 + (n % 400), rows: 24 + (n % 150) });
        tally.resizes += terms.length;
        n++;
        await sleep(5);
      }
    })(),
    (async () => {
      while (!stop.now) {
        for (const id of terms.slice(0, 2)) await ask(side, "terminal:attach", id, { cols: 80, rows: 24 });
        tally.attaches += 2;
        await sleep(10);
      }
    })(),
    (async () => {
      while (!stop.now) {
        await ask(main, "lesson:check", { lessonId: "01-container-is-a-process", stepId: "run-a-container", auto: true });
        tally.checks++;
        await sleep(5);
      }
    })(),
  ];
  main.emit("sandbox:heartbeat");
  return {
    tally,
    done: async () => {
      await Promise.all(loops);
      for (const s of sockets) s.close();
    },
  };
}

export async function hostileBench(opts: BenchOptions): Promise<BenchResult> {
  const samples = opts.smoke ? 30 : 400;
  const server = await startServerProcess({
    TRUST_PROXY: "loopback",
    // The production defaults for what one address may take.
    LIMIT_GUESTS_PER_HOUR: "20",
    LIMIT_SANDBOXES_PER_ADDRESS: "3",
    LIMIT_JOINS_PER_CODE_PER_HOUR: "40",
    LIMIT_TERMINALS_PER_LEARNER: "8",
    SANDBOX_MEMORY_MB: "512",
    LESSONS_DIR: path.join(process.cwd(), "lessons"),
  });
  try {
    const cookie = (await guest(server.url, PROBE_ADDRESS))!;
    const { term: probe } = await OursTerminal.open(server.url, cookie, { cols: 120, rows: 30 }, { "x-forwarded-for": PROBE_ADDRESS });
    await probe.waitFor(PROMPT, 120_000);
    await sleep(1000);
    const quiet = await measure(server, probe, samples);
    console.log(`  quiet:  server CPU ${quiet.serverCpuPercent}%, RSS ${quiet.serverRssMb} MB, echo p50 ${quiet.echoMs.p50} ms, p99 ${quiet.echoMs.p99} ms`);

    const stop = { now: false };
    const attacker = await attack(server.url, stop);
    await sleep(opts.smoke ? 1000 : 5000); // let the attack reach its steady state
    const attacked = await measure(server, probe, samples);
    stop.now = true;
    await attacker.done();
    console.log(`  attack: server CPU ${attacked.serverCpuPercent}%, RSS ${attacked.serverRssMb} MB, echo p50 ${attacked.echoMs.p50} ms, p99 ${attacked.echoMs.p99} ms; ${JSON.stringify(attacker.tally)}`);
    const p99Ratio = ratio(attacked.echoMs.p99, quiet.echoMs.p99);
    return {
      name: "hostile",
      figures: [
        { figure: "learner echo p50, quiet", unit: "ms", ours: quiet.echoMs.p50 },
        { figure: "learner echo p99, quiet", unit: "ms", ours: quiet.echoMs.p99 },
        { figure: "learner echo p50, under a hostile client", unit: "ms", ours: attacked.echoMs.p50 },
        {
          figure: "learner echo p99, under a hostile client",
          unit: "ms",
          raw: quiet.echoMs.p99,
          rawIs: "quiet run",
          ours: attacked.echoMs.p99,
          goal: "≤ 1.5× quiet",
          met: p99Ratio === null ? null : p99Ratio <= 1.5,
        },
        { figure: "server CPU, quiet", unit: "% of a core", ours: quiet.serverCpuPercent },
        { figure: "server CPU, under attack", unit: "% of a core", ours: attacked.serverCpuPercent },
        { figure: "server memory, quiet", unit: "MB", ours: quiet.serverRssMb },
        { figure: "server memory, under attack", unit: "MB", ours: attacked.serverRssMb },
      ],
      detail: { quiet, attacked, attack: attacker.tally, echoP99Ratio: p99Ratio },
    };
  } finally {
    await server.stop();
  }
}

if (require.main === module) runStandalone(hostileBench);
