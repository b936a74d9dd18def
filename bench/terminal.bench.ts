// The terminal itself, side by side in one run against the same sandbox: raw (the Docker exec
// stream), peer (wetty) and ours (the socket.io gateway). Keystroke echo through bash,
// output throughput, Ctrl-C during a flood, and a client that stalls for 5 s mid-flood.
// Run: npm run bench:terminal (BENCH_SMOKE=1 for tiny counts). Writes bench/results/terminal.json.
import { performance } from "node:perf_hooks";
import { DEFAULT_FLOW } from "../server/terminal/flow-control";
import { guestCookie } from "../tests/helpers/client";
import { startPeer } from "./support/peer";
import { rssOf, startServerProcess } from "./support/server-process";
import { runStandalone, type BenchOptions, type BenchResult, type Figure } from "./support/report";
import { echo } from "./support/echo";
import { sleep, summarize } from "./support/stats";
import { OursTerminal, PeerTerminal, RawTerminal, type BenchTerminal, type TerminalKind } from "./support/terminals";

let marker = 0;
/** Runs a command line and waits for the shell to print a fresh marker after it. */
async function runAndWait(t: BenchTerminal, command: string, timeoutMs = 600_000): Promise<void> {
  const n = ++marker + 1000;
  t.clearTail();
  t.write(`${command}; echo mk-$((${n}+1))\r`);
  await t.waitFor(new RegExp(`mk-${n + 1}\\r?\\n`), timeoutMs);
}

/** Bytes per second arriving at the client while the command runs. */
async function throughput(t: BenchTerminal, command: string): Promise<number> {
  await sleep(200);
  const before = t.bytes;
  const t0 = performance.now();
  await runAndWait(t, command);
  return (t.bytes - before) / ((performance.now() - t0) / 1000);
}

async function ctrlC(t: BenchTerminal, samples: number): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < samples; i++) {
    t.clearTail();
    t.write("yes\r");
    await t.waitFor(/y\r\ny\r\ny\r\n/);
    await sleep(300);
    const n = ++marker + 5000;
    const t0 = performance.now();
    t.write("\x03");
    t.write(`echo intr-$((${n}+1))\r`);
    await t.waitFor(new RegExp(`intr-${n + 1}\\r?\\n`), 60_000);
    ms.push(performance.now() - t0);
    await sleep(200);
  }
  return ms;
}

/** Stops reading for `stallMs` during a flood: memory growth of the terminal's server, and what arrives after. */
async function stalled(t: BenchTerminal, stallMs: number, serverRss: () => number | null) {
  t.clearTail();
  t.write("yes\r");
  await t.waitFor(/y\r\ny\r\ny\r\n/);
  await sleep(500);
  const rss0 = serverRss();
  let peak = rss0 ?? 0;
  t.stall(true);
  const sampler = setInterval(() => (peak = Math.max(peak, serverRss() ?? 0)), 100);
  await sleep(stallMs);
  clearInterval(sampler);
  const atResume = t.bytes;
  const n = ++marker + 9000;
  t.stall(false);
  t.write("\x03");
  t.write(`echo stall-$((${n}+1))\r`);
  await t.waitFor(new RegExp(`stall-${n + 1}\\r?\\n`), 120_000);
  return { growthMb: rss0 === null ? null : Number(((peak - rss0) / 1024 / 1024).toFixed(1)), backlogKiB: Number(((t.bytes - atResume) / 1024).toFixed(0)) };
}

