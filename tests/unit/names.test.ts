import assert from "node:assert/strict";
import { test } from "node:test";
import { sandboxName } from "../../server/sandbox/names";

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

test("durations read naturally in end messages", async () => {
  const { formatDuration } = await import("../../server/lifecycle/timers");
  assert.equal(formatDuration(1000), "1 second");
  assert.equal(formatDuration(15_000), "15 seconds");
  assert.equal(formatDuration(30 * 60_000), "30 minutes");
  assert.equal(formatDuration(4 * 3600_000), "4 hours");
  assert.equal(formatDuration(4.5 * 3600_000), "4 hours 30 minutes");
});
