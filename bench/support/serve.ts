// A playground server in its own process, so a benchmark can measure the server's CPU and
// memory apart from its own clients. Settings come as JSON in BENCH_SETTINGS (on top of the
// test defaults), and BENCH_WITH_NEXT=1 serves the pages too; prints {"url": ...} once
// listening; SIGTERM, or the parent's end of stdin closing (the benchmark died), removes its
// sandboxes and exits. SIGUSR2 prints {"eventLoop": {maxMs, p99Ms}}: the event loop's stalls
// since the last SIGUSR2 (or the start).
import { monitorEventLoopDelay } from "node:perf_hooks";
import { startApp } from "../../server/app";
import { endAllSessions, log, requireDocker, requireSandboxImage, testConfig } from "../../tests/helpers/env";

void (async () => {
  const image = await requireSandboxImage(await requireDocker());
  const settings = JSON.parse(process.env.BENCH_SETTINGS ?? "{}") as Record<string, string>;
  const app = await startApp(testConfig({ SANDBOX_IMAGE: image.ref, ...settings }), log, { withNext: process.env.BENCH_WITH_NEXT === "1" });
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  process.on("SIGUSR2", () => {
    const ms = (ns: number) => Number((ns / 1e6).toFixed(1));
    process.stdout.write(`${JSON.stringify({ eventLoop: { maxMs: ms(delay.max), p99Ms: ms(delay.percentile(99)) } })}\n`);
    delay.reset();
  });
  process.stdout.write(`${JSON.stringify({ url: app.url })}\n`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await endAllSessions(app);
    await app.pool.drain();
    await app.close();
    process.exit(0);
  };
  // `on`, not `once`: a second SIGTERM (a whole process group signalled, then the parent's
  // own stop) must not kill the process half-way through removing its sandboxes.
  process.on("SIGTERM", () => void stop());
  process.stdin.on("end", () => void stop());
  process.stdin.on("error", () => void stop());
  process.stdin.resume();
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