export async function terminalBench(opts: BenchOptions): Promise<BenchResult> {
  const ECHO = opts.smoke ? 20 : 1000;
  const B64_BYTES = opts.smoke ? 2_000_000 : 200_000_000;
  const SEQ = opts.smoke ? 50_000 : 5_000_000;
  const INTR = opts.smoke ? 2 : 10;
  const STALL_MS = opts.smoke ? 1000 : 5000;
  const REPEAT = opts.smoke ? 1 : 3;

  const server = await startServerProcess({ SANDBOX_POOL_SIZE: "0" });
  const closers: (() => Promise<void>)[] = [];
  try {
    const { term: ours, sandbox } = await OursTerminal.open(server.url, await guestCookie(server.url));
    closers.push(() => ours.close());
    const container = `cp-${sandbox}`;
    const raw = await RawTerminal.open(container);
    closers.push(() => raw.close());
    const peerServer = await startPeer(container);
    closers.unshift(() => peerServer.stop());
    const peer = await PeerTerminal.open(peerServer.url);
    closers.push(() => peer.close());
    const terms: Record<TerminalKind, BenchTerminal> = { raw, peer, ours };
    for (const t of Object.values(terms)) await runAndWait(t, "stty cols 120 rows 30", 60_000);

    const each = async <T>(fn: (t: BenchTerminal) => Promise<T>): Promise<Record<TerminalKind, T>> => {
      const out = {} as Record<TerminalKind, T>;
      for (const kind of ["raw", "peer", "ours"] as TerminalKind[]) out[kind] = await fn(terms[kind]);
      return out;
    };
    console.log("terminal: keystroke echo…");
    const echoMs = await each(async (t) => summarize(await echo(t, ECHO)));
    console.log("terminal: throughput…");
    // Interleaved repetitions (raw, peer, ours, raw, …) and the median: a slow moment of this
    // noisy machine then hits all three alike.
    const repeated = async (command: string) => {
      const runs: Record<TerminalKind, number[]> = { raw: [], peer: [], ours: [] };
      for (let i = 0; i < REPEAT; i++) {
        const one = await each((t) => throughput(t, command));
        for (const k of Object.keys(runs) as TerminalKind[]) runs[k].push(one[k]);
      }
      const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
      return { raw: median(runs.raw), peer: median(runs.peer), ours: median(runs.ours), runs };
    };
    const b64 = await repeated(`head -c ${B64_BYTES} /dev/zero | base64`);
    const seq = await repeated(`seq 1 ${SEQ}`);
    console.log("terminal: Ctrl-C during a flood…");
    const intr = await each(async (t) => summarize(await ctrlC(t, INTR)));
    console.log("terminal: a client that stalls…");
    const rss: Record<TerminalKind, () => number | null> = { raw: () => null, peer: () => rssOf(peerServer.pid), ours: () => server.rssBytes() };
    const stall = await each((t) => stalled(t, STALL_MS, rss[t.kind]));

    const mbps = (v: number) => Number((v / 1024 / 1024).toFixed(1));
    const figures: Figure[] = [
      { figure: "echo p50", unit: "ms", raw: echoMs.raw.p50, peer: echoMs.peer.p50, ours: echoMs.ours.p50 },
      {
        figure: "echo p99",
        unit: "ms",
        raw: echoMs.raw.p99,
        peer: echoMs.peer.p99,
        ours: echoMs.ours.p99,
        goal: "≤ 1.5× raw and < peer",
        met: echoMs.ours.p99 <= 1.5 * echoMs.raw.p99 && echoMs.ours.p99 < echoMs.peer.p99,
      },
      { figure: "base64 throughput", unit: "MiB/s", raw: mbps(b64.raw), peer: mbps(b64.peer), ours: mbps(b64.ours), goal: "≥ 0.9× raw", met: b64.ours >= 0.9 * b64.raw, higherIsBetter: true },
      { figure: "seq throughput", unit: "MiB/s", raw: mbps(seq.raw), peer: mbps(seq.peer), ours: mbps(seq.ours), goal: "≥ 0.9× raw", met: seq.ours >= 0.9 * seq.raw, higherIsBetter: true },
      { figure: "Ctrl-C to prompt p50", unit: "ms", raw: intr.raw.p50, peer: intr.peer.p50, ours: intr.ours.p50, goal: "< 100 ms", met: intr.ours.p50 < 100 },
      { figure: `stall ${STALL_MS / 1000}s: server memory growth`, unit: "MB", raw: stall.raw.growthMb, peer: stall.peer.growthMb, ours: stall.ours.growthMb, goal: "< 10 MB", met: stall.ours.growthMb !== null && stall.ours.growthMb < 10 },
      {
        figure: "stall: backlog after it",
        unit: "KiB",
        raw: stall.raw.backlogKiB,
        peer: stall.peer.backlogKiB,
        ours: stall.ours.backlogKiB,
        goal: `bounded by the window (${DEFAULT_FLOW.highWater / 1024} KiB) plus socket buffers`,
      },
    ];
    return {
      name: "terminal",
      figures,
      detail: { echoMs, ctrlCMs: intr, base64Bytes: B64_BYTES, seqTo: SEQ, throughputRuns: { base64: b64.runs, seq: seq.runs }, stall, flowWindow: DEFAULT_FLOW, echoSamples: ECHO },
    };
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await server.stop();
  }
}

if (require.main === module) runStandalone(terminalBench);
