// The LXD engine for tests: a driver on the LXD that scripts/ensure-lxd.sh starts, with the
// image that sandbox-images/build-lxd.sh imports. Missing either is a failure, never a skip.
import type { Config } from "../../server/config";
import { expectedImageRef } from "../../server/sandbox/docker/image";
import { createLxdDriver } from "../../server/sandbox/factory";
import { LxdClient } from "../../server/sandbox/lxd/client";
import { imageAlias, type LxdDriver } from "../../server/sandbox/lxd/driver";
import { log, TEST_RUN_PREFIX, testConfig } from "./env";

export async function requireLxd(socketPath = process.env.LXD_SOCKET ?? "/var/lib/lxd/unix.socket"): Promise<void> {
  const client = new LxdClient({ socketPath, project: "default" });
  try {
    await client.request("GET", "/1.0");
  } catch (err) {
    throw new Error(`These tests need LXD (npm test starts it with scripts/ensure-lxd.sh): ${(err as Error).message}`);
  } finally {
    client.close();
  }
}

/** A config for the LXD engine (testConfig with SANDBOX_ENGINE=lxd). */
export function lxdTestConfig(overrides: Record<string, string> = {}): Config {
  return testConfig({ SANDBOX_ENGINE: "lxd", MIRROR: "off", ...overrides });
}

/** An LXD driver on the imported sandbox image; fails when LXD or the image is missing. */
export async function testLxdDriver(config: Config = lxdTestConfig()): Promise<LxdDriver> {
  await requireLxd(config.lxd.socketPath);
  const driver = await createLxdDriver(config, { instanceId: config.instanceId ?? `${TEST_RUN_PREFIX}lxd`, log });
  const health = await driver.health();
  if (!health.image.ok) throw new Error(`LXD sandbox image ${imageAlias(await expectedImageRef())} is missing: run \`npm run sandbox-image:lxd\` (npm test imports it).`);
  return driver;
}
