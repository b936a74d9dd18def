// The LXD engine for tests: a driver on the LXD that scripts/ensure-lxd.sh starts, with the
// image that sandbox-images/build-lxd.sh imports. Missing either is a failure, never a skip.
import type { Config } from "../../server/config";
import { createLxdDriver } from "../../server/sandbox/factory";
import type { SandboxDriver } from "../../server/sandbox/driver";
import type { LxdDriver } from "../../server/sandbox/lxd/driver";
import { log, requireEngineImage, TEST_RUN_PREFIX, testConfig, testDriver, testEngine } from "./env";

/**
 * A root command that outgrows a sandbox of 768 MiB (`tail` keeps all it reads) and prints
 * `hog-exit=` with its exit status: 137 when the kernel killed it.
 */
export const MEMORY_HOG = "head -c 1200M /dev/zero | tail > /dev/null; echo hog-exit=$?";

/** A config for the LXD engine (testConfig with SANDBOX_ENGINE=lxd). */
export function lxdTestConfig(overrides: Record<string, string> = {}): Config {
  return testConfig({ SANDBOX_ENGINE: "lxd", MIRROR: "off", ...overrides });
}

/** An LXD driver on the imported sandbox image; fails when LXD or the image is missing. */
export async function testLxdDriver(config: Config = lxdTestConfig()): Promise<LxdDriver> {
  const image = await requireEngineImage("lxd");
  return createLxdDriver({ ...config, sandbox: { ...config.sandbox, image } }, { instanceId: config.instanceId ?? `${TEST_RUN_PREFIX}lxd`, log });
}

/** A driver on the engine under test (TEST_SANDBOX_ENGINE), for tests that make sandboxes themselves. */
export function testEngineDriver(config: Config): Promise<SandboxDriver> {
  return testEngine() === "lxd" ? testLxdDriver(config) : testDriver(config);
}
