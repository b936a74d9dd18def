// Docker events, not polling: memory exhaustion inside a sandbox is told to the learner, and
// a sandbox that dies ends its session with a reason the learner can read.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startApp, type RunningApp } from "../../server/app";
import { OOM_NOTICE } from "../../server/lifecycle/events";
import { call, connect, guestCookie, OutputCollector, openTerminal, type TestSocket, PROMPT } from "../helpers/client";
import { dockerOf, log, requireDocker, requireSandboxImage, stopApp, testConfig } from "../helpers/env";

let app: RunningApp;
let socket: TestSocket;

before(async () => {
  const docker = await requireDocker();
  const image = await requireSandboxImage(docker);
  app = await startApp(testConfig({ SANDBOX_IMAGE: image.ref, SANDBOX_MEMORY_MB: "384" }), log, { withNext: false });
  socket = await connect(app.url, await guestCookie(app.url));
});

after(async () => {
  socket?.close();
  if (app) await stopApp(app);
});

function next<T>(event: "sandbox:notice" | "sandbox:ended", timeoutMs = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    (socket.once as (e: string, f: (v: T) => void) => void)(event, (v) => {
      clearTimeout(timer);
      resolve(v);
    });
  });
}

test("running out of memory inside a sandbox is reported; the sandbox keeps running", async () => {
  const opened = await call<{ sandbox: { name: string } }>(socket, "sandbox:open");
  assert.ok(opened.ok);
  const t = await openTerminal(socket);
  assert.ok(t.ok);
  const out = new OutputCollector(socket, t.terminalId);
  await out.waitFor(PROMPT);
  const notice = next<{ message: string }>("sandbox:notice");
  // `tail` keeps a whole line in memory: a 1 GB line exceeds the 384 MB limit.
  socket.emit("terminal:input", t.terminalId, "head -c 1000m /dev/zero | tail > /dev/null; echo exit-$?\n");
  assert.equal((await notice).message, OOM_NOTICE);
  await out.waitFor(/^exit-137\r?$/m);
  socket.emit("terminal:input", t.terminalId, "echo alive-$((1+1))\n");
  await out.waitFor(/^alive-2\r?$/m);
});

test("a sandbox that dies ends its session, and the learner is told why", async () => {
  const row = await app.db.prisma.playgroundSession.findFirstOrThrow({ where: { state: "ready" } });
  const ended = next<{ reason: string; message: string }>("sandbox:ended");
  await dockerOf(app.driver).docker.getContainer(row.sandboxId!).kill();
  const info = await ended;
  assert.equal(info.reason, "error");
  assert.match(info.message, /stopped unexpectedly/);
  const after = await app.db.prisma.playgroundSession.findUniqueOrThrow({ where: { id: row.id } });
  assert.equal(after.state, "ended");
  assert.equal(after.endReason, "error");
  assert.match(after.errorDetail ?? "", /exit code/);
});
