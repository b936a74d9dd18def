// Time limits and idle timeouts with short test settings: warnings, Extend up to the maximum,
// and an end the learner is told about. Output and a visible page count as activity.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { SandboxWarning } from "../../lib/protocol";
import type { RunningApp } from "../../server/app";
import { call, connect, guestCookie, openTerminal, type TestSocket } from "../helpers/client";
import { dockerOf, leftovers, startTestApp, stopApp, until } from "../helpers/env";

const apps: RunningApp[] = [];
const sockets: TestSocket[] = [];

after(async () => {
  for (const s of sockets) s.close();
  for (const app of apps) await stopApp(app);
});

async function appWith(settings: Record<string, string>): Promise<RunningApp> {
  const app = await startTestApp({ LIFECYCLE_TICK_SECONDS: "0.5", ...settings });
  apps.push(app);
  return app;
}

async function learner(app: RunningApp) {
  const socket = await connect(app.url, await guestCookie(app.url));
  sockets.push(socket);
  const opened = await call<{ sandbox: { name: string; expiresAt: string } }>(socket, "sandbox:open");
  assert.ok(opened.ok, JSON.stringify(opened));
  const warnings: SandboxWarning[] = [];
  const ended: { reason: string; message: string }[] = [];
  socket.on("sandbox:warning", (w) => warnings.push(w));
  socket.on("sandbox:ended", (e) => ended.push(e));
  return { socket, sandbox: opened.sandbox, warnings, ended };
}


describe("hard time limit", () => {
  test("warns before the end, extends up to the maximum, then ends with a reason", async () => {
    const app = await appWith({
      SESSION_MAX_MINUTES: "0.15", // 9 s
      SESSION_EXTEND_MINUTES: "0.1", // +6 s
      SESSION_MAX_TOTAL_MINUTES: "0.25", // 15 s at most
      SESSION_WARN_MINUTES: "0.1", // warn 6 s before
      SESSION_IDLE_MINUTES: "10",
    });
    const l = await learner(app);
    await until("an expiry warning", () => l.warnings.some((w) => w.kind === "expiry"));
    const warning = l.warnings.find((w) => w.kind === "expiry")!;
    assert.equal(warning.canExtend, true);
    assert.equal(warning.endsAt, l.sandbox.expiresAt);

    const extended = await call<{ sandbox: { expiresAt: string } }>(l.socket, "sandbox:extend");
    assert.ok(extended.ok, JSON.stringify(extended));
    assert.equal(Date.parse(extended.sandbox.expiresAt) - Date.parse(l.sandbox.expiresAt), 6000);
    const refused = await call(l.socket, "sandbox:extend");
    assert.equal(refused.ok, false);
    if (!refused.ok) assert.equal(refused.error.code, "limit_reached");

    await until("the end", () => l.ended.length > 0);
    assert.equal(l.ended[0].reason, "expired");
    assert.match(l.ended[0].message, /time limit of 15 seconds/);
    assert.deepEqual(await leftovers(dockerOf(app.driver).docker, l.sandbox.name), []);
    const row = await app.db.prisma.playgroundSession.findFirstOrThrow({ where: { sandboxName: l.sandbox.name } });
    assert.equal(row.endReason, "expired");
  });
});

describe("idle timeout", () => {
  test("an unattended sandbox is warned, then stopped; activity keeps others alive", async () => {
    const app = await appWith({ SESSION_IDLE_MINUTES: "0.15", SESSION_WARN_MINUTES: "0.1" }); // idle after 9 s, warn 6 s before
    const quiet = await learner(app);
    const visible = await learner(app);
    const busy = await learner(app);
    const heartbeat = setInterval(() => visible.socket.emit("sandbox:heartbeat"), 1000);
    const t = await openTerminal(busy.socket);
    assert.ok(t.ok);
    busy.socket.on("terminal:output", (id, data) => busy.socket.emit("terminal:ack", id, (data as ArrayBuffer).byteLength));
    busy.socket.emit("terminal:input", t.terminalId, "while true; do echo building; sleep 1; done\n");
    try {
      await until("an idle warning", () => quiet.warnings.some((w) => w.kind === "idle"));
      await until("the idle end", () => quiet.ended.length > 0);
      assert.equal(quiet.ended[0].reason, "idle");
      assert.match(quiet.ended[0].message, /stopped after 9 seconds without activity/);
      assert.deepEqual(await leftovers(dockerOf(app.driver).docker, quiet.sandbox.name), []);
      await sleep(3000);
      assert.deepEqual(visible.ended, [], "a visible page counts as activity");
      assert.deepEqual(busy.ended, [], "terminal output (a long build) counts as activity");
    } finally {
      clearInterval(heartbeat);
    }
  });
});
