// What learners see when things go wrong, and that failures leave nothing behind.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import Docker from "dockerode";
import { openDatabase, type Database_ } from "../../server/db";
import { DockerDriver } from "../../server/sandbox/docker/driver";
import { PlaygroundFailure } from "../../server/sandbox/errors";
import { SandboxImage } from "../../server/sandbox/docker/image";
import { PlaygroundService } from "../../server/sessions/playground-service";
import { leftovers, log, requireDocker, requireSandboxImage, TEST_RUN_PREFIX, testConfig } from "../helpers/env";

const config = testConfig({ SANDBOX_PRIVILEGED: "never", SANDBOX_READY_TIMEOUT_S: "30" });
const BROKEN = "cp-test/broken-sandbox:1";
let docker: Docker;
let db: Database_;

before(async () => {
  docker = await requireDocker();
  const good = await requireSandboxImage(docker);
  // An image whose init reports failure, the way a broken sandbox start would.
  execFileSync("docker", ["build", "-q", "-t", BROKEN, "-"], {
    stdio: ["pipe", "pipe", "pipe"],
    input: `FROM ${good.ref}\nENTRYPOINT ["/bin/sh", "-c", "echo 'sandbox-init: failed: simulated dockerd crash'; exit 1"]\n`,
  });
  db = await openDatabase(config.database);
});

after(async () => {
  await db?.close();
  await docker?.getImage(BROKEN).remove({ force: true }).catch(() => undefined);
});

function serviceWith(driver: DockerDriver, ref: string): PlaygroundService {
  return new PlaygroundService({ prisma: db.prisma, driver, imageRef: ref, limits: config.session, log });
}

async function newUser(): Promise<string> {
  const id = `g_${randomUUID().slice(0, 12)}`;
  await db.prisma.user.create({ data: { id } });
  return id;
}

test("a sandbox that fails to start is removed, recorded and explained", async () => {
  const driver = new DockerDriver(docker, { sandbox: config.sandbox, docker: config.docker, instanceId: `${TEST_RUN_PREFIX}failures`, image: new SandboxImage(docker, BROKEN, log) }, log);
  const userId = await newUser();
  const err = await serviceWith(driver, BROKEN).open(userId).then(
    () => assert.fail("a broken sandbox must not open"),
    (e: unknown) => e,
  );
  assert.ok(err instanceof PlaygroundFailure);
  assert.equal(err.code, "sandbox_start_failed");
  assert.match(err.message, /could not be started/);
  assert.match(err.action, /Retry/);
  assert.match(err.detail ?? "", /simulated dockerd crash/);
  const row = await db.prisma.playgroundSession.findFirstOrThrow({ where: { userId } });
  assert.equal(row.state, "ended");
  assert.equal(row.endReason, "error");
  assert.match(row.errorDetail ?? "", /simulated dockerd crash/);
  assert.deepEqual(await leftovers(docker, row.sandboxName), [], "no half-created container or volume");
  await driver.dispose(); // as a server stopping: its firewall rules go with its last sandbox
});

test("a missing image says what to do and creates nothing", async () => {
  const ref = "container-playground/sandbox:does-not-exist";
  const driver = new DockerDriver(docker, { sandbox: config.sandbox, docker: config.docker, instanceId: `${TEST_RUN_PREFIX}failures`, image: new SandboxImage(docker, ref, log) }, log);
  const userId = await newUser();
  await assert.rejects(serviceWith(driver, ref).open(userId), (e: unknown) => {
    assert.ok(e instanceof PlaygroundFailure);
    assert.equal(e.code, "image_missing");
    assert.match(e.action, /Retry/);
    assert.match(e.detail ?? "", /npm run sandbox-image/);
    return true;
  });
  const row = await db.prisma.playgroundSession.findFirstOrThrow({ where: { userId } });
  assert.deepEqual(await leftovers(docker, row.sandboxName), []);
  const health = await driver.health();
  assert.equal(health.engine.ok, true);
  assert.equal(health.image.ok, false);
  assert.match(health.image.detail, /missing/);
  await driver.dispose();
});

test("an unreachable Docker engine is reported, not crashed on", async () => {
  const nowhere = new Docker({ socketPath: "/nonexistent/docker.sock" });
  const driver = new DockerDriver(nowhere, { sandbox: config.sandbox, docker: config.docker, instanceId: `${TEST_RUN_PREFIX}failures`, image: new SandboxImage(nowhere, "x:y", log) }, log);
  const userId = await newUser();
  await assert.rejects(serviceWith(driver, "x:y").open(userId), (e: unknown) => {
    assert.ok(e instanceof PlaygroundFailure);
    assert.equal(e.code, "engine_unavailable");
    assert.match(e.message, /cannot reach its Docker engine/);
    return true;
  });
  const health = await driver.health();
  assert.equal(health.engine.ok, false);
  assert.match(health.engine.detail, /nonexistent/);
});
