// A real sandbox of the trusted profile on the real Docker engine: the container-learning
// commands must work, and the escape table says what its root can reach (hardened.test.ts
// covers the default profile).
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import type { Sandbox } from "../../server/sandbox/driver";
import type { DockerDriver } from "../../server/sandbox/docker/driver";
import { sandboxName } from "../../server/sandbox/names";
import { leftovers, testConfig, testDriver } from "../helpers/env";
import { documentedEscapes, formatEscapeTable, hostAddresses, runEscapeSuite } from "../helpers/escape-suite";
import { lessonCommandTests } from "../helpers/lesson-commands";

const mainConfig = testConfig({ SANDBOX_PROFILE: "trusted" });
let driver: DockerDriver;
let sandbox: Sandbox;

before(async () => {
  driver = await testDriver(mainConfig);
  const name = sandboxName();
  sandbox = await driver.create({
    sessionId: randomUUID(),
    ownerId: "g_integration",
    name,
    image: "",
    expiresAt: new Date(Date.now() + 3600_000),
  });
});

after(async () => {
  if (!sandbox) return;
  await driver.remove(sandbox);
  assert.deepEqual(await leftovers(driver.docker, sandbox.name, mainConfig.docker.diskDir), [], "removing a sandbox leaves no container, volume, network or disk");
});

test("sandbox carries its labels for reconciliation", async () => {
  const listed = (await driver.list()).find((s) => s.id === sandbox.id);
  assert.ok(listed, "the sandbox is found by its labels");
  assert.equal(listed.name, sandbox.name);
  assert.equal(listed.ownerId, "g_integration");
  assert.equal(listed.running, true);
  const info = await driver.docker.getContainer(sandbox.id).inspect();
  assert.equal(info.HostConfig.Memory, 1024 * 1024 * 1024);
  assert.ok((info.HostConfig.PidsLimit ?? 0) > 0, "pids limit set");
  assert.ok((info.HostConfig.NanoCpus ?? 0) > 0, "cpu limit set");
  assert.ok(info.Mounts.some((m) => m.Destination === "/run/cp-disk" && m.Type === "volume"), "the sandbox's own disk is mounted");
});

lessonCommandTests(() => ({ driver, sandbox }));

test("escape suite in the trusted profile: the results SECURITY.md states are what this host does", async () => {
  const results = await runEscapeSuite(driver, sandbox, hostAddresses());
  console.log(`trusted profile escape suite (privileged: ${await driver.usePrivileged()}):\n${formatEscapeTable(results)}`);
  const documented = documentedEscapes("trusted");
  assert.equal(documented.size, results.length, "SECURITY.md lists every vector of the suite");
  // The measurement (explicit capabilities) is the documented table; --privileged may open more.
  const privileged = await driver.usePrivileged();
  for (const r of results) {
    if (documented.get(r.vector) === "open") assert.ok(r.open, `SECURITY.md says ${r.vector} is open in trusted; it is not: ${r.detail}`);
    else if (!privileged) assert.ok(!r.open, `SECURITY.md says ${r.vector} is blocked in trusted; it is open: ${r.detail}`);
  }
});

test("the engine's runtimes are detected; a runtime it does not offer fails clearly and leaves nothing", async () => {
  const { available } = await driver.runtimes();
  assert.ok(available.includes("runc"), `runtimes: ${available}`);
  const config = testConfig({ SANDBOX_RUNTIME: "no-such-runtime" });
  const other = await testDriver(config);
  const name = sandboxName();
  await assert.rejects(
    other.create({ sessionId: randomUUID(), ownerId: "g_integration", name, image: "", expiresAt: new Date(Date.now() + 3600_000) }),
    (err: { code?: string; detail?: string }) => err.code === "sandbox_start_failed" && /runtime/i.test(err.detail ?? ""),
  );
  assert.deepEqual(await leftovers(other.docker, name, config.docker.diskDir), []);
});
