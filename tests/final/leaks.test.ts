// Runs after every other test file: nothing the suite created may be left on the engine.
import assert from "node:assert/strict";
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
