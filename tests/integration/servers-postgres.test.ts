// Two app servers on one PostgreSQL database and one engine, as behind a load balancer (the
// fake engine stands for the shared Docker engine; the database and sockets are real). What
// happens on one server reaches the people connected to the other: dashboard pushes, hands,
// messages, the engine's notices. What belongs to one learner's session is done once, by the
// server that holds it: its clocks, its engine events, its capacity slot; a dead server's
// sessions become a living one's.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Socket } from "socket.io-client";
import type { DashboardUpdate, WorkshopMessageInfo } from "../../lib/protocol";
import { OOM_NOTICE } from "../../server/lifecycle/events";
import { reconcile } from "../../server/lifecycle/reconciler";
import { FakeDriver } from "../../server/sandbox/fake/driver";
import { call, newLearner, type TestSocket } from "../helpers/client";
import { log, until } from "../helpers/env";
import { startFastApp, type FastApp } from "../helpers/fast";
import { freshPostgresDatabase, type TestPostgres } from "../helpers/postgres";
import { httpClient, staffCall, staffLogin, staffSocket, workshopBody } from "../helpers/staff";

const ADMIN = { email: "servers@example.org", password: "correct horse battery" };
const INSTANCE_ID = "cp-test-servers-pg";
let database: TestPostgres;
let fake: FakeDriver;
let a: FastApp;
let b: FastApp;
const sockets: { close(): unknown }[] = [];

before(async () => {
  database = await freshPostgresDatabase();
  fake = new FakeDriver({ instanceId: INSTANCE_ID, profile: "hardened", image: "fake/sandbox:1" });
  const shared = {
    DATABASE_URL: database.url,
    INSTANCE_ID,
    SESSION_SECRET: "one secret for every app server of this playground",
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
  };
  // No periodic dashboard push within the test: only a change, told across servers, pushes.
  const quiet = { dashboardRefreshMs: 3600_000 };
  a = await startFastApp({ ...shared, SERVER_ID: "app-a" }, fake, undefined, quiet);
  b = await startFastApp({ ...shared, SERVER_ID: "app-b" }, fake, undefined, quiet);
});
after(async () => {
  for (const s of sockets) s.close();
  await a?.close().catch(() => undefined);
  await b?.close().catch(() => undefined);
  await database?.drop();
});

type Listener = (v: unknown) => void;

/** The next `event` on a learner's or instructor's socket that `match` accepts. */
function next<T>(socket: TestSocket | Socket, event: string, match: (v: T) => boolean = () => true): Promise<T> {
  const s = socket as unknown as { on(e: string, f: Listener): unknown; off(e: string, f: Listener): unknown };
  return new Promise((resolve) => {
    const listener = (v: unknown) => {
      if (!match(v as T)) return;
      s.off(event, listener);
      resolve(v as T);
    };
    s.on(event, listener);
  });
}

/** The instructor signs in on server a and creates a workshop there. */
async function workshopOnA(): Promise<{ teacher: string; workshop: { id: string; joinCode: string } }> {
  const teacher = await staffLogin(a.url, ADMIN.email, ADMIN.password);
  const created = (await (await httpClient(a.url).post("/api/workshops", workshopBody(), teacher)).json()) as { workshop: { id: string; joinCode: string } };
  return { teacher, workshop: created.workshop };
}

/** A learner's page on one app server (a guest, or the learner whose cookie this is). */
const learnerOn = (app: FastApp, cookie?: string) => newLearner(app.url, sockets, cookie);

test("an instructor on one server sees a hand raised on the other, and their answer and messages reach the learner there", async () => {
  const { teacher, workshop: created } = await workshopOnA();
  const workshopId = created.id;
  const staff = await staffSocket(a.url, teacher);
  sockets.push(staff);
  const subscribed = (await staffCall(staff, "dashboard:subscribe", workshopId)) as unknown as DashboardUpdate & { ok: boolean };
  assert.ok(subscribed.ok);
  assert.equal(subscribed.learners.length, 0);

  // Lin joins through server b, and her page stays there.
  const joined = await httpClient(b.url).post(`/api/join/${created.joinCode}`, { displayName: "Lin" });
  assert.equal(joined.status, 200);
  const lin = await learnerOn(b, joined.headers.get("set-cookie")!.split(";")[0]);
  const linJoined = next<DashboardUpdate>(staff, "dashboard:update", (u) => u.learners.some((l) => l.displayName === "Lin" && l.sandboxRunning));
  assert.ok((await call(lin.socket, "sandbox:open")).ok);
  await linJoined;

  const handSeen = next<DashboardUpdate>(staff, "dashboard:update", (u) => u.hands.some((h) => h.displayName === "Lin"));
  const raised = await new Promise<{ ok: boolean }>((resolve) => (lin.socket.emit as (e: string, p: unknown, cb: (r: { ok: boolean }) => void) => void)("hand:raise", { message: "stuck on step 2" }, resolve));
  assert.ok(raised.ok);
  const hand = (await handSeen).hands.find((h) => h.displayName === "Lin")!;
  assert.equal(hand.message, "stuck on step 2", "the hand, raised on b, is on a's dashboard");

  const answered = next<{ by: string }>(lin.socket, "hand:answered");
  assert.ok((await staffCall(staff, "hand:answer", { workshopId, handId: hand.id })).ok);
  assert.ok((await answered).by, "the answer, given on a, reaches Lin on b");

  const message = next<WorkshopMessageInfo>(lin.socket, "workshop:message");
  assert.ok((await staffCall(staff, "message:send", { workshopId, toUserId: null, body: "Five more minutes" })).ok);
  assert.equal((await message).body, "Five more minutes");
});

