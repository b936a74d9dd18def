// Terminal figures against a real server and sandbox: sandbox start, keystroke echo latency,
// Ctrl-C-to-prompt under a `yes` flood, and output throughput with flow control.
// Run: npm run bench  (prints a table, writes bench/results/terminal.json)
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { startApp } from "../server/app";
import { call, connect, guestCookie, OutputCollector, openTerminal } from "../tests/helpers/client";
import { endAllSessions, log, requireDocker, requireSandboxImage, testConfig } from "../tests/helpers/env";

const ECHO_SAMPLES = 100;
const START_SAMPLES = 3;

function stats(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { n: s.length, min: s[0], median: at(0.5), p95: at(0.95), max: s[s.length - 1] };
}

async function main(): Promise<void> {
  const docker = await requireDocker();
  const image = await requireSandboxImage(docker);
  const app = await startApp(testConfig({ SANDBOX_IMAGE: image.ref }), log, { withNext: false });
  try {
    const startMs: number[] = [];
    let last: { socket: Awaited<ReturnType<typeof connect>>; terminalId: string; out: OutputCollector } | null = null;
    for (let i = 0; i < START_SAMPLES; i++) {
      const socket = await connect(app.url, await guestCookie(app.url));
      const t0 = performance.now();
      const opened = await call(socket, "sandbox:open");
      if (!opened.ok) throw new Error(JSON.stringify(opened.error));
      const term = await openTerminal(socket);
      if (!term.ok) throw new Error(JSON.stringify(term.error));
      const out = new OutputCollector(socket, term.terminalId);
      await out.waitFor(/\$ $/m);
      startMs.push(performance.now() - t0);
      if (last) last.socket.close();
      last = { socket, terminalId: term.terminalId, out };
    }
    const { socket, terminalId, out } = last!;

    // Keystroke echo: one character in, its echo out (the TTY echoes it).
    const echoMs: number[] = [];
    for (let i = 0; i < ECHO_SAMPLES; i++) {
      const ch = String.fromCharCode(97 + (i % 26));
      const before = out.text.length;
      const t0 = performance.now();
      socket.emit("terminal:input", terminalId, ch);
      await new Promise<void>((resolve) => {
        const check = () => (out.text.length > before ? resolve() : setImmediate(check));
        check();
      });
      echoMs.push(performance.now() - t0);
    }
    socket.emit("terminal:input", terminalId, "\x15"); // Ctrl-U: clear the typed line

    // Ctrl-C under a flood: from the interrupt to the next prompt's marker.
    const interruptMs: number[] = [];
    for (let i = 0; i < 5; i++) {
      socket.emit("terminal:input", terminalId, "yes\n");
      await out.waitFor(/y\r\ny\r\ny\r\n$/);
      await new Promise((r) => setTimeout(r, 300));
      const t0 = performance.now();
      socket.emit("terminal:input", terminalId, "\x03");
      // The shell computes the marker, so its echoed command line cannot match.
      socket.emit("terminal:input", terminalId, `echo intr-$((${i}+100))\n`);
      await out.waitFor(new RegExp(`^intr-${i + 100}\r?$`, "m"), 30_000);
      interruptMs.push(performance.now() - t0);
    }

    // Throughput: 64 MiB of base64 through the terminal with acks.
    const bytesBefore = out.bytes;
    const t0 = performance.now();
    socket.emit("terminal:input", terminalId, "head -c 50331648 /dev/zero | base64 -w 0; echo; echo thr-$((1+1))\n");
    await out.waitFor(/^thr-2/m, 300_000);
    const seconds = (performance.now() - t0) / 1000;
    const mib = (out.bytes - bytesBefore) / (1024 * 1024);

    const results = {
      date: new Date().toISOString(),
      sandboxStartMs: stats(startMs),
      keystrokeEchoMs: stats(echoMs),
      ctrlCToPromptMs: stats(interruptMs),
      throughput: { mib: Number(mib.toFixed(1)), seconds: Number(seconds.toFixed(2)), mibPerSecond: Number((mib / seconds).toFixed(1)) },
    };
    const fmt = (s: ReturnType<typeof stats>) => `median ${s.median.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms (n=${s.n})`;
    console.log(`sandbox start (open → prompt): ${fmt(results.sandboxStartMs)}`);
    console.log(`keystroke echo:                ${fmt(results.keystrokeEchoMs)}`);
    console.log(`Ctrl-C to prompt under yes:    ${fmt(results.ctrlCToPromptMs)}`);
    console.log(`throughput with flow control:  ${results.throughput.mibPerSecond} MiB/s (${results.throughput.mib} MiB)`);
    const dir = path.join(process.cwd(), "bench", "results");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "terminal.json"), JSON.stringify(results, null, 2) + "\n");
    socket.close();
  } finally {
    await endAllSessions(app);
    await app.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
