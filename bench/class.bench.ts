// A teacher's class on one server: the instructor pre-warms a sandbox per learner, then the
// class (100 by default) arrives within 10 s, spread evenly. Most learners are socket
// clients doing what the join page does (join with the code, open the sandbox and a shell);
// a handful are real Chromium pages on /join/<code>. Each waits for its prompt, types a
// command and waits for its output. Then one learner (the probe) measures keystroke echo
// while the others sit idle, and again while 20 of them run `yes`; the instructor opens the
// class wall; last, every learner starts two containers at once (their engines' first use).
// Reports: pre-warm time, join → prompt p50/p95/max, failures, the server's CPU and memory
// during the arrival, host memory per sandbox, and the probe's echo.
// Run: npm run bench:class   (BENCH_CLASS=40 for a smaller class; BENCH_SMOKE=1 for CI)
// Writes bench/results/class.json.
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { launchBrowser, SCREENSHOTS, waitForTerminal } from "../tests/helpers/browser";
import { httpClient, staffLogin } from "../tests/helpers/staff";
import { countCpuShares, waitForQuietHost } from "./support/cpu-shares";
import { echo } from "./support/echo";
import { runStandalone, type BenchOptions, type BenchResult } from "./support/report";
import { startServerProcess, type ServerProcess } from "./support/server-process";
import { sleep, summarize } from "./support/stats";
import { joinWorkshop, PHASES, type OursTerminal, type Phase } from "./support/terminals";

const ADMIN = { email: "bench@example.org", password: "benchmark password" };
const round = (n: number, digits = 1) => Number(n.toFixed(digits));

/** MemAvailable of the host, in MB: what sandboxes really cost, beyond their limits. */
function hostAvailableMb(): number {
  const m = /MemAvailable:\s+(\d+) kB/.exec(fs.readFileSync("/proc/meminfo", "utf8"));
  if (!m) throw new Error("/proc/meminfo has no MemAvailable");
  return Number(m[1]) / 1024;
}

/** The host's load average over 1, 5 and 15 minutes, as /proc/loadavg gives it. */
function loadAverage(): string {
  return fs.readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
}

/** Failure messages grouped by their first line, most frequent first. */
function tally(messages: string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const m of messages) {
    const reason = m.split("\n")[0].replace(/localhost:\d+/g, "localhost").replace(/\d{3,}/g, "N");
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  return [...counts.entries()].sort((x, y) => y[1] - x[1]);
}

interface Arrival {
  kind: "socket" | "browser";
  joinToPromptMs: number;
  joinToOutputMs: number;
  term?: OursTerminal;
  /** A socket learner's time in each step of the arrival (ms): where the wait is. */
  phases?: Partial<Record<Phase, number>>;
}

/** A learner as a socket client: join with the code, sandbox, shell, prompt, a command and its output. */
async function socketLearner(server: ServerProcess, code: string, i: number): Promise<Arrival> {
  const t0 = performance.now();
  const phases: Partial<Record<Phase, number>> = {};
  let last = t0;
  const term = await joinWorkshop(server.url, code, `Learner ${i}`, (name) => {
    const now = performance.now();
    phases[name] = now - last;
    last = now;
  });
  const joinToPromptMs = performance.now() - t0;
  term.write(`echo "class-$((${i} * 7))"\r`);
  await term.waitFor(new RegExp(`^class-${i * 7}\\r?$`, "m"), 60_000);
  return { kind: "socket", joinToPromptMs, joinToOutputMs: performance.now() - t0, term, phases };
}

type BrowserHandle = Awaited<ReturnType<typeof launchBrowser>>;

/** A learner in Chromium: the join page, their name, the lesson with its terminal, a command. */
async function browserLearner(browser: BrowserHandle, server: ServerProcess, code: string, i: number): Promise<Arrival> {
  const context = await browser.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const t0 = performance.now();
  await page.goto(`${server.url}/join/${code}`);
  await page.getByLabel(/Your name/).fill(`Browser ${i}`);
  await page.getByRole("button", { name: "Join and start" }).click();
  await waitForTerminal(page, /\$ $/m, 120_000);
  const joinToPromptMs = performance.now() - t0;
  await page.getByTestId("terminal").click();
  await page.keyboard.type(`echo "class-$((${i} * 7))"\n`);
  await waitForTerminal(page, new RegExp(`^class-${i * 7}\\s*$`, "m"), 60_000);
  return { kind: "browser", joinToPromptMs, joinToOutputMs: performance.now() - t0 };
}

