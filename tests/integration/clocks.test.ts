// Time limits and idle timeouts on real sandboxes: warnings, Extend up to the maximum, and an
// end the learner is told about, with the sandbox gone. Output and a visible page count as
// activity. Session time is on a clock the test moves, so a busy machine changes nothing.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import type { SandboxWarning } from "../../lib/protocol";
import type { RunningApp } from "../../server/app";
import { ManualClock } from "../../server/lifecycle/clock";
import { call, connect, guestCookie, openTerminal, OutputCollector, type TestSocket } from "../helpers/client";
import { dockerOf, leftovers, startTestApp, stopApp, until } from "../helpers/env";

const apps: RunningApp[] = [];
const sockets: TestSocket[] = [];
const MINUTE = 60_000;

after(async () => {
  for (const s of sockets) s.close();
  for (const app of apps) await stopApp(app);
});

async function appWith(settings: Record<string, string>, clock: ManualClock): Promise<RunningApp> {
  // The server's own clock checks are rare; the test ticks them at the time it sets.
  const app = await startTestApp({ LIFECYCLE_TICK_SECONDS: "300", ...settings }, { clock });
  apps.push(app);
  return app;
}

async function learner(app: RunningApp) {
  const socket = await connect(app.url, await guestCookie(app.url));
  sockets.push(socket);
  const opened = await call<{ sandbox: { name: string; expiresAt: string } }>(socket, "sandbox:open");
  assert.ok(opened.ok, JSON.stringify(opened));
  const warnings: SandboxWarning[] = [];
  const ended: { reason: string; message: string }[] = [];
  socket.on("sandbox:warning", (w) => warnings.push(w));
  socket.on("sandbox:ended", (e) => ended.push(e));
  /** Whether the server has counted activity of this learner at the clock's current time. */
  const activeAt = async (clock: ManualClock) => {
    const row = await app.db.prisma.playgroundSession.findFirstOrThrow({ where: { sandboxName: opened.sandbox.name } });
    return app.service.lastActive(row).getTime() === clock.now().getTime();
  };
  return { socket, sandbox: opened.sandbox, warnings, ended, activeAt };
}

describe("hard time limit", () => {
  test("warns before the end, extends up to the maximum, then ends with a reason", async () => {
    const clock = new ManualClock();
    const app = await appWith(
      { SESSION_MAX_MINUTES: "30", SESSION_EXTEND_MINUTES: "15", SESSION_MAX_TOTAL_MINUTES: "45", SESSION_WARN_MINUTES: "5", SESSION_IDLE_MINUTES: "600" },
      clock,
    );
    const l = await learner(app);
    clock.advance(20 * MINUTE);
    await app.tickClocks();
    assert.equal(l.warnings.length, 0, "no warning 10 minutes before the end");

    clock.advance(6 * MINUTE);
    await app.tickClocks();
    await until("an expiry warning", () => l.warnings.some((w) => w.kind === "expiry"));
    const warning = l.warnings.find((w) => w.kind === "expiry")!;
    assert.equal(warning.canExtend, true);
    assert.equal(warning.endsAt, l.sandbox.expiresAt);

    const extended = await call<{ sandbox: { expiresAt: string } }>(l.socket, "sandbox:extend");
    assert.ok(extended.ok, JSON.stringify(extended));
    assert.equal(Date.parse(extended.sandbox.expiresAt) - Date.parse(l.sandbox.expiresAt), 15 * MINUTE);
    const refused = await call(l.socket, "sandbox:extend");
    assert.equal(refused.ok, false);
    if (!refused.ok) assert.equal(refused.error.code, "limit_reached");

    clock.advance(15 * MINUTE);
    await app.tickClocks();
    assert.equal(l.ended.length, 0, "extended: still running at 41 minutes");
    clock.advance(5 * MINUTE);
    await app.tickClocks();
    await until("the end", () => l.ended.length > 0);
    assert.equal(l.ended[0].reason, "expired");
    assert.match(l.ended[0].message, /time limit of 45 minutes/);
    assert.deepEqual(await leftovers(dockerOf(app.driver).docker, l.sandbox.name), []);
    const row = await app.db.prisma.playgroundSession.findFirstOrThrow({ where: { sandboxName: l.sandbox.name } });
    assert.equal(row.endReason, "expired");
  });
});

describe("idle timeout", () => {
  test("an unattended sandbox is warned, then stopped; a visible page and terminal output keep others alive", async () => {
    const clock = new ManualClock();
    const app = await appWith({ SESSION_IDLE_MINUTES: "30", SESSION_WARN_MINUTES: "5" }, clock);
    const quiet = await learner(app);
    const visible = await learner(app);
    const busy = await learner(app);
    const t = await openTerminal(busy.socket);
    assert.ok(t.ok);
    const shell = new OutputCollector(busy.socket, t.terminalId); // acks what it reads
    busy.socket.emit("terminal:input", t.terminalId, "while true; do echo building; sleep 1; done\n");
    await shell.waitFor(/building\r\n.*building/s);

    clock.advance(26 * MINUTE);
    await app.tickClocks();
    await until("an idle warning", () => quiet.warnings.some((w) => w.kind === "idle"));
    // A visible page sends a heartbeat; a long build prints. Both count at the time they happen.
    visible.socket.emit("sandbox:heartbeat");
    await until("the heartbeat is counted", () => visible.activeAt(clock));
    await until("the build's output is counted", () => busy.activeAt(clock));

    clock.advance(5 * MINUTE);
    await app.tickClocks();
    await until("the idle end", () => quiet.ended.length > 0);
    assert.equal(quiet.ended[0].reason, "idle");
    assert.match(quiet.ended[0].message, /stopped after 30 minutes without activity/);
    assert.deepEqual(await leftovers(dockerOf(app.driver).docker, quiet.sandbox.name), []);
    assert.deepEqual(visible.ended, [], "a visible page counts as activity");
    assert.deepEqual(busy.ended, [], "terminal output (a long build) counts as activity");
  });
});
