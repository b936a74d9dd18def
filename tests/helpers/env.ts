// Shared set-up for tests that need real parts. Missing parts fail the test, never skip it.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Docker from "dockerode";
import { startApp, type RunningApp } from "../../server/app";
import { loadConfig, type Config } from "../../server/config";
import { createLogger } from "../../server/log";
import type { Clock } from "../../server/lifecycle/clock";
import { DockerDriver } from "../../server/sandbox/docker/driver";
import type { SandboxDriver } from "../../server/sandbox/driver";
import { createDockerDriver } from "../../server/sandbox/factory";
import { expectedImageRef, SandboxImage } from "../../server/sandbox/docker/image";
import { LxdClient } from "../../server/sandbox/lxd/client";
import { imageAlias } from "../../server/sandbox/lxd/driver";

export const log = createLogger(process.env.TEST_LOG_LEVEL ?? "silent");

export async function requireDocker(docker = new Docker()): Promise<Docker> {
  try {
    await docker.ping();
  } catch (err) {
    throw new Error(`These tests need a running Docker engine (npm test starts one as root): ${(err as Error).message}`);
  }
  return docker;
}

export async function requireSandboxImage(docker: Docker): Promise<SandboxImage> {
  const image = new SandboxImage(docker, process.env.SANDBOX_IMAGE ?? (await expectedImageRef()), log);
  if (!(await image.present())) {
    throw new Error(`Sandbox image ${image.ref} is missing: run \`npm run sandbox-image\` (npm test builds it).`);
  }
  return image;
}

/**
 * What this test run makes is named `cp-test-<run>-…`, so that the leak check (tests/final)
 * looks only at its own run's leftovers, not at another run's on the same engine and kernel
 * (loop devices are global). scripts/test.sh sets TEST_RUN_ID for the whole run.
 */
export const TEST_RUN_PREFIX = `cp-test-${process.env.TEST_RUN_ID ?? "x"}-`;

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), TEST_RUN_PREFIX));
}

/** The profile tests run in unless they choose one: TEST_SANDBOX_PROFILE, else the default. */
export function testProfile(): "hardened" | "trusted" {
  const p = process.env.TEST_SANDBOX_PROFILE ?? "hardened";
  if (p !== "hardened" && p !== "trusted") throw new Error(`TEST_SANDBOX_PROFILE must be hardened or trusted, not ${p}`);
  return p;
}

/** The engine tests run sandboxes on unless they choose one: TEST_SANDBOX_ENGINE, else docker. */
export function testEngine(): "docker" | "lxd" {
  const e = process.env.TEST_SANDBOX_ENGINE ?? "docker";
  if (e !== "docker" && e !== "lxd") throw new Error(`TEST_SANDBOX_ENGINE must be docker or lxd, not ${e}`);
  return e;
}

/**
 * The sandbox image of the engine under test, which must be there: the Docker image, or its
 * LXD import (sandbox-images/build-lxd.sh) on an LXD that answers.
 */
export async function requireEngineImage(engine = testEngine()): Promise<string> {
  if (engine === "docker") return (await requireSandboxImage(await requireDocker())).ref;
  const alias = imageAlias(process.env.SANDBOX_IMAGE ?? (await expectedImageRef()));
  const client = new LxdClient({ socketPath: process.env.LXD_SOCKET ?? "/var/lib/lxd/unix.socket", project: "default" });
  try {
    await client.request("GET", "/1.0").catch((err: Error) => {
      throw new Error(`These tests need LXD (npm test starts it with scripts/ensure-lxd.sh): ${err.message}`);
    });
    await client.request("GET", `/1.0/images/aliases/${alias}`).catch(() => {
      throw new Error(`LXD sandbox image ${alias} is missing: run \`npm run sandbox-image:lxd\` (npm test imports it).`);
    });
  } finally {
    client.close();
  }
  return alias;
}

/** A config for tests: port 0, a fresh data folder and SQLite file, small sandboxes. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  const dataDir = tempDataDir();
  const instance = `${TEST_RUN_PREFIX}${randomBytes(5).toString("hex")}`;
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    NODE_ENV: "production",
    DATA_DIR: dataDir,
    SANDBOX_AUTO_BUILD: "false",
    SANDBOX_MEMORY_MB: "1024",
    SANDBOX_POOL_SIZE: "0", // tests that are about the pool turn it on
    INSTANCE_ID: instance, // the leak check finds what tests made by it
    LOG_LEVEL: "silent",
    // npm test runs the browser tests once per profile (scripts/test.sh).
    SANDBOX_PROFILE: testProfile(),
    SANDBOX_ENGINE: testEngine(),
    // Every test client comes from this machine's one address: the per-address limits are
    // tested where they are the subject (tests/integration/abuse.test.ts).
    LIMIT_GUESTS_PER_HOUR: "100000",
    LIMIT_SANDBOXES_PER_ADDRESS: "100000",
    LIMIT_JOINS_PER_CODE_PER_HOUR: "100000",
    ...overrides,
  });
  releaseWhenDone(config);
  return config;
}

/**
 * Installations this test file made on the Docker engine (testConfig). When the file is done
 * (beforeExit: every test and hook has finished), each one whose sandboxes are all gone has
 * its firewall rules removed through the driver's own releaseIsolation(), as that
 * installation's next server start would do. (Tests often stop a server while its sandboxes
 * still run and remove them afterwards.) tests/final then finds nothing left, unless a
 * sandbox outlived its file.
 */
