// The server restarts while sandboxes run: on start it re-adopts live sandboxes, removes
// orphans, marks vanished ones ended, and learners get their same sandbox back.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startApp, type RunningApp } from "../../server/app";
import { openDatabase } from "../../server/db";
import { call, connect, guestCookie, OutputCollector, openTerminal, type TestSocket } from "../helpers/client";
import { dockerOf, leftovers, log, requireDocker, requireSandboxImage, stopApp, testConfig } from "../helpers/env";

let config: ReturnType<typeof testConfig>;
let app: RunningApp | null = null;
const sockets: TestSocket[] = [];

before(async () => {
  const docker = await requireDocker();
  const image = await requireSandboxImage(docker);
  config = testConfig({ SANDBOX_IMAGE: image.ref });
});

after(async () => {
  for (const s of sockets) s.close();
  if (app) await stopApp(app);
});

async function learnerWithSandbox(url: string) {
  const cookie = await guestCookie(url);
  const socket = await connect(url, cookie);
  sockets.push(socket);
  const opened = await call<{ sandbox: { name: string } }>(socket, "sandbox:open");
  assert.ok(opened.ok, JSON.stringify(opened));
  return { cookie, socket, name: opened.sandbox.name };
}

test("restart: live sandboxes are re-adopted, orphans removed, vanished ones ended", async () => {
  const first = await startApp(config, log, { withNext: false });
  const kept = await learnerWithSandbox(first.url);
  const vanished = await learnerWithSandbox(first.url);
  const orphaned = await learnerWithSandbox(first.url);
  const keptRow = await first.db.prisma.playgroundSession.findFirstOrThrow({ where: { sandboxName: kept.name } });
  await first.driver.run({ id: keptRow.sandboxId!, name: kept.name }, { cmd: ["sh", "-c", "echo survived-restart > /home/ubuntu/work.txt"], user: "ubuntu" });
  for (const s of [kept, vanished, orphaned]) s.socket.close();
  await first.close(); // sandboxes keep running without a server

  const docker = dockerOf(first.driver).docker;
  await docker.getContainer(`cp-${vanished.name}`).remove({ force: true }); // gone by hand (volume left behind)
  const db = await openDatabase(config.database);
  await db.prisma.playgroundSession.deleteMany({ where: { sandboxName: orphaned.name } }); // its row is lost
  await db.close();

  app = await startApp(config, log, { withNext: false });
  const rows = await app.db.prisma.playgroundSession.findMany();
  const byName = (name: string) => rows.find((r) => r.sandboxName === name);
  assert.equal(byName(kept.name)?.state, "ready", "the live sandbox is re-adopted");
  assert.equal(byName(vanished.name)?.state, "ended");
  assert.equal(byName(vanished.name)?.endReason, "error");
  assert.match(byName(vanished.name)?.errorDetail ?? "", /vanished/);
  assert.deepEqual(await leftovers(docker, vanished.name), [], "the vanished sandbox's volume is cleaned up");
  assert.deepEqual(await leftovers(docker, orphaned.name), [], "the orphan is removed");
  assert.notDeepEqual(await leftovers(docker, kept.name), [], "the re-adopted sandbox still runs");

  // The learner comes back to the same sandbox, with their files.
  const socket = await connect(app.url, kept.cookie);
  sockets.push(socket);
  const again = await call<{ sandbox: { name: string } }>(socket, "sandbox:open");
  assert.ok(again.ok);
  assert.equal(again.sandbox.name, kept.name);
  const t = await openTerminal(socket);
  assert.ok(t.ok);
  const out = new OutputCollector(socket, t.terminalId);
  socket.emit("terminal:input", t.terminalId, "cat ~/work.txt\n");
  await out.waitFor(/^survived-restart\r?$/m);
});