/**
 * The instructor's dashboard in Chromium on the class wall with small tiles; resolves once
 * every learner's tile shows a live terminal (and saves a screenshot to look at).
 */
async function openClassWall(browser: BrowserHandle, server: ServerProcess, staffCookie: string, workshopId: string, learners: number) {
  const context = await browser.browser.newContext({ viewport: { width: 1440, height: 900 } });
  const eq = staffCookie.indexOf("=");
  await context.addCookies([{ name: staffCookie.slice(0, eq), value: staffCookie.slice(eq + 1), url: server.url }]);
  const page = await context.newPage();
  const t0 = performance.now();
  await page.goto(`${server.url}/instructor/workshops/${workshopId}`);
  await page.getByLabel("Tiles").selectOption("small");
  const wall = page.getByTestId("class-wall");
  const deadline = Date.now() + 180_000;
  let tiles = 0;
  // A shortfall is a finding, reported (tiles of learners), not the end of the benchmark.
  while ((tiles = await wall.locator(".wall-tile .xterm-screen").count()) < learners && Date.now() < deadline) await sleep(250);
  const seconds = (performance.now() - t0) / 1000;
  await wall.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SCREENSHOTS, `class-wall-${learners}.png`) });
  return { tiles, learners, seconds, close: () => context.close() };
}