test("a session's engine events and clocks are handled once, by the server that holds it, wherever the learner's page is", async () => {
  // Ada's session is started by b; her page then reaches a (the balancer moved her).
  const ada = await learnerOn(b);
  const opened = await call<{ sandbox: { name: string } }>(ada.socket, "sandbox:open");
  assert.ok(opened.ok);
  const row = await b.db.prisma.playgroundSession.findFirstOrThrow({ where: { sandboxName: opened.sandbox.name } });
  assert.equal(row.serverId, "app-b");
  ada.socket.close();
  const adaOnA = await learnerOn(a, ada.cookie);
  assert.ok((await call(adaOnA.socket, "sandbox:open")).ok, "a serves the sandbox b started");

  // The engine tells every server; only b, which holds the session, tells Ada, and she hears it on a.
  const heard = { a: 0, b: 0 };
  a.service.onNotice(() => heard.a++);
  b.service.onNotice(() => heard.b++);
  const notice = next<{ message: string }>(adaOnA.socket, "sandbox:notice");
  const sandbox = { id: row.sandboxId!, name: row.sandboxName };
  fake.oom(sandbox);
  assert.equal((await notice).message, OOM_NOTICE);
  await a.service.notice(sandbox.id, "again, asked of a");
  await b.service.notice(sandbox.id, "again, asked of b");
  assert.deepEqual(heard, { a: 0, b: 2 }, "a never tells the learners of b's sessions");
  assert.equal(await a.service.sandboxDied(sandbox.id, { oomKilled: false, exitCode: 1 }), false, "nor ends them when the engine reports a death");

  // Past the time limit: a's clock leaves the session alone, b's ends it.
  const later = new Date(row.expiresAt.getTime() + 1000);
  assert.ok(!(await a.tickClocks(later)).expired.includes(row.sandboxName));
  const ended = next<{ reason: string }>(adaOnA.socket, "sandbox:ended");
  assert.ok((await b.tickClocks(later)).expired.includes(row.sandboxName));
  assert.equal((await ended).reason, "expired", "told once, on a, by b");
});

test("a session that another server holds, ended here, frees the holder's capacity slot", async () => {
  const ben = await learnerOn(b);
  assert.ok((await call(ben.socket, "sandbox:open")).ok);
  const inUse = { a: a.slots.inUse, b: b.slots.inUse };
  ben.socket.close();
  const benOnA = await learnerOn(a, ben.cookie);
  assert.ok((await call(benOnA.socket, "sandbox:end")).ok);
  await until("b frees Ben's slot", () => b.slots.inUse === inUse.b - 1);
  assert.equal(a.slots.inUse, inUse.a, "a's own count is untouched");
});

type Prewarm = { reserved: number; ready: number; starting: number; fits: number };
const prewarmOf = async (app: FastApp, workshopId: string, cookie: string): Promise<Prewarm> =>
  ((await (await httpClient(app.url).get(`/api/workshops/${workshopId}/prewarm`, cookie)).json()) as { prewarm: Prewarm }).prewarm;
const warmOffers = (serverId?: string) => a.db.prisma.warmSandbox.findMany({ where: serverId ? { serverId } : {} });

test("a class pre-warmed through one server: learners arriving through the other take its warm sandboxes, each once", async () => {
  const {
    teacher,
    workshop: { id },
  } = await workshopOnA();
  assert.equal((await httpClient(a.url).post(`/api/workshops/${id}/prewarm`, { count: 3 }, teacher)).status, 200);
  await until("a's pool holds the class's 3 sandboxes", () => a.pool.readyCount === 3);
  const fromB = await prewarmOf(b, id, teacher);
  assert.deepEqual([fromB.reserved, fromB.ready], [3, 3], "b answers with the pre-warm a holds");
  const warmIds = new Set((await warmOffers("app-a")).map((r) => r.sandboxId));
  assert.equal(warmIds.size, 3, "on offer to every server");
  const inUseA = a.slots.inUse;
  const inUseB = b.slots.inUse;

  // The class arrives through b, all at once.
  const learners = await Promise.all([1, 2, 3].map(() => learnerOn(b)));
  const opened = await Promise.all(learners.map((l) => call<{ sandbox: { name: string } }>(l.socket, "sandbox:open")));
  const rows = await Promise.all(
    opened.map((o) => {
      assert.ok(o.ok);
      return b.db.prisma.playgroundSession.findFirstOrThrow({ where: { sandboxName: o.sandbox.name } });
    }),
  );
  assert.deepEqual(new Set(rows.map((r) => r.sandboxId)), warmIds, "each of a's warm sandboxes went to one learner");
  assert.ok(rows.every((r) => r.serverId === "app-b"), "b holds their sessions");
  assert.equal(b.slots.inUse, inUseB + 3, "and counts them on its capacity");
  await until("a lets go of them, with their slots and the class's reservation", () => a.pool.readyCount === 0 && a.slots.inUse === inUseA - 3 && a.pool.reservedFor(id) === 0);
  assert.equal((await prewarmOf(b, id, teacher)).reserved, 0);
  assert.equal((await warmOffers()).length, 0, "nothing left on offer");
  for (const l of learners) assert.ok((await call(l.socket, "sandbox:end")).ok);
});

