import assert from "node:assert/strict";
import { test } from "node:test";
import { AttemptCounter } from "../../server/auth/attempts";

test("attempts are counted per key within a window, then forgotten", () => {
  const c = new AttemptCounter(1000);
  for (let i = 0; i < 3; i++) c.count("a", 0);
  assert.equal(c.exceeded("a", 3, 500), true);
  assert.equal(c.exceeded("a", 4, 500), false);
  assert.equal(c.exceeded("b", 1, 500), false, "keys are separate");
  assert.equal(c.exceeded("a", 3, 1501), false, "the window ends");
  c.count("a", 2000);
  c.clear("a");
  assert.equal(c.exceeded("a", 1, 2000), false);
});
