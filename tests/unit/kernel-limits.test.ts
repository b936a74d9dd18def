import assert from "node:assert/strict";
import { test } from "node:test";
import { keyLimitChanges, WANTED_KEY_LIMITS } from "../../server/sandbox/docker/kernel-limits";

test("the key quotas are raised where they are below a class's needs, and a higher setting is kept", () => {
  assert.deepEqual(keyLimitChanges({ maxkeys: 200, maxbytes: 20000 }), [
    { name: "maxkeys", from: 200, to: WANTED_KEY_LIMITS.maxkeys },
    { name: "maxbytes", from: 20000, to: WANTED_KEY_LIMITS.maxbytes },
  ]);
  assert.deepEqual(keyLimitChanges({ maxkeys: 1_000_000, maxbytes: WANTED_KEY_LIMITS.maxbytes }), [], "never lowered");
});