test("two servers reach for the last warm sandbox at once: one learner gets it, the other a new sandbox", async () => {
  await a.pool.resize(1);
  await until("a has one warm sandbox", () => a.pool.readyCount === 1);
  const [warm] = await warmOffers("app-a");
  assert.ok(warm);
  const onA = await learnerOn(a);
  const onB = await learnerOn(b);
  const [openedA, openedB] = await Promise.all([onA, onB].map((l) => call<{ sandbox: { name: string } }>(l.socket, "sandbox:open")));
  assert.ok(openedA.ok && openedB.ok);
  const names = [openedA.sandbox.name, openedB.sandbox.name];
  assert.notEqual(names[0], names[1]);
  assert.equal(names.filter((n) => n === warm.name).length, 1, `exactly one learner got ${warm.name}: ${names.join(", ")}`);
  // Shrinking the pool removes its refill, and never a sandbox a learner holds.
  await until("a refills", () => a.pool.readyCount === 1);
  await a.pool.resize(0);
  assert.equal((await warmOffers()).length, 0);
  const running = await fake.list();
  for (const n of names) assert.ok(running.some((c) => c.name === n && c.running), `${n} still runs`);
  for (const l of [onA, onB]) assert.ok((await call(l.socket, "sandbox:end")).ok);
});

test("pre-warming through the other server takes the class's pre-warm over; cancelling through either ends it", async () => {
  const {
    teacher,
    workshop: { id },
  } = await workshopOnA();
  assert.equal((await httpClient(a.url).post(`/api/workshops/${id}/prewarm`, { count: 2 }, teacher)).status, 200);
  await until("a warms 2", () => a.pool.readyCount === 2);
  assert.equal((await httpClient(b.url).post(`/api/workshops/${id}/prewarm`, { count: 2 }, teacher)).status, 200);
  await until("b holds the class's pre-warm, a gives its own up", () => b.pool.readyCount === 2 && a.pool.readyCount === 0 && a.pool.reservedFor(id) === 0);
  assert.equal((await warmOffers("app-a")).length, 0);
  const fromA = await prewarmOf(a, id, teacher);
  assert.deepEqual([fromA.reserved, fromA.ready], [2, 2], "a answers with b's");
  assert.equal((await httpClient(a.url).post(`/api/workshops/${id}/prewarm`, { count: 0 }, teacher)).status, 200);
  await until("cancelled on b too", () => b.pool.reservedFor(id) === 0 && b.pool.readyCount === 0);
  assert.equal((await warmOffers()).length, 0);

  // Ending the workshop through one server ends the pre-warm the other one holds.
  assert.equal((await httpClient(a.url).post(`/api/workshops/${id}/prewarm`, { count: 1 }, teacher)).status, 200);
  await until("a warms 1", () => a.pool.readyCount === 1);
  assert.equal((await httpClient(b.url).post(`/api/workshops/${id}/end`, {}, teacher)).status, 200);
  await until("a's pre-warm ends with the workshop", () => a.pool.reservedFor(id) === 0 && a.pool.readyCount === 0);
});

test("when a server stops, the one holding the reconciler lease takes over its sessions, with their clocks and events", async () => {
  const cy = await learnerOn(b);
  const opened = await call<{ sandbox: { name: string } }>(cy.socket, "sandbox:open");
  assert.ok(opened.ok);
  await b.close();
  const report = await reconcile({ driver: a.driver, service: a.service, pool: a.pool, log, servers: a.servers }, { shared: true });
  assert.ok(report.takenOver.includes(opened.sandbox.name), `a takes over Cy's session (${JSON.stringify(report)})`);
  assert.ok(report.adopted.includes(opened.sandbox.name), "and keeps her sandbox");
  const row = await a.db.prisma.playgroundSession.findFirstOrThrow({ where: { sandboxName: opened.sandbox.name } });
  assert.equal(row.serverId, "app-a");
  assert.deepEqual((await a.tickClocks(new Date(row.expiresAt.getTime() + 1000))).expired, [opened.sandbox.name], "a keeps its clock now");
  const again = await reconcile({ driver: a.driver, service: a.service, pool: a.pool, log, servers: a.servers }, { shared: true });
  assert.deepEqual(again.takenOver, [], "once");
});
