// The benchmarks' learner client behaves as the page does when its connection drops: it
// reconnects, re-attaches to the same shell and carries on; the drop is recorded (the class
// benchmark reports drops, and a failed learner's line says when and why). A real server
// and sandbox.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import type { RunningApp } from "../../server/app";
import { OursTerminal } from "../../bench/support/terminals";
import { guestCookie, PROMPT } from "../helpers/client";
import { endAllSessions, startTestApp, stopApp, until } from "../helpers/env";

let app: RunningApp | undefined;

after(async () => {
  if (!app) return;
  await endAllSessions(app);
  await stopApp(app);
});

test("a benchmark learner whose connection drops reconnects to the same shell, and the drop is recorded", async () => {
  app = await startTestApp();
  const { term } = await OursTerminal.open(app.url, await guestCookie(app.url));
  try {
    await term.waitFor(PROMPT);
    term.write("export MARK=$((6*7))\r");
    // The transport closes under the client, as a network drop would.
    (term.socket as unknown as { io: { engine: { close(): void } } }).io.engine.close();
    await until("the terminal to be re-attached", () => term.drops.length === 1 && term.drops[0].resumed, 30_000);
    assert.equal(term.drops[0].reason, "forced close", "the reason socket.io gives is kept");
    term.clearTail();
    term.write('echo "still-$MARK"\r');
    await term.waitFor(/^still-42\r?$/m, 30_000);
  } finally {
    await term.close();
  }
  assert.equal(term.drops.length, 2, "closing on purpose is recorded too, and not resumed");
  assert.equal(term.drops[1].reason, "io client disconnect");
  assert.equal(term.drops[1].resumed, false);
});
