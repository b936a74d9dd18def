// PlaygroundService with a real database and real sandboxes: one sandbox per learner,
// recovery when a sandbox vanished, and the expiry sweep.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { openDatabase, type Database_ } from "../../server/db";
import type { DockerDriver } from "../../server/sandbox/docker/driver";
import { reconcile } from "../../server/lifecycle/reconciler";
import { PlaygroundService } from "../../server/sessions/playground-service";
import { leftovers, log, testConfig, testDriver } from "../helpers/env";

const config = testConfig();
let db: Database_;
let driver: DockerDriver;
const services: PlaygroundService[] = [];

before(async () => {
  driver = await testDriver(config);
  db = await openDatabase(config.database);
});

after(async () => {
  for (const u of await db.prisma.user.findMany()) await services[0]?.end(u.id, "admin");
  await db?.close();
});

function service(maxMs = 3600_000): PlaygroundService {
  const s = new PlaygroundService({ prisma: db.prisma, driver, imageRef: driver.image, limits: { ...config.session, maxMs }, log });
  services.push(s);
  return s;
}

async function newUser(): Promise<string> {
  const id = `g_${randomUUID().slice(0, 12)}`;
  await db.prisma.user.create({ data: { id } });
  return id;
}

test("two tabs opening at once share one sandbox", async () => {
  const s = service();
  const userId = await newUser();
  const [a, b] = await Promise.all([s.open(userId), s.open(userId)]);
  assert.equal(a.sandbox.id, b.sandbox.id);
  assert.equal(await db.prisma.playgroundSession.count({ where: { userId } }), 1);
  await s.end(userId);
});

test("a sandbox that vanished is replaced and the old session says why", async () => {
  const s = service();
  const userId = await newUser();
  const first = await s.open(userId);
  await driver.docker.getContainer(first.sandbox.id).remove({ force: true, v: true });
  const second = await s.open(userId);
  assert.notEqual(second.sandbox.id, first.sandbox.id);
  const old = await db.prisma.playgroundSession.findUniqueOrThrow({ where: { id: first.sessionId } });
  assert.equal(old.state, "ended");
  assert.equal(old.endReason, "error");
  assert.match(old.errorDetail ?? "", /gone/);
  assert.deepEqual(await leftovers(driver.docker, first.sandbox.name), [], "its volume is removed too");
  await s.end(userId);
});

test("the reconcile sweep ends sessions past their limit, and a second sweep changes nothing", async () => {
  const s = service(1);
  const userId = await newUser();
  const ended: string[] = [];
  s.onEnded((u, _session, reason) => u === userId && ended.push(reason));
  const opened = await s.open(userId);
  const first = await reconcile({ driver, service: s, log });
  assert.ok(first.expired.includes(opened.sandbox.name));
  const row = await db.prisma.playgroundSession.findUniqueOrThrow({ where: { id: opened.sessionId } });
  assert.equal(row.endReason, "expired");
  assert.deepEqual(ended, ["expired"], "the learner is told");
  assert.deepEqual(await leftovers(driver.docker, opened.sandbox.name), []);
  const second = await reconcile({ driver, service: s, log });
  assert.ok(!second.expired.includes(opened.sandbox.name), "nothing left to expire");
  assert.equal(await s.active(userId), null);
});