export async function classBench(opts: BenchOptions): Promise<BenchResult> {
  const CLASS = Number(process.env.BENCH_CLASS ?? (opts.smoke ? 3 : 100));
  const BROWSERS = Math.min(CLASS - 1, Number(process.env.BENCH_CLASS_BROWSERS ?? (opts.smoke ? 1 : 5)));
  const ARRIVAL_MS = opts.smoke ? 1000 : 10_000;
  const YES = Math.min(CLASS - 1, 20);
  const ECHO_SAMPLES = opts.smoke ? 20 : 300;

  const availableBefore = hostAvailableMb();
  const server = await startServerProcess(
    {
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      SANDBOX_MAX: String(CLASS + 2),
      SANDBOX_MEMORY_MB: "512",
      SANDBOX_POOL_SIZE: "0",
      LESSONS_DIR: path.join(process.cwd(), "lessons"),
    },
    { withNext: BROWSERS > 0 },
  );
  let browser: BrowserHandle | null = null;
  const terms: OursTerminal[] = [];
  try {
    const http = httpClient(server.url);
    const staff = await staffLogin(server.url, ADMIN.email, ADMIN.password);
    const created = await http.post(
      "/api/workshops",
      { title: "Class of 100", lessonIds: ["01-container-is-a-process"], startsAt: new Date(Date.now() - 60_000), endsAt: new Date(Date.now() + 3 * 3600_000), capacity: CLASS },
      staff,
    );
    if (!created.ok) throw new Error(`creating the workshop: ${created.status} ${await created.text()}`);
    const { workshop } = (await created.json()) as { workshop: { id: string; joinCode: string } };

    // The instructor pre-warms one sandbox per learner, and waits for the dashboard to say ready.
    console.log(`class: pre-warming ${CLASS} sandboxes…`);
    const tWarm = performance.now();
    const warm = await http.post(`/api/workshops/${workshop.id}/prewarm`, { count: CLASS }, staff);
    if (!warm.ok) throw new Error(`prewarm: ${warm.status} ${await warm.text()}`);
    const warmDeadline = performance.now() + 20 * 60_000;
    for (let last = -1; ; ) {
      const res = await http.get(`/api/workshops/${workshop.id}/prewarm`, staff);
      const { prewarm } = (await res.json()) as { prewarm: { ready: number; fits: number } };
      if (prewarm.ready >= CLASS) break;
      if (performance.now() > warmDeadline) {
        throw new Error(`pre-warm: only ${prewarm.ready} of ${CLASS} ready after 20 minutes (${prewarm.fits} fit: SANDBOX_MAX or the host's free memory, HOST_MEMORY_RESERVE_MB)`);
      }
      if (prewarm.ready !== last && prewarm.ready % 10 === 0) console.log(`  ${prewarm.ready} ready after ${((performance.now() - tWarm) / 1000).toFixed(0)} s`);
      last = prewarm.ready;
      await sleep(500);
    }
    const prewarmS = (performance.now() - tWarm) / 1000;
    await sleep(opts.smoke ? 1000 : 10_000); // let the inner engines settle before counting memory
    const availableWarm = hostAvailableMb();
    const hostMbPerSandbox = (availableBefore - availableWarm - server.rssBytes() / 1024 / 1024) / CLASS;
    console.log(`  ${CLASS} ready in ${prewarmS.toFixed(1)} s; host memory per sandbox ${hostMbPerSandbox.toFixed(1)} MB`);

    browser = BROWSERS > 0 ? await launchBrowser() : null; // after the memory count: Chromium is not a sandbox
    // The class arrives: learner i at i × (ARRIVAL_MS / CLASS); the first BROWSERS are pages.
    console.log(`class: ${CLASS} learners join within ${ARRIVAL_MS / 1000} s (${BROWSERS} in Chromium)…`);
    const loadBeforeArrival = loadAverage();
    const arrivalShares = countCpuShares(() => server.cpuSeconds());
    await server.eventLoopDelay(); // (from here on)
    const rss: number[] = [];
    const sampler = setInterval(() => rss.push(server.rssBytes()), 250);
    const tArrive = performance.now();
    const outcomes = await Promise.allSettled(
      Array.from({ length: CLASS }, async (_, i) => {
        await sleep((i * ARRIVAL_MS) / CLASS);
        return i < BROWSERS ? browserLearner(browser!, server, workshop.joinCode, i) : socketLearner(server, workshop.joinCode, i);
      }),
    );
    const arrivalS = (performance.now() - tArrive) / 1000;
    clearInterval(sampler);
    const shares = arrivalShares();
    const arrivalEventLoop = await server.eventLoopDelay();
    const arrived = outcomes.flatMap((o) => (o.status === "fulfilled" ? [o.value] : []));
    // Whole messages: a terminal's timeout ends with its last output, which tells why.
    const failures = outcomes.flatMap((o) => (o.status === "rejected" ? [String((o.reason as Error).message ?? o.reason).slice(0, 2000)] : []));
    for (const a of arrived) if (a.term) terms.push(a.term);
    for (const [reason, n] of tally(failures)) console.log(`  failed (${n}×): ${reason.slice(0, 2000)}`);
    const prompt = summarize(arrived.map((a) => a.joinToPromptMs), 0);
    const output = summarize(arrived.map((a) => a.joinToOutputMs), 0);
    console.log(`  join → prompt p50 ${prompt.p50} ms, p95 ${prompt.p95} ms, max ${prompt.max} ms; ${failures.length} failed; server CPU ${shares.server}% of a core`);
    // Socket learners and Chromium pages apart: a page also loads and draws the app.
    const byKind = Object.fromEntries(
      (["socket", "browser"] as const).map((kind) => [kind, summarize(arrived.filter((a) => a.kind === kind).map((a) => a.joinToPromptMs), 0)]),
    ) as Record<Arrival["kind"], ReturnType<typeof summarize>>;
    console.log(`  join → prompt by kind: socket p50 ${byKind.socket.p50} / p95 ${byKind.socket.p95} ms; Chromium p50 ${byKind.browser.p50} / max ${byKind.browser.max} ms`);
    // Where the socket learners' wait was: each step's p50/p95, and the host's load meanwhile.
    const phases = Object.fromEntries(
      PHASES.map((name) => {
        const s = summarize(arrived.flatMap((a) => (a.phases?.[name] !== undefined ? [a.phases[name]!] : [])), 0);
        return [name, { p50: s.p50, p95: s.p95 }];
      }),
    );
    const loadAfterArrival = loadAverage();
    console.log(`  steps (p50/p95 ms): ${Object.entries(phases).map(([n, p]) => `${n} ${p.p50}/${p.p95}`).join(", ")}; load average ${loadAfterArrival} (before ${loadBeforeArrival})`);
    console.log(`  host CPU during the arrival (% of a core): ${shares.hostBusy} busy = server ${shares.server} + benchmark ${shares.bench} + its Chromium ${shares.chromium} + sandboxes and engines ${shares.rest}`);
    console.log(`  the server's event loop during the arrival: longest stall ${arrivalEventLoop.maxMs} ms, p99 ${arrivalEventLoop.p99Ms} ms`);

    // The probe: one socket learner; the others sit idle, then YES of them run `yes`.
    const probe = terms[0];
    if (!probe) throw new Error("no learner arrived to be the probe");
    const others = terms.filter((t) => t !== probe);
    // Idle neighbours: once the arrival's work has died down (the host's cores under half a
    // core busy over 2 s, or 2 minutes), not while it still runs.
    const quiet = await waitForQuietHost({ maxBusyPct: 50, windowMs: 2000, timeoutMs: opts.smoke ? 4000 : 120_000 });
    const idleShares = countCpuShares(() => server.cpuSeconds());
    const idleEcho = summarize(await echo(probe, ECHO_SAMPLES, 20));
    const idleCpu = idleShares();
    console.log(
      `  probe echo p99 with ${others.length} idle neighbours: ${idleEcho.p99} ms (after waiting ${Math.round(quiet.waitedMs / 1000)} s for a quiet host: ${quiet.busyPct}% of a core busy; during the samples ${idleCpu.hostBusy}%, server ${idleCpu.server}%)`,
    );
    const busy = others.slice(0, YES);
    for (const t of busy) t.write("yes\r");
    await sleep(opts.smoke ? 500 : 3000);
    const cpu1 = server.cpuSeconds();
    const benchCpu1 = process.cpuUsage();
    const tYes = performance.now();
    // (Fewer samples: beside 20 `yes` at 100, each one can take a second.)
    const yesEcho = summarize(await echo(probe, Math.ceil(ECHO_SAMPLES / 3), 20));
    const yesSeconds = (performance.now() - tYes) / 1000;
    const yesCpu = (100 * (server.cpuSeconds() - cpu1)) / yesSeconds;
    // The benchmark's own process reads every flood through its sockets: when it is saturated,
    // the probe's echo waits in its event loop, not in the playground.
    const benchUsage = process.cpuUsage(benchCpu1);
    const yesBenchCpu = (benchUsage.user + benchUsage.system) / 1e4 / yesSeconds;
    for (const t of busy) t.write("\x03");
    console.log(`  probe echo p99 while ${busy.length} run yes: ${yesEcho.p99} ms (server CPU ${yesCpu.toFixed(0)}%, the benchmark's own process ${yesBenchCpu.toFixed(0)}%)`);

    // The instructor opens the class wall (small tiles): every learner's terminal, live.
    const wall = browser ? await openClassWall(browser, server, staff, workshop.id, arrived.length) : null;
    let wallEcho: ReturnType<typeof summarize> | null = null;
    let wallCpu: number | null = null;
    if (wall) {
      console.log(`  class wall: ${wall.tiles} of ${wall.learners} live terminals drawn ${wall.seconds.toFixed(1)} s after opening`);
      await sleep(opts.smoke ? 500 : 3000);
      const cpu2 = server.cpuSeconds();
      const tWall = performance.now();
      wallEcho = summarize(await echo(probe, ECHO_SAMPLES, 20));
      wallCpu = (100 * (server.cpuSeconds() - cpu2)) / ((performance.now() - tWall) / 1000);
      console.log(`  probe echo p99 with the wall open: ${wallEcho.p99} ms (server CPU ${wallCpu.toFixed(0)}%)`);
      await wall.close();
    }

    // Last, as it loads the host most: everyone at once starts two containers, as a
    // two-service lesson does (a web server and a cache): the first `docker run`s of a class
    // (each sandbox's engine starts on its first use), and 2 keys each from the kernel's quota.
    console.log(`class: ${terms.length} learners each start two containers at once…`);
    const ran = await Promise.allSettled(
      terms.map(async (t, k) => {
        const t0 = performance.now();
        t.write(`docker run -d --name web busybox sleep 3600 >/dev/null && docker run -d --name cache busybox sleep 3600 >/dev/null && echo "two-up-$((${k} + 1))"\r`);
        await t.waitFor(new RegExp(`^two-up-${k + 1}\\r?$`, "m"), 300_000);
        return performance.now() - t0;
      }),
    );
    // Whoever did not finish is interrupted (the shells go back to their prompts).
    for (const [k, t] of terms.entries()) if (ran[k].status === "rejected") t.write("\x03");
    const twoUp = summarize(ran.flatMap((r) => (r.status === "fulfilled" ? [r.value] : [])), 0);
    const runFailures = ran.flatMap((r) => (r.status === "rejected" ? [String((r.reason as Error).message).slice(0, 300)] : []));
    for (const [reason, n] of tally(runFailures)) console.log(`  failed (${n}×): ${reason}`);
    console.log(`  two containers each: p50 ${twoUp.p50} ms, p95 ${twoUp.p95} ms, max ${twoUp.max} ms; ${runFailures.length} failed`);

    // Connections that dropped during the whole run (a learner's page reconnects and
    // re-attaches; the socket learners here do the same).
    const drops = terms.flatMap((t) => t.drops);
    if (drops.length) console.log(`  connections dropped: ${drops.map((d) => `${d.reason} at ${d.atMs} ms (${d.resumed ? "resumed" : "not resumed"})`).join("; ")}`);

    const serverRssMb = Math.max(...rss, server.rssBytes()) / 1024 / 1024;
    return {
      name: "class",
      figures: [
        { figure: `pre-warm ${CLASS} sandboxes`, unit: "s", ours: round(prewarmS) },
        { figure: `${CLASS} learners join within ${ARRIVAL_MS / 1000} s: join → prompt p50`, unit: "ms", ours: prompt.p50 },
        { figure: "join → prompt p95", unit: "ms", ours: prompt.p95, goal: "< 2000 ms", met: prompt.p95 < 2000 },
        { figure: "join → prompt max", unit: "ms", ours: prompt.max },
        { figure: "learners who failed to get a prompt and output", unit: "learners", ours: failures.length, goal: "0", met: failures.length === 0 },
        { figure: "learner connections dropped during the run (re-attached as the page does)", unit: "drops", ours: drops.length },
        { figure: "dropped connections whose terminal did not come back", unit: "drops", ours: drops.filter((d) => !d.resumed).length, goal: "0", met: drops.every((d) => d.resumed) },
        { figure: "server CPU while the class arrives", unit: "% of a core", ours: shares.server },
        { figure: "host CPU busy while the class arrives (all cores)", unit: "% of a core", ours: shares.hostBusy },
        { figure: "of which the benchmark's own Chromium pages", unit: "% of a core", ours: shares.chromium },
        { figure: "the server's longest event-loop stall while the class arrives", unit: "ms", ours: arrivalEventLoop.maxMs },
        { figure: "server memory with the class in", unit: "MB", ours: round(serverRssMb) },
        { figure: "host memory per warm sandbox", unit: "MB", ours: round(hostMbPerSandbox) },
        { figure: `${terms.length} learners start two containers each at once: p95`, unit: "ms", ours: twoUp.p95 },
        { figure: "learners whose containers failed to start", unit: "learners", ours: runFailures.length, goal: "0", met: runFailures.length === 0 },
        { figure: `probe echo p99, ${others.length} idle neighbours`, unit: "ms", ours: idleEcho.p99, goal: "< 50 ms", met: idleEcho.p99 < 50 },
        { figure: "host CPU busy while the idle echo is sampled (all cores)", unit: "% of a core", ours: idleCpu.hostBusy },
        { figure: `probe echo p99, ${busy.length} neighbours running yes`, unit: "ms", ours: yesEcho.p99 },
        ...(wall && wallEcho
          ? [
              { figure: `class wall: ${wall.tiles} live terminals drawn after opening`, unit: "s", ours: round(wall.seconds) },
              { figure: "class wall: learners' terminals missing", unit: "terminals", ours: wall.learners - wall.tiles, goal: "0", met: wall.tiles === wall.learners },
              { figure: "probe echo p99 with the class wall open", unit: "ms", ours: wallEcho.p99 },
            ]
          : []),
      ],
      detail: {
        arrivalSteps: phases,
        arrivalCpuShares: shares,
        arrivalEventLoopMs: arrivalEventLoop,
        loadAverage: { beforeArrival: loadBeforeArrival, afterArrival: loadAfterArrival },
        class: CLASS,
        browsers: BROWSERS,
        arrivalWindowMs: ARRIVAL_MS,
        arrivalS: round(arrivalS),
        joinToPromptMs: prompt,
        joinToPromptMsByKind: byKind,
        joinToOutputMs: output,
        failures,
        twoContainersMs: twoUp,
        containerFailures: runFailures,
        hostAvailableMb: { before: round(availableBefore), warm: round(availableWarm) },
        echoIdleMs: idleEcho,
        echoYesMs: yesEcho,
        serverCpuWithYes: round(yesCpu, 0),
        benchmarkCpuWithYes: round(yesBenchCpu, 0),
        classWall: wall ? { tiles: wall.tiles, seconds: round(wall.seconds), echoMs: wallEcho, serverCpu: wallCpu === null ? null : round(wallCpu, 0) } : null,
      },
    };
  } finally {
    for (const t of terms) await t.close();
    await browser?.close();
    await server.stop();
  }
}

if (require.main === module) runStandalone(classBench);
