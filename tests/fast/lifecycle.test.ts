// Sandbox lifecycle on the fake driver, on a clock the test controls: time limits and idle
// ends with warnings before them; the warm pool; capacity and the fair queue; a sandbox the
// engine reports dead; the reconciler after a restart.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import type { Ack, SandboxWarning } from "../../lib/protocol";
import { OOM_NOTICE, OOM_NOTICE_QUIET_MS } from "../../server/lifecycle/events";
import { reconcile } from "../../server/lifecycle/reconciler";
import { ManualClock } from "../../server/lifecycle/clock";
import { FakeDriver } from "../../server/sandbox/fake/driver";
import { call, connect, guestCookie, openTerminal, type TestSocket } from "../helpers/client";
import { log, until } from "../helpers/env";
import { startFastApp, type FastApp } from "../helpers/fast";

const apps: FastApp[] = [];
const sockets: TestSocket[] = [];
after(async () => {
  for (const s of sockets) s.close();
  for (const a of apps) await a.close();
});

async function appWith(settings: Record<string, string>, fake?: FakeDriver, clock?: ManualClock): Promise<FastApp> {
  // The server's own clock ticks rarely; the test ticks it at the time it sets.
  const app = await startFastApp({ LIFECYCLE_TICK_SECONDS: "300", ...settings }, fake, clock);
  apps.push(app);
  return app;
}

async function learner(app: FastApp) {
  const socket = await connect(app.url, await guestCookie(app.url));
  sockets.push(socket);
  const warnings: SandboxWarning[] = [];
  const ended: { reason: string; message: string }[] = [];
  socket.on("sandbox:warning", (w) => warnings.push(w));
  socket.on("sandbox:ended", (e) => ended.push(e));
  return { socket, warnings, ended };
}

const MINUTE = 60_000;

test("the hard time limit warns before, Extend adds time up to the maximum, then the sandbox ends", async () => {
  const clock = new ManualClock();
  const app = await appWith({ SESSION_MAX_MINUTES: "60", SESSION_EXTEND_MINUTES: "30", SESSION_MAX_TOTAL_MINUTES: "90", SESSION_WARN_MINUTES: "5", SESSION_IDLE_MINUTES: "600" }, undefined, clock);
  const l = await learner(app);
  assert.ok((await call(l.socket, "sandbox:open")).ok);
  clock.advance(30 * MINUTE);
  await app.tickClocks();
  assert.deepEqual(l.warnings, [], "no warning half way");
  clock.advance(27 * MINUTE);
  await app.tickClocks();
  await until("a warning", () => l.warnings.some((w) => w.kind === "expiry" && w.canExtend));
  const extended = await call<{ sandbox: { expiresAt: string } }>(l.socket, "sandbox:extend");
  assert.ok(extended.ok);
  assert.equal(Date.parse(extended.sandbox.expiresAt), clock.now().getTime() + 33 * MINUTE, "30 more minutes");
  clock.advance(13 * MINUTE);
  await app.tickClocks();
  assert.equal(l.ended.length, 0, "extended: still running at 70 minutes");
  clock.advance(21 * MINUTE);
  await app.tickClocks();
  await until("the end", () => l.ended.length > 0);
  assert.equal(l.ended[0].reason, "expired");
  assert.match(l.ended[0].message, /time limit of 90 minutes/);
  assert.equal((await app.fake.list()).length, 0, "the sandbox is removed");
});

test("an idle sandbox is warned, then stopped; a visible page counts as activity", async () => {
  const clock = new ManualClock();
  const app = await appWith({ SESSION_IDLE_MINUTES: "30", SESSION_WARN_MINUTES: "5" }, undefined, clock);
  const quiet = await learner(app);
  const visible = await learner(app);
  for (const l of [quiet, visible]) assert.ok((await call(l.socket, "sandbox:open")).ok);
  clock.advance(26 * MINUTE);
  await app.tickClocks();
  await until("the idle warning", () => quiet.warnings.some((w) => w.kind === "idle") && visible.warnings.some((w) => w.kind === "idle"));
  // The visible page's heartbeat says its learner is there (a real page sends one every 30 s).
  const active = await app.service.activeSessions();
  visible.socket.emit("sandbox:heartbeat");
  await until("the heartbeat is counted", () => active.some((row) => app.service.lastActive(row).getTime() === clock.now().getTime()));
  clock.advance(5 * MINUTE);
  await app.tickClocks();
  await until("the quiet one ends", () => quiet.ended.length > 0);
  assert.equal(quiet.ended[0].reason, "idle");
  assert.match(quiet.ended[0].message, /30 minutes without activity/);
  assert.deepEqual(visible.ended, [], "the visible page keeps its sandbox");
});

