import assert from "node:assert/strict";
import { test } from "node:test";
import { sandboxName } from "../../server/sessions/names";

test("sandbox names are valid hostnames and container names", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const name = sandboxName();
    assert.match(name, /^sbx-[a-z0-9]{6}$/);
    seen.add(name);
  }
  assert.ok(seen.size > 190, "names are random");
  assert.equal(sandboxName(Buffer.from([0, 1, 2, 3, 4, 5])), "sbx-abcdef");
});
