import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultCapacity, QueueCancelled, SandboxSlots } from "../../server/lifecycle/capacity";

test("slots up to the maximum, then a fair queue with live positions", async () => {
  const slots = new SandboxSlots(2);
  await slots.acquire();
  await slots.acquire();
  assert.equal(slots.inUse, 2);
  const positions: Record<string, number[]> = { a: [], b: [] };
  const order: string[] = [];
  const a = slots.acquire((p) => positions.a.push(p)).then(() => order.push("a"));
  const b = slots.acquire((p) => positions.b.push(p)).then(() => order.push("b"));
  assert.equal(slots.waiting, 2);
  slots.release();
  await a;
  assert.deepEqual(order, ["a"]);
  assert.deepEqual(positions.b, [2, 1], "b moves up when a gets a slot");
  slots.release();
  await b;
  assert.deepEqual(order, ["a", "b"]);
  assert.equal(slots.inUse, 2);
});

test("the pool never jumps the queue", async () => {
  const slots = new SandboxSlots(1);
  assert.equal(slots.tryAcquire(), true);
  const waiting = slots.acquire();
  slots.release();
  await waiting;
  slots.release();
  assert.equal(slots.tryAcquire(), true, "free again once nobody waits");
});

test("leaving the queue rejects and moves the others up", async () => {
  const slots = new SandboxSlots(1);
  slots.tryAcquire();
  const controller = new AbortController();
  const positions: number[] = [];
  const leaving = slots.acquire(() => undefined, controller.signal);
  const staying = slots.acquire((p) => positions.push(p));
  controller.abort();
  await assert.rejects(leaving, QueueCancelled);
  assert.deepEqual(positions, [2, 1]);
  slots.release();
  await staying;
});

test("resync sets the count from ground truth and grants waiters", async () => {
  const slots = new SandboxSlots(3);
  slots.resync(3);
  let granted = false;
  const w = slots.acquire().then(() => (granted = true));
  slots.resync(1);
  await w;
  assert.equal(granted, true);
  assert.equal(slots.inUse, 2);
});

test("default capacity follows engine memory and the per-sandbox limit", () => {
  const GiB = 1024 ** 3;
  assert.equal(defaultCapacity(24 * GiB, 1 * GiB), 21);
  assert.equal(defaultCapacity(512 * 1024 ** 2, GiB), 1, "at least one");
  assert.throws(() => new SandboxSlots(0));
});
