// Runs after every other test file: nothing the suite created may be left on the engine.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { LABELS } from "../../server/sandbox/driver";
import { requireDocker } from "../helpers/env";

const fromTests = (labels: Record<string, string> | undefined) => (labels?.[LABELS.instance] ?? "").startsWith("cp-test-");

test("no sandbox container, volume or network from the test suite is left behind", async () => {
  const docker = await requireDocker();
  const containers = (await docker.listContainers({ all: true, filters: { label: [`${LABELS.managed}=true`] } })).filter((c) => fromTests(c.Labels));
  assert.deepEqual(containers.map((c) => c.Names[0]), []);
  const { Volumes } = await docker.listVolumes({ filters: { label: [`${LABELS.managed}=true`] } });
  assert.deepEqual((Volumes ?? []).filter((v) => fromTests(v.Labels)).map((v) => v.Name), []);
  const networks = await docker.listNetworks({ filters: { label: [`${LABELS.managed}=true`] } });
  assert.deepEqual(networks.filter((n) => fromTests(n.Labels)).map((n) => n.Name), []);
});

test("no sandbox disk from the test suite is still attached to a loop device", () => {
  // Test data folders live in the OS temp dir (tests/helpers/env.ts tempDataDir).
  const attached = execFileSync("losetup", ["--list", "--noheadings", "--output", "NAME,BACK-FILE"], { encoding: "utf8" })
    .split("\n")
    .filter((l) => l.includes(path.join(os.tmpdir(), "cp-test-")) && l.includes("/disks/"));
  assert.deepEqual(attached, []);
});
