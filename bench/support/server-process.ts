// Starts bench/support/serve.ts as a child process and reads its CPU time and resident memory
// from /proc (Linux), so figures are the server's alone.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";

/** USER_HZ on Linux: /proc counts CPU time in these ticks. */
export const CLOCK_TICKS = 100;

export interface ServerProcess {
  url: string;
  pid: number;
  /** User + system CPU seconds used so far. */
  cpuSeconds(): number;
  rssBytes(): number;
  /**
   * The longest and the 99th-percentile stall of the server's event loop (ms) since the last
   * call (or the start): how long every socket of the server waited behind one piece of work.
   */
  eventLoopDelay(): Promise<{ maxMs: number; p99Ms: number }>;
  stop(): Promise<void>;
  /** SIGKILL: the server dies on the spot, as in a crash (its sandboxes stay). */
  kill(): Promise<void>;
}

/** `withNext` serves the pages too (a benchmark with Chromium learners; needs `next build`). */
export async function startServerProcess(settings: Record<string, string>, opts: { withNext?: boolean } = {}): Promise<ServerProcess> {
  // BENCH_SERVER_CPU_PROFILE=<dir>: the server writes a V8 CPU profile there when it exits.
  const profileDir = process.env.BENCH_SERVER_CPU_PROFILE;
  const profile = profileDir ? ["--cpu-prof", "--cpu-prof-dir", profileDir] : [];
  // BENCH_SERVER_LOG=<file>: the server's log (pino, info and up) is kept there, to find out
  // afterwards what happened to a learner who failed.
  const logFile = process.env.BENCH_SERVER_LOG ? fs.createWriteStream(process.env.BENCH_SERVER_LOG, { flags: "a" }) : null;
  const child = spawn(process.execPath, [...profile, "--import", "tsx", path.join(__dirname, "serve.ts")], {
    env: {
      ...process.env,
      ...(logFile ? { TEST_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "info" } : {}),
      BENCH_SETTINGS: JSON.stringify(settings),
      BENCH_WITH_NEXT: opts.withNext ? "1" : "0",
    },
    // stdin is a pipe only so that the child sees it close when this process dies (serve.ts
    // then removes its sandboxes and exits instead of outliving a killed benchmark).
    stdio: ["pipe", "pipe", "inherit"],
  });
  let delayWaiter: ((d: { maxMs: number; p99Ms: number }) => void) | null = null;
  const url = await new Promise<string>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      logFile?.write(`${line}\n`);
      try {
        const message = JSON.parse(line) as { url?: string; eventLoop?: { maxMs: number; p99Ms: number } };
        if (message.url) resolve(message.url);
        if (message.eventLoop) delayWaiter?.(message.eventLoop);
      } catch {
        // other output: keep waiting
      }
    });
    child.once("exit", (code) => reject(new Error(`the server exited (code ${code}) before listening`)));
  });
  const pid = child.pid!;
  const signal = (name: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill(name);
    });
  return {
    url,
    pid,
    cpuSeconds() {
      const cpu = processCpu(pid);
      if (!cpu) throw new Error(`the server process ${pid} is gone`);
      return cpu.seconds;
    },
    rssBytes: () => rssOf(pid) ?? 0,
    eventLoopDelay: () =>
      new Promise((resolve) => {
        delayWaiter = (d) => ((delayWaiter = null), resolve(d));
        child.kill("SIGUSR2"); // serve.ts answers with an {"eventLoop": …} line
      }),
    stop: () => signal("SIGTERM"),
    kill: () => signal("SIGKILL"),
  };
}

/** A process's name and user + system CPU seconds so far, from /proc; null when it is gone. */
export function processCpu(pid: number | string): { comm: string; seconds: number } | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces): state is 3rd, utime 14th, stime 15th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { comm: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")), seconds: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS };
  } catch {
    return null;
  }
}

/** Resident memory of a process (bytes), or null when it is gone. */
export function rssOf(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}
