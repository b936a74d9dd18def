// The memory gate: one more sandbox starts only while the host keeps its reserve, counting
// sandboxes that started recently as not yet in the reading; slots wait on it in order.
import assert from "node:assert/strict";
import { test } from "node:test";
import { SandboxSlots } from "../../server/lifecycle/capacity";
import { ManualClock } from "../../server/lifecycle/clock";
import { MemoryGate, STARTING_WINDOW_MS } from "../../server/lifecycle/memory-gate";
import { parseMemAvailable } from "../../server/sandbox/host-memory";

const MB = 1024 * 1024;

test("a reading decides how many more sandboxes fit; recent starts count until the window passes", () => {
  const clock = new ManualClock();
  const gate = new MemoryGate({ reserveBytes: 1000 * MB, perSandboxBytes: 100 * MB }, clock);
  assert.equal(gate.room(), Infinity, "no reading yet: the gate is open");
  gate.update(1250 * MB);
  // 1250 - 100 = 1150 ≥ 1000, then 1050 with the first one counted; a third would leave 950.
  assert.equal(gate.room(), 2);
  assert.equal(gate.tryAdmit(), true);
  assert.equal(gate.room(), 1, "the one just started counts");
  assert.equal(gate.tryAdmit(), true);
  assert.equal(gate.tryAdmit(), false, "below the reserve");
  clock.advance(STARTING_WINDOW_MS);
  assert.equal(gate.tryAdmit(), true, "the started ones are in the readings by now");
  gate.update(1050 * MB);
  assert.equal(gate.tryAdmit(), false, "a real reading near the reserve holds starts back");
  assert.equal(gate.room(), 0);
  gate.update(null);
  assert.equal(gate.tryAdmit(), true, "an engine that cannot tell never blocks");
});

test("slots behind a closed gate queue in order and are served by retry() when memory frees", async () => {
  const clock = new ManualClock();
  const gate = new MemoryGate({ reserveBytes: 1000 * MB, perSandboxBytes: 100 * MB }, clock);
  const slots = new SandboxSlots(10, gate);
  gate.update(1100 * MB);
  assert.equal(slots.tryAcquire(), true, "room for one");
  assert.equal(slots.tryAcquire(), false, "not for a second, though slots are free");
  const served: string[] = [];
  const positions: number[] = [];
  const a = slots.acquire().then(() => served.push("a"));
  const b = slots.acquire((p) => positions.push(p)).then(() => served.push("b"));
  assert.equal(slots.waiting, 2);
  slots.retry();
  assert.equal(slots.waiting, 2, "nothing freed: still waiting");
  clock.advance(STARTING_WINDOW_MS);
  gate.update(1150 * MB);
  slots.retry();
  await a;
  assert.deepEqual(served, ["a"], "one fits, the first in line gets it");
  assert.deepEqual(positions, [2, 1]);
  clock.advance(STARTING_WINDOW_MS);
  gate.update(4000 * MB);
  slots.retry();
  await b;
  assert.equal(slots.inUse, 3);
});

test("MemAvailable is read from /proc/meminfo's text", () => {
  assert.equal(parseMemAvailable("MemTotal:       24000000 kB\nMemFree:  100 kB\nMemAvailable:   2048 kB\n"), 2048 * 1024);
  assert.equal(parseMemAvailable("MemTotal: 1 kB\n"), null, "an old kernel without the field");
});