test("a page that (re)opens its sandbox gets the warning it is due at once, not at the next tick", async () => {
  const clock = new ManualClock();
  const app = await appWith({ SESSION_MAX_MINUTES: "30", SESSION_WARN_MINUTES: "5", SESSION_IDLE_MINUTES: "30" }, undefined, clock);
  const l = await learner(app);
  const first = await call<{ warning: SandboxWarning | null }>(l.socket, "sandbox:open");
  assert.ok(first.ok);
  assert.equal(first.warning, null, "a new sandbox has nothing to warn about");
  clock.advance(26 * MINUTE); // 4 minutes left, and 26 minutes without activity
  const reopened = await call<{ sandbox: { expiresAt: string }; warning: SandboxWarning | null }>(l.socket, "sandbox:open");
  assert.ok(reopened.ok);
  assert.deepEqual(reopened.warning, { kind: "expiry", endsAt: reopened.sandbox.expiresAt, canExtend: true });
  // Opening the page is the learner being there: no idle warning, now or at the next tick.
  await app.tickClocks();
  assert.equal(l.warnings.filter((w) => w.kind === "idle").length, 0);
});

test("a sandbox the engine reports dead ends its session, and the learner is told why", async () => {
  const app = await appWith({});
  const l = await learner(app);
  const opened = await call<{ sandbox: { name: string } }>(l.socket, "sandbox:open");
  assert.ok(opened.ok);
  const active = (await app.service.activeSessions())[0];
  app.fake.kill({ id: active.sandboxId!, name: active.sandboxName }, { oom: true });
  await until("the end", () => l.ended.length > 0);
  assert.equal(l.ended[0].reason, "error");
  assert.match(l.ended[0].message, /out of memory/);
});

test("a burst of out-of-memory events is one notice; a later one is told again", async () => {
  const clock = new ManualClock();
  const app = await appWith({}, undefined, clock);
  const l = await learner(app);
  const notices: string[] = [];
  l.socket.on("sandbox:notice", ({ message }: { message: string }) => notices.push(message));
  assert.ok((await call(l.socket, "sandbox:open")).ok);
  const active = (await app.service.activeSessions())[0];
  const sandbox = { id: active.sandboxId!, name: active.sandboxName };
  // Count what reaches the service: the fake driver reports events synchronously.
  let told = 0;
  const notice = app.service.notice.bind(app.service);
  app.service.notice = (id, message) => (told++, notice(id, message));
  for (let i = 0; i < 3; i++) app.fake.oom(sandbox);
  clock.advance(OOM_NOTICE_QUIET_MS - 1);
  app.fake.oom(sandbox);
  assert.equal(told, 1, "one notice for the burst");
  await until("the notice", () => notices.length === 1);
  clock.advance(1);
  app.fake.oom(sandbox);
  assert.equal(told, 2, "a later out-of-memory is told again");
  await until("the second notice", () => notices.length === 2);
  assert.deepEqual(notices, [OOM_NOTICE, OOM_NOTICE]);
  assert.equal((await app.fake.list()).length, 1, "the sandbox keeps running");
});

test("the warm pool hands out running sandboxes and refills", async () => {
  const app = await appWith({ SANDBOX_POOL_SIZE: "2" });
  await until("a full pool", () => app.pool.readyCount === 2);
  const pooled = new Set((await app.fake.list()).map((s) => s.id));
  const l = await learner(app);
  assert.ok((await call(l.socket, "sandbox:open")).ok);
  const row = (await app.service.activeSessions())[0];
  assert.ok(pooled.has(row.sandboxId!), "the learner got a sandbox that was already running");
  await until("the pool refilled", () => app.pool.readyCount === 2);
});

test("a reconcile while a pool sandbox is being handed out leaves it alone (its session is not written yet)", async () => {
  const app = await appWith({ SANDBOX_POOL_SIZE: "1" });
  await until("a full pool", () => app.pool.readyCount === 1);
  // Out of the pool, into no session yet: what a learner's open holds for a moment, which a
  // sweep at the same moment saw as an orphan and removed (a class of 100 lost three).
  const handed = await app.pool.take();
  assert.ok(handed);
  const report = await reconcile({ driver: app.driver, service: app.service, pool: app.pool, log });
  assert.deepEqual(report.orphansRemoved, []);
  assert.equal(await app.fake.isRunning(handed), true);
});

