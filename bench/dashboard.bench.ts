// One instructor dashboard watching a class: N learners (30 by default) each running a shell
// loop that prints steadily, plus one idle "probe" learner whose keystroke echo is timed.
// Measured twice in the same run, without and then with the dashboard open (dashboard feed
// plus a live view of every learner's terminal, acknowledged like the browser does):
// the server's CPU and memory, the probe's echo p50/p99, and what the dashboard received.
// The server runs in its own process so its figures are its own.
// Run: npm run bench:dashboard   (BENCH_SMOKE=1: tiny counts, for CI)
// Writes bench/results/dashboard.json.
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { Socket } from "socket.io-client";
import { httpClient, staffCall, staffLogin, staffSocket } from "../tests/helpers/staff";
import { echo } from "./support/echo";
import { runStandalone, type BenchOptions, type BenchResult } from "./support/report";
import { startServerProcess, type ServerProcess } from "./support/server-process";
import { ratio, summarize } from "./support/stats";
import { joinWorkshop, type OursTerminal } from "./support/terminals";

let LEARNERS = 30;
let ECHO_SAMPLES = 300;
let WINDOW_S = 15;
const ADMIN = { email: "bench@example.org", password: "benchmark password" };
const PRINTER = `i=0; while :; do i=$((i+1)); echo "learner output line $i: the quick brown fox jumps over the lazy dog"; sleep 0.1; done\r`;

const percentiles = (values: number[]) => summarize(values);

/** Server CPU (% of one core) and memory over a window, with echo samples taken during it. */
async function measure(server: ServerProcess, probe: OursTerminal) {
  const cpu0 = server.cpuSeconds();
  const t0 = performance.now();
  const rss: number[] = [];
  const sampler = setInterval(() => rss.push(server.rssBytes()), 250);
  const echoMs = await echo(probe, ECHO_SAMPLES, 20);
  const remaining = WINDOW_S * 1000 - (performance.now() - t0);
  if (remaining > 0) await new Promise((r) => setTimeout(r, remaining));
  clearInterval(sampler);
  const seconds = (performance.now() - t0) / 1000;
  return {
    serverCpuPercent: Number(((100 * (server.cpuSeconds() - cpu0)) / seconds).toFixed(1)),
    serverRssMb: Number((Math.max(...rss, server.rssBytes()) / 1024 / 1024).toFixed(1)),
    echoMs: percentiles(echoMs),
    seconds: Number(seconds.toFixed(1)),
  };
}

