// A fork bomb, a memory hog (inside an inner container) and a disk fill stay inside their
// sandbox: the host keeps answering, a neighbouring sandbox keeps working, and the learner
// recovers with a reset. And a class's many containers fit the kernel's key quota.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { openDatabase, type Database_ } from "../../server/db";
import type { DockerDriver } from "../../server/sandbox/docker/driver";
import { WANTED_KEY_LIMITS } from "../../server/sandbox/docker/kernel-limits";
import { PlaygroundService, type ActiveSandbox } from "../../server/sessions/playground-service";
import { killDockerdAndExpectItBack } from "../helpers/dockerd";
import { leftovers, log, testConfig, testDriver } from "../helpers/env";

const DISK_MB = 400;
const config = testConfig({ SANDBOX_PIDS_LIMIT: "300", SANDBOX_MEMORY_MB: "512", SANDBOX_DISK_MB: String(DISK_MB) });
let db: Database_;
let driver: DockerDriver;
let service: PlaygroundService;
let bomber: ActiveSandbox;
let neighbour: ActiveSandbox;
let probe: http.Server;
let probeUrl: string;

before(async () => {
  driver = await testDriver(config);
  db = await openDatabase(config.database);
  service = new PlaygroundService({ prisma: db.prisma, driver, imageRef: driver.image, limits: config.session, log });
  const users = [`g_${randomUUID().slice(0, 12)}`, `g_${randomUUID().slice(0, 12)}`];
  for (const id of users) await db.prisma.user.create({ data: { id } });
  [bomber, neighbour] = await Promise.all(users.map((u) => service.open(u)));
  probe = http.createServer((_req, res) => res.end("host-ok"));
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
  probeUrl = `http://127.0.0.1:${(probe.address() as import("node:net").AddressInfo).port}/`;
});

after(async () => {
  probe?.close();
  for (const s of [bomber, neighbour]) if (s) await service.end(s.userId, "admin");
  for (const s of [bomber, neighbour]) if (s) assert.deepEqual(await leftovers(driver.docker, s.sandbox.name, config.docker.diskDir), [], "disk file and loop device removed too");
  await db?.close();
});

async function hostAnswers(): Promise<boolean> {
  const res = await fetch(probeUrl, { signal: AbortSignal.timeout(10_000) });
  return (await res.text()) === "host-ok";
}

async function neighbourWorks(): Promise<boolean> {
  const r = await driver.run(neighbour.sandbox, { cmd: ["sh", "-c", "echo neighbour-$((20+1))"], user: "ubuntu", timeoutMs: 20_000 });
  return r.stdout.trim() === "neighbour-21";
}

test("a fork bomb hits the sandbox's pids limit; host and neighbour stay responsive; reset recovers", async () => {
  await driver.run(bomber.sandbox, { cmd: ["bash", "-c", "(bomb() { bomb | bomb & }; bomb) >/dev/null 2>&1 &"], user: "ubuntu", timeoutMs: 20_000 });
  await sleep(3000);
  const info = await driver.docker.getContainer(bomber.sandbox.id).stats({ stream: false });
  assert.ok((info.pids_stats?.current ?? 0) >= 250, `the bomb fills the pids limit (${info.pids_stats?.current})`);
  assert.ok((info.pids_stats?.current ?? 0) <= 300, "and never exceeds it");
  assert.equal(await hostAnswers(), true, "the host keeps answering");
  assert.equal(await neighbourWorks(), true, "the neighbouring sandbox keeps working");
  const fresh = await service.reset(bomber.userId);
  assert.notEqual(fresh.sandbox.id, bomber.sandbox.id);
  bomber = fresh;
  const r = await driver.run(bomber.sandbox, { cmd: ["sh", "-c", "echo recovered"], user: "ubuntu" });
  assert.equal(r.stdout.trim(), "recovered");
});

