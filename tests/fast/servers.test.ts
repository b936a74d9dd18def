// Two app servers on one database and one engine, as behind a load balancer (the fake engine
// stands for the shared Docker engine). Each keeps its own warm pool and its own starts while
// it lives; when one stops, the other takes over what it left: its learners' sandboxes are
// adopted and served, its warm pool is removed (never handed out twice).
import assert from "node:assert/strict";
import path from "node:path";
import { after, test } from "node:test";
import { reconcile } from "../../server/lifecycle/reconciler";
import { FakeDriver } from "../../server/sandbox/fake/driver";
import { call, connect, guestCookie, newLearner, openTerminal, type TestSocket } from "../helpers/client";
import { log, tempDataDir, until } from "../helpers/env";
import { startFastApp, type FastApp } from "../helpers/fast";

const apps: FastApp[] = [];
const sockets: TestSocket[] = [];
after(async () => {
  for (const s of sockets) s.close();
  for (const a of apps) await a.close().catch(() => undefined);
});

/** A learner's page on one app server (a guest, or the learner whose cookie this is). */
const learnerOn = (app: FastApp, cookie?: string) => newLearner(app.url, sockets, cookie);

test("a second server leaves the first one's pool and starts alone, then takes over what the first left when it stops", async () => {
  const shared = {
    DATABASE_URL: `file:${path.join(tempDataDir(), "shared.db")}`,
    INSTANCE_ID: "cp-test-servers",
    SESSION_SECRET: "one secret for every app server of this playground",
  };
  const fake = new FakeDriver({ instanceId: shared.INSTANCE_ID, profile: "hardened", image: "fake/sandbox:1" });
  const a = await startFastApp({ ...shared, SERVER_ID: "app-a", SANDBOX_POOL_SIZE: "2" }, fake);
  apps.push(a);
  await until("a's warm pool", () => a.pool.readyCount === 2);
  // The engine holds every start from now on: Lin and Ben take a's two warm sandboxes, whose
  // refills wait; Ada's sandbox is being started by a when b comes up.
  let release = () => {};
  fake.startGate = new Promise<void>((r) => (release = r));
  const lin = await learnerOn(a);
  const linOpened = await call<{ sandbox: { name: string } }>(lin.socket, "sandbox:open");
  assert.ok(linOpened.ok);
  const ben = await learnerOn(a);
  const benOpened = await call<{ sandbox: { name: string } }>(ben.socket, "sandbox:open");
  assert.ok(benOpened.ok);
  const ada = await learnerOn(a);
  const adaOpening = call<{ sandbox: { name: string } }>(ada.socket, "sandbox:open");
  await until("Ada's sandbox is being created", async () => (await a.db.prisma.playgroundSession.count({ where: { state: "creating" } })) === 1);

  const b = await startFastApp({ ...shared, SERVER_ID: "app-b", SANDBOX_POOL_SIZE: "0" }, fake);
  apps.push(b);
  // b's own start-up reconcile ran; run one more as if b held the lease: a is alive, so none of its things are b's.
  const before = (await fake.list()).map((s) => s.name).sort();
  const report = await reconcile({ driver: b.driver, service: b.service, pool: b.pool, log, servers: b.servers }, { adoptPool: true, shared: true });
  assert.deepEqual(report.poolAdopted, [], "a's warm sandboxes are a's");
  assert.deepEqual(report.orphansRemoved, []);
  assert.deepEqual(report.halfCreatedEnded, [], "Ada's start is a's, not half-created");
  assert.deepEqual(report.deadServerPoolRemoved, []);
  assert.deepEqual((await fake.list()).map((s) => s.name).sort(), before, "nothing of a's was touched");
  assert.equal(await b.servers.acquire("reconciler", 60_000), false, "a holds the reconciler lease");
  release();
  fake.startGate = null;
  const adaOpened = await adaOpening;
  assert.ok(adaOpened.ok, "Ada's start finished on a");
  await until("a's pool refilled", () => a.pool.readyCount === 2);

  // a stops (its pool sandboxes stay on the engine, as after a crash); b takes over.
  const learners = [linOpened, benOpened, adaOpened].map((o) => o.sandbox.name);
  const aPool = (await fake.list()).filter((s) => s.role === "pool" && s.serverId === "app-a" && !learners.includes(s.name)).map((s) => s.name);
  assert.equal(aPool.length, 2);
  await a.close();
  apps.splice(apps.indexOf(a), 1);
  assert.equal(await b.servers.acquire("reconciler", 60_000), true, "a's clean stop gave the lease up");
  const takeover = await reconcile({ driver: b.driver, service: b.service, pool: b.pool, log, servers: b.servers }, { shared: true });
  assert.deepEqual(takeover.deadServerPoolRemoved.sort(), aPool.sort(), "a's warm pool is removed, never handed out twice");
  assert.deepEqual(takeover.adopted.sort(), [...learners].sort(), "a's learners' sandboxes are kept");

  // Lin's page reconnects through the balancer to b: the same sandbox, a working shell.
  const linOnB = await learnerOn(b, lin.cookie);
  const reopened = await call<{ sandbox: { name: string } }>(linOnB.socket, "sandbox:open");
  assert.ok(reopened.ok);
  assert.equal(reopened.sandbox.name, linOpened.sandbox.name);
  assert.ok((await openTerminal(linOnB.socket)).ok);
  for (const l of [linOnB, await learnerOn(b, ben.cookie), await learnerOn(b, ada.cookie)]) assert.ok((await call(l.socket, "sandbox:end")).ok);
});
