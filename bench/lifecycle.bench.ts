// Start-up figures a teacher cares about: from page load to a usable prompt, cold (no pool)
// and warm (pool), and 20 learners arriving at once with and without a pool of 20.
// Run: npm run bench:lifecycle  (BENCH_SMOKE=1 for tiny counts; writes bench/results/lifecycle.json)
import { performance } from "node:perf_hooks";
import { startApp, type RunningApp } from "../server/app";
import { launchBrowser, waitForStatus, waitForTerminal } from "../tests/helpers/browser";
import { call, connect, guestCookie, OutputCollector, openTerminal, PROMPT } from "../tests/helpers/client";
import { endAllSessions, log, requireDocker, requireSandboxImage, testConfig } from "../tests/helpers/env";

import { runStandalone, type BenchOptions, type BenchResult } from "./support/report";
import { summarize } from "./support/stats";

let RUNS = 20;
let CROWD = 20;
const stats = (values: number[]) => summarize(values, 0);

async function withApp<T>(settings: Record<string, string>, fn: (app: RunningApp) => Promise<T>, withNext = false): Promise<T> {
  const image = await requireSandboxImage(await requireDocker());
  const app = await startApp(testConfig({ SANDBOX_IMAGE: image.ref, SANDBOX_MAX: "40", ...settings }), log, { withNext });
  try {
    return await fn(app);
  } finally {
    await endAllSessions(app);
    await app.pool.drain();
    await app.close();
  }
}

async function waitPool(app: RunningApp, size: number): Promise<void> {
  while (app.pool.readyCount < size) await new Promise((r) => setTimeout(r, 100));
}

/**
 * Page load to a prompt the learner can type at, in a fresh browser context each run: cold
 * (pool 0), then warm (pool 2). One server for both (Next.js cannot start twice in a process).
 */
async function pageToPrompt(): Promise<{ cold: number[]; warm: number[]; coldSocket: number[]; warmSocket: number[] }> {
  const { browser, close } = await launchBrowser();
  try {
    return await withApp({ SANDBOX_POOL_SIZE: "0" }, async (app) => {
      const run = async (poolSize: number) => {
        await app.pool.resize(poolSize);
        const page: number[] = [];
        const socket: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          // The page, and side by side a socket client doing the same without a browser.
          if (poolSize > 0) await waitPool(app, poolSize);
          const context = await browser.newContext();
          const tab = await context.newPage();
          const t0 = performance.now();
          await tab.goto(`${app.url}/play`);
          await waitForStatus(tab, /^Ready/);
          await waitForTerminal(tab, /\$ $/m);
          page.push(performance.now() - t0);
          await context.close();
          await endAllSessions(app);
          if (poolSize > 0) await waitPool(app, poolSize);
          socket.push(await socketToPrompt(app));
          await endAllSessions(app);
        }
        return { page, socket };
      };
      const cold = await run(0);
      const warm = await run(2);
      return { cold: cold.page, warm: warm.page, coldSocket: cold.socket, warmSocket: warm.socket };
    }, true);
  } finally {
    await close();
  }
}

/** A new learner without a browser: guest cookie, sandbox, shell, prompt (what the page does, minus the page). */
async function socketToPrompt(app: RunningApp): Promise<number> {
  const t0 = performance.now();
  const socket = await connect(app.url, await guestCookie(app.url));
  try {
    const opened = await call(socket, "sandbox:open");
    if (!opened.ok) throw new Error(JSON.stringify(opened.error));
    const t = await openTerminal(socket);
    if (!t.ok) throw new Error(JSON.stringify(t.error));
    await new OutputCollector(socket, t.terminalId).waitFor(PROMPT, 120_000);
    return performance.now() - t0;
  } finally {
    socket.close();
  }
}

/** CROWD learners at once (socket clients, as the page would): time until all have prompts. */
async function crowd(poolSize: number): Promise<{ allMs: number; each: ReturnType<typeof stats> }> {
  return withApp({ SANDBOX_POOL_SIZE: String(poolSize), SANDBOX_POOL_CONCURRENCY: "3" }, async (app) => {
    if (poolSize > 0) await waitPool(app, poolSize);
    const t0 = performance.now();
    const each = await Promise.all(
      Array.from({ length: CROWD }, async () => {
        const socket = await connect(app.url, await guestCookie(app.url));
        const opened = await call(socket, "sandbox:open");
        if (!opened.ok) throw new Error(JSON.stringify(opened.error));
        const t = await openTerminal(socket);
        if (!t.ok) throw new Error(JSON.stringify(t.error));
        await new OutputCollector(socket, t.terminalId).waitFor(PROMPT, 300_000);
        const ms = performance.now() - t0;
        socket.close();
        return ms;
      }),
    );
    return { allMs: Math.round(performance.now() - t0), each: stats(each) };
  });
}

export async function lifecycleBench(opts: BenchOptions): Promise<BenchResult> {
  RUNS = Number(process.env.BENCH_RUNS ?? (opts.smoke ? 1 : 20));
  CROWD = Number(process.env.BENCH_CROWD ?? (opts.smoke ? 2 : 20));
  console.log("lifecycle: page load to prompt, cold and warm…");
  const pages = await pageToPrompt();
  const cold = stats(pages.cold);
  const warm = stats(pages.warm);
  const coldSocket = stats(pages.coldSocket);
  const warmSocket = stats(pages.warmSocket);
  console.log(`lifecycle: ${CROWD} learners at once, pool ${CROWD} and pool 0…`);
  const crowdWarm = await crowd(CROWD);
  const crowdCold = await crowd(0);
  return {
    name: "lifecycle",
    figures: [
      { figure: "page load → prompt, warm (pool) p50", unit: "ms", raw: warmSocket.p50, rawIs: "socket client, no browser", ours: warm.p50, goal: "< 1000 ms", met: warm.p50 < 1000 },
      { figure: "page load → prompt, cold (no pool) p50", unit: "ms", raw: coldSocket.p50, rawIs: "socket client, no browser", ours: cold.p50, goal: "< 3000 ms", met: cold.p50 < 3000 },
      { figure: `${CROWD} learners at once: all prompts, pool ${CROWD}`, unit: "ms", raw: crowdCold.allMs, rawIs: "pool 0", ours: crowdWarm.allMs },
    ],
    detail: { runs: RUNS, crowd: CROWD, pageToPromptColdMs: cold, pageToPromptWarmMs: warm, socketToPromptColdMs: coldSocket, socketToPromptWarmMs: warmSocket, crowdWarm, crowdCold },
  };
}

if (require.main === module) runStandalone(lifecycleBench);