test("a memory hog in an inner container is killed inside the sandbox; host and neighbour unaffected", async () => {
  const r = await driver.run(bomber.sandbox, {
    cmd: ["sh", "-c", "docker run --rm busybox sh -c 'head -c 2000m /dev/zero | tail' ; echo exit=$?"],
    user: "ubuntu",
    timeoutMs: 120_000,
  });
  assert.match(r.stdout, /exit=(137|1)/, `the hog was stopped: ${r.stdout}${r.stderr}`);
  assert.equal(await driver.isRunning(bomber.sandbox), true, "the sandbox itself survives");
  const alive = await driver.run(bomber.sandbox, { cmd: ["sh", "-c", "docker info --format '{{.ServerVersion}}' && echo dockerd-alive"], user: "ubuntu" });
  assert.match(alive.stdout, /dockerd-alive/, "the inner Docker engine survives");
  assert.equal(await hostAnswers(), true);
  assert.equal(await neighbourWorks(), true);
});

test("a disk fill stops at the sandbox's own disk: No space left on device inside, host and neighbour unaffected", async () => {
  const fill = async (cmd: string) => {
    const r = await driver.run(bomber.sandbox, { cmd: ["bash", "-c", `${cmd} 2>&1; echo exit=$?`], user: "ubuntu", workingDir: "/home/ubuntu", timeoutMs: 180_000 });
    return r.stdout;
  };
  // Through an inner container (the inner Docker's data) and in the learner's home.
  const inner = await fill(`docker run --rm busybox dd if=/dev/zero of=/fill bs=1M count=${DISK_MB + 100}`);
  assert.match(inner, /No space left on device/, inner);
  const home = await fill(`dd if=/dev/zero of=~/fill bs=1M count=${DISK_MB + 100}`);
  assert.match(home, /No space left on device/, home);
  assert.match(home, /exit=[1-9]/);
  // The learner's whole root filesystem is on the same disk: writing at / fills it too.
  const sudoTop = await fill("sudo dd if=/dev/zero of=/fill-at-root bs=1M count=10");
  assert.match(sudoTop, /No space left on device/, "nothing outside the sandbox's own disk is written");

  const file = driver.disks!.fileFor(bomber.sandbox.name);
  const allocated = await driver.disks!.allocatedBytes(bomber.sandbox.name);
  assert.ok(allocated <= DISK_MB * 1024 * 1024, `the host holds at most the disk's size (${allocated} bytes in ${file})`);
  assert.equal(await hostAnswers(), true, "the host keeps answering");
  assert.equal(await neighbourWorks(), true, "the neighbouring sandbox keeps working");
  const neighbourWrite = await driver.run(neighbour.sandbox, { cmd: ["sh", "-c", "dd if=/dev/zero of=$HOME/ok bs=1M count=20 2>&1 && echo wrote"], user: "ubuntu", workingDir: "/home/ubuntu" });
  assert.match(neighbourWrite.stdout, /wrote/, `the neighbour still has its own space: ${neighbourWrite.stdout}${neighbourWrite.stderr}`);

  // Deleting the file gives the space back.
  const freed = await fill("rm -f ~/fill && echo fine > ~/after && cat ~/after");
  assert.match(freed, /^fine$/m);
});

test("the init survives its dockerd being killed (as the OOM killer would) and starts it again", async () => {
  await killDockerdAndExpectItBack(driver, bomber.sandbox);
  assert.equal(await neighbourWorks(), true);
});

test("a class's containers do not run out of the kernel's per-user key quota: the server raises it at start-up", async () => {
  // Every container a learner starts takes a key from the quota of the host uid that the
  // sandbox's root maps to (hardened: the same uid for every sandbox); 200 by default.
  await driver.prepare();
  const host = (name: string) => Number(fs.readFileSync(`/proc/sys/kernel/keys/${name}`, "utf8"));
  assert.ok(host("maxkeys") >= WANTED_KEY_LIMITS.maxkeys, `kernel.keys.maxkeys is ${host("maxkeys")}`);
  assert.ok(host("maxbytes") >= WANTED_KEY_LIMITS.maxbytes, `kernel.keys.maxbytes is ${host("maxbytes")}`);
  // What the learner's containers draw from, seen from inside (a global setting).
  const r = await driver.run(bomber.sandbox, { cmd: ["bash", "-c", "cat /proc/sys/kernel/keys/maxkeys; docker run --rm busybox true && echo container-ok"], user: "ubuntu", timeoutMs: 120_000 });
  assert.match(r.stdout, new RegExp(`^${host("maxkeys")}$`, "m"));
  assert.match(r.stdout, /^container-ok$/m);
});