test("when the server is full, learners queue with their position and get a sandbox in turn", async () => {
  const fake = new FakeDriver({ instanceId: "cp-test-queue", profile: "hardened", image: "fake/sandbox:1" });
  const app = await appWith({ SANDBOX_MAX: "1", INSTANCE_ID: "cp-test-queue" }, fake);
  const first = await learner(app);
  assert.ok((await call(first.socket, "sandbox:open")).ok);
  const second = await learner(app);
  const statuses: { phase: string; position?: number }[] = [];
  second.socket.on("sandbox:status", (s) => statuses.push(s));
  const waiting = call(second.socket, "sandbox:open");
  await until("a queue position", () => statuses.some((s) => s.phase === "queued" && s.position === 1));
  assert.ok((await call(first.socket, "sandbox:end")).ok);
  assert.ok((await waiting).ok, "the queued learner gets the freed slot");
});

test("a host short of memory queues new learners with a position; running ones are untouched; freed memory serves them", async () => {
  const MB = 1024 * 1024;
  const fake = new FakeDriver({ instanceId: "cp-test-memory", profile: "hardened", image: "fake/sandbox:1" });
  // Room above the 1000 MB reserve for one 100 MB sandbox, not two.
  fake.availableMemory = 1150 * MB;
  const app = await appWith({ SANDBOX_MAX: "10", HOST_MEMORY_RESERVE_MB: "1000", SANDBOX_EXPECTED_MB: "100", INSTANCE_ID: "cp-test-memory" }, fake);
  const first = await learner(app);
  assert.ok((await call(first.socket, "sandbox:open")).ok, "the first fits");
  const second = await learner(app);
  const statuses: { phase: string; position?: number; message?: string }[] = [];
  second.socket.on("sandbox:status", (s) => statuses.push(s));
  let answered = false;
  const waiting = call(second.socket, "sandbox:open").finally(() => (answered = true));
  await until("a queue position", () => statuses.some((s) => s.phase === "queued" && s.position === 1));
  assert.match(statuses.find((s) => s.phase === "queued")!.message!, /server is full right now\. You are number 1 in the queue/);
  // Still short a moment later (the server reads memory every second): nothing changes.
  fake.availableMemory = 1050 * MB;
  await new Promise((r) => setTimeout(r, 2500));
  assert.equal(answered, false, "still queued, not refused");
  assert.equal((await fake.list()).length, 1, "no sandbox started, and the running one is kept");
  const t = await openTerminal(first.socket);
  assert.ok(t.ok, "the running learner still opens a shell");
  fake.availableMemory = 4000 * MB;
  assert.ok((await waiting).ok, "served once memory is free");
  assert.equal((await fake.list()).length, 2);
  for (const l of [first, second]) assert.ok((await call(l.socket, "sandbox:end")).ok);
});

test("after a restart the reconciler adopts live sandboxes, removes orphans and replaces outdated ones", async () => {
  const fake = new FakeDriver({ instanceId: "cp-test-reconcile", profile: "hardened", image: "fake/sandbox:1" });
  const app = await appWith({ INSTANCE_ID: "cp-test-reconcile" }, fake);
  const kept = await learner(app);
  assert.ok((await call(kept.socket, "sandbox:open")).ok);
  // A sandbox nobody's session knows (its row was lost): an orphan.
  const orphan = await fake.create({ sessionId: "lost", ownerId: "g_lost", name: "sbx-orphan", image: "", expiresAt: new Date(Date.now() + 60 * MINUTE) });
  const report = await reconcile({ driver: app.driver, service: app.service, pool: app.pool, log });
  assert.equal(report.adopted.length, 1);
  assert.deepEqual(report.orphansRemoved, ["sbx-orphan"]);
  assert.equal(await fake.isRunning(orphan), false);
  const again = await reconcile({ driver: app.driver, service: app.service, pool: app.pool, log });
  assert.deepEqual({ ...again, adopted: [] }, { ...report, adopted: [], orphansRemoved: [] }, "a second pass changes nothing");
});

test("a refused start explains itself and leaves no sandbox", async () => {
  const app = await appWith({});
  const { PlaygroundFailure } = await import("../../server/sandbox/errors");
  app.fake.failNextCreate = new PlaygroundFailure("sandbox_start_failed", "Your sandbox could not be started.", "Press Retry.", "the engine said no");
  const l = await learner(app);
  const res = (await call(l.socket, "sandbox:open")) as Ack<object>;
  assert.ok(!res.ok && res.error.code === "sandbox_start_failed" && /Retry/.test(res.error.action));
  assert.equal((await app.fake.list()).length, 0);
});