const installations = new Map<string, Config>();
let releaseAtExit = false;

function releaseWhenDone(config: Config): void {
  if (config.sandbox.engine !== "docker" || !config.instanceId) return;
  installations.set(config.instanceId, config);
  if (releaseAtExit) return;
  releaseAtExit = true;
  process.once("beforeExit", () => {
    const all = [...installations.values()];
    installations.clear();
    void Promise.all(
      all.map(async (c) => {
        const driver = await createDockerDriver({ ...c, sandbox: { ...c.sandbox, image: c.sandbox.image ?? "container-playground/sandbox:release" } }, { instanceId: c.instanceId!, log });
        await driver.releaseIsolation();
      }),
    ).catch(() => undefined); // no engine here (a fast-tier file): nothing to release
  });
}

/** A Docker driver (through the factory) on the built sandbox image, for tests that make sandboxes directly. */
export async function testDriver(config: Config = testConfig()): Promise<DockerDriver> {
  const image = await requireSandboxImage(await requireDocker());
  releaseWhenDone(config);
  return createDockerDriver({ ...config, sandbox: { ...config.sandbox, image: image.ref } }, { instanceId: config.instanceId ?? `${TEST_RUN_PREFIX}driver`, log });
}

/** The Docker driver behind a server (tests that look at containers directly). */
export function dockerOf(driver: SandboxDriver): DockerDriver {
  if (!(driver instanceof DockerDriver)) throw new Error(`this test needs the Docker engine, not ${driver.engine}`);
  return driver;
}

/** Every attached loop device as "NAME BACK-FILE" (a deleted file shows as "(deleted)"). */
export function attachedLoops(): string[] {
  return execFileSync("losetup", ["--list", "--noheadings", "--output", "NAME,BACK-FILE"], { encoding: "utf8" }).split("\n").filter(Boolean);
}

/**
 * Containers, volumes, networks, disk files and loop devices still present for a sandbox
 * name (for leak assertions).
 */
export async function leftovers(docker: Docker, name: string, diskDir?: string): Promise<string[]> {
  const containers = await docker.listContainers({ all: true, filters: { name: [`cp-${name}`] } });
  const { Volumes } = await docker.listVolumes({ filters: { name: [`cp-${name}-`] } });
  const networks = (await docker.listNetworks({ filters: { name: [`cp-${name}-net`] } })).filter((n) => n.Name === `cp-${name}-net`);
  const disks = diskDir && fs.existsSync(path.join(diskDir, `${name}.ext4`)) ? [path.join(diskDir, `${name}.ext4`)] : [];
  const loops = attachedLoops().filter((l) => l.includes(`/${name}.ext4`));
  return [...containers.flatMap((c) => c.Names), ...(Volumes ?? []).map((v) => v.Name), ...networks.map((n) => n.Name), ...disks, ...loops];
}

/** What is left of a removed sandbox on either engine: Docker's containers, volumes, network and disk; LXD's instance. */
export async function engineLeftovers(driver: SandboxDriver, name: string, diskDir?: string): Promise<string[]> {
  if (driver instanceof DockerDriver) return leftovers(driver.docker, name, diskDir);
  return (await driver.list()).filter((s) => s.name === name).map((s) => `${driver.engine} instance ${s.id}`);
}

/** Ends every learner's session on this server (its sandboxes are removed). */
export async function endAllSessions(app: Pick<RunningApp, "db" | "service">): Promise<void> {
  for (const u of await app.db.prisma.user.findMany()) await app.service.end(u.id, "admin");
}

/** Stops a test server and removes everything it started: sessions, pool sandboxes. */
export async function stopApp(app: RunningApp): Promise<void> {
  await endAllSessions(app);
  await app.pool.drain();
  await app.close();
}

/** Starts a server for a test on the built sandbox image, with these settings on top of testConfig(). */
export async function startTestApp(settings: Record<string, string> = {}, opts: { withNext?: boolean; clock?: Clock } = {}): Promise<RunningApp> {
  const image = await requireEngineImage(settings.SANDBOX_ENGINE === "docker" || settings.SANDBOX_ENGINE === "lxd" ? settings.SANDBOX_ENGINE : testEngine());
  return startApp(testConfig({ SANDBOX_IMAGE: image, ...settings }), log, { withNext: opts.withNext ?? false, clock: opts.clock });
}

/** Polls until `check` holds; fails naming `what` after `timeoutMs`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
