// The helper behind `npm run test:busy`: a second playground whose learners keep working, and
// that leaves nothing behind when stopped.
import assert from "node:assert/strict";
import { test } from "node:test";
import { LABELS } from "../../server/sandbox/docker/labels";
import { startBusyNeighbour } from "../helpers/busy-neighbour";
import { requireDocker, until } from "../helpers/env";

test("a busy neighbour playground runs learners that keep working, and stopping it removes their sandboxes", async () => {
  const docker = await requireDocker();
  const neighbour = await startBusyNeighbour(2);
  const own = () => docker.listContainers({ all: true, filters: { label: [`${LABELS.instance}=${neighbour.instanceId}`] } });
  try {
    assert.equal((await own()).length, 2, "one sandbox per learner, labelled with the neighbour's own installation");
    await until("every learner's loop to finish two rounds", () => neighbour.ticks().every((n) => n >= 2), 120_000);
  } finally {
    await neighbour.stop();
  }
  assert.deepEqual(await own(), []);
});
