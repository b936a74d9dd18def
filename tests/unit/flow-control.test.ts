import assert from "node:assert/strict";
import { test } from "node:test";
import { FlowWindow } from "../../server/terminal/flow-control";

test("pauses at the high watermark and resumes at the low one", () => {
  const w = new FlowWindow({ highWater: 100, lowWater: 20 });
  assert.equal(w.sent(60), false);
  assert.equal(w.sent(40), true, "reaching the high watermark pauses");
  assert.equal(w.isPaused, true);
  assert.equal(w.sent(10), false, "already paused: no second pause signal");
  assert.equal(w.acked(50), false, "60 in flight is above the low watermark");
  assert.equal(w.acked(40), true, "20 in flight resumes");
  assert.equal(w.isPaused, false);
  assert.equal(w.inFlight, 20);
});

test("acks are clamped and bad acks ignored", () => {
  const w = new FlowWindow({ highWater: 100, lowWater: 20 });
  w.sent(30);
  w.acked(1_000_000);
  assert.equal(w.inFlight, 0, "an ack larger than what is in flight cannot go negative");
  w.sent(30);
  for (const bad of [-5, 0, Number.NaN, Number.POSITIVE_INFINITY]) assert.equal(w.acked(bad), false);
  assert.equal(w.inFlight, 30);
});

test("reset forgets in-flight bytes and reports whether it was paused", () => {
  const w = new FlowWindow({ highWater: 10, lowWater: 5 });
  w.sent(50);
  assert.equal(w.reset(), true);
  assert.equal(w.inFlight, 0);
  assert.equal(w.reset(), false);
});

test("invalid watermarks are refused", () => {
  assert.throws(() => new FlowWindow({ highWater: 10, lowWater: 10 }));
  assert.throws(() => new FlowWindow({ highWater: 10, lowWater: -1 }));
});
