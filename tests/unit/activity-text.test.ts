import assert from "node:assert/strict";
import { test } from "node:test";
import { dashboardTitle, sinceText } from "../../app/instructor/workshops/[id]/activity-text";

test("activity times read as short, rounded 'ago' texts", () => {
  const now = Date.parse("2026-11-29T10:00:00Z");
  const ago = (s: number) => new Date(now - s * 1000).toISOString();
  assert.equal(sinceText(null, now), "not yet");
  assert.equal(sinceText(ago(2), now), "just now");
  assert.equal(sinceText(ago(40), now), "40 s ago");
  assert.equal(sinceText(ago(185), now), "3 min ago");
  assert.equal(sinceText(ago(7300), now), "2 h ago");
  assert.equal(sinceText(ago(-30), now), "just now", "a clock a little ahead never reads as the future");
});

test("raised hands lead the tab title", () => {
  assert.equal(dashboardTitle("Containers 101", 0), "Containers 101 · Container Playground");
  assert.equal(dashboardTitle("Containers 101", 1), "(1 hand up) Containers 101 · Container Playground");
  assert.equal(dashboardTitle("Containers 101", 3), "(3 hands up) Containers 101 · Container Playground");
});