export async function dashboardBench(opts: BenchOptions): Promise<BenchResult> {
  LEARNERS = Number(process.env.BENCH_LEARNERS ?? (opts.smoke ? 3 : 30));
  ECHO_SAMPLES = opts.smoke ? 20 : 300;
  WINDOW_S = opts.smoke ? 2 : 15;
  const server = await startServerProcess({
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    SANDBOX_MAX: String(LEARNERS + 5),
    SANDBOX_MEMORY_MB: "512",
    LESSONS_DIR: path.join(process.cwd(), "lessons"),
  });
  const sockets: { close(): unknown }[] = [];
  try {
    const http = httpClient(server.url);
    const staff = await staffLogin(server.url, ADMIN.email, ADMIN.password);
    const created = await http.post(
      "/api/workshops",
      { title: "Benchmark class", lessonIds: ["01-container-is-a-process"], startsAt: new Date(Date.now() - 60_000), endsAt: new Date(Date.now() + 3 * 3600_000), capacity: LEARNERS + 1 },
      staff,
    );
    const { workshop } = (await created.json()) as { workshop: { id: string; joinCode: string } };

    console.log(`starting ${LEARNERS} learners' sandboxes and the probe…`);
    const t0 = performance.now();
    const learners: OursTerminal[] = [];
    for (let i = 0; i < LEARNERS; i += 6) {
      const batch = await Promise.all(Array.from({ length: Math.min(6, LEARNERS - i) }, (_, j) => joinWorkshop(server.url, workshop.joinCode, `Learner ${i + j + 1}`)));
      learners.push(...batch);
    }
    const probe = await joinWorkshop(server.url, workshop.joinCode, "Probe");
    sockets.push(...learners.map((l) => l.socket), probe.socket);
    console.log(`  ${LEARNERS + 1} sandboxes ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    for (const l of learners) l.write(PRINTER);
    await new Promise((r) => setTimeout(r, 2000)); // let the loops settle into their rhythm

    const baseRss = server.rssBytes();
    const without = await measure(server, probe);
    console.log(`  without dashboard: server CPU ${without.serverCpuPercent}%, RSS ${without.serverRssMb} MB, echo p50 ${without.echoMs.p50} ms, p99 ${without.echoMs.p99} ms`);

    // The dashboard: live rows plus a live view of every learner's terminal.
    const dash: Socket = await staffSocket(server.url, staff);
    sockets.push(dash);
    let dashBytes = 0;
    dash.on("watch:output", (id: string, data: ArrayBuffer) => {
      dashBytes += data.byteLength;
      dash.emit("watch:ack", id, data.byteLength);
    });
    const sub = await staffCall(dash, "dashboard:subscribe", workshop.id);
    if (!sub.ok) throw new Error(sub.error);
    const rows = sub.learners as { userId: string }[];
    for (const row of rows) {
      const res = await staffCall(dash, "watch:start", { workshopId: workshop.id, userId: row.userId });
      if (!res.ok) throw new Error(`watch ${row.userId}: ${res.error}`);
    }
    await new Promise((r) => setTimeout(r, 2000));
    const bytes0 = dashBytes;
    const withDash = await measure(server, probe);
    const dashKBps = Number(((dashBytes - bytes0) / 1024 / withDash.seconds).toFixed(1));
    console.log(`  with dashboard:    server CPU ${withDash.serverCpuPercent}%, RSS ${withDash.serverRssMb} MB, echo p50 ${withDash.echoMs.p50} ms, p99 ${withDash.echoMs.p99} ms; dashboard got ${dashKBps} KiB/s from ${rows.length} terminals`);

    return {
      name: "dashboard",
      figures: [
        { figure: `server CPU, ${LEARNERS} learners printing, no dashboard`, unit: "% of a core", ours: without.serverCpuPercent },
        { figure: "server CPU, with the dashboard watching all", unit: "% of a core", ours: withDash.serverCpuPercent },
        { figure: "server memory, no dashboard", unit: "MB", ours: without.serverRssMb },
        { figure: "server memory, with the dashboard", unit: "MB", ours: withDash.serverRssMb },
        { figure: "learner echo p50, no dashboard", unit: "ms", ours: without.echoMs.p50 },
        { figure: "learner echo p99, no dashboard", unit: "ms", ours: without.echoMs.p99 },
        { figure: "learner echo p50, with the dashboard", unit: "ms", ours: withDash.echoMs.p50 },
        { figure: "learner echo p99, with the dashboard", unit: "ms", ours: withDash.echoMs.p99 },
      ],
      detail: {
        learners: LEARNERS,
        watchedTerminals: rows.length,
        serverRssBeforeMb: Number((baseRss / 1024 / 1024).toFixed(1)),
        withoutDashboard: without,
        withDashboard: { ...withDash, dashboardKiBps: dashKBps },
        ratios: {
          echoP50: ratio(withDash.echoMs.p50, without.echoMs.p50),
          echoP99: ratio(withDash.echoMs.p99, without.echoMs.p99),
          serverCpu: ratio(withDash.serverCpuPercent, without.serverCpuPercent),
          serverRss: ratio(withDash.serverRssMb, without.serverRssMb),
        },
      },
    };
  } finally {
    for (const s of sockets) s.close();
    await server.stop();
  }
}

if (require.main === module) runStandalone(dashboardBench);
