// A warm sandbox's first shell is opened while the pool fills, on the fake driver: the learner's
// first terminal takes it (no new shell, at the learner's size, with the welcome and prompt it
// printed while nobody looked); other terminals and root's are new shells; a shell whose
// sandbox leaves the pool unused is closed.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Sandbox } from "../../server/sandbox/driver";
import { call, connect, guestCookie, OutputCollector, openTerminal, type TestSocket } from "../helpers/client";
import { until } from "../helpers/env";
import { startFastApp, type FastApp } from "../helpers/fast";

let app: FastApp;
const sockets: TestSocket[] = [];

before(async () => {
  app = await startFastApp({ SANDBOX_POOL_SIZE: "1" });
});
after(async () => {
  for (const s of sockets) s.close();
  await app.close();
});

async function learner(): Promise<TestSocket> {
  const socket = await connect(app.url, await guestCookie(app.url));
  sockets.push(socket);
  return socket;
}

/** The one sandbox with a live shell and no learner: the warm one. */
const poolSandbox = async (): Promise<Sandbox> => {
  const sessions = await app.db.prisma.playgroundSession.findMany({ where: { state: "ready" } });
  const listed = (await app.fake.list()).filter((s) => !sessions.some((row) => row.sandboxId === s.id));
  assert.equal(listed.length, 1, "one warm sandbox");
  return listed[0];
};

test("the learner's first terminal is the shell opened ahead in the warm sandbox, sized to their window", async () => {
  await until("a warm sandbox with its shell", () => app.pool.readyCount === 1 && app.warmShells.count === 1);
  const warm = await poolSandbox();
  const ahead = app.fake.shellsOf(warm);
  assert.equal(ahead.length, 1, "one shell opened ahead, before any learner");

  const socket = await learner();
  const opened = await call<{ sandbox: { name: string } }>(socket, "sandbox:open");
  assert.ok(opened.ok);
  assert.equal(opened.sandbox.name, warm.name, "the warm sandbox");
  const t = await openTerminal(socket, { cols: 91, rows: 27 });
  assert.ok(t.ok, JSON.stringify(t));
  assert.equal(app.fake.shellsOf(warm).length, 1, "no new shell");
  const out = new OutputCollector(socket, t.terminalId);
  await out.waitFor(/Welcome to your \(fake\) sandbox\.\r\n.*ubuntu@sbx-\w+:~\$ $/s);
  socket.emit("terminal:input", t.terminalId, "stty size\r");
  await out.waitFor(/stty size\r\n27 91\r\n/);
  assert.match(ahead[0].typed, /stty size/, "typed into the shell opened ahead");

  // A second terminal, and root's, are new shells.
  const second = await openTerminal(socket);
  assert.ok(second.ok);
  const root = await new Promise<{ ok: boolean }>((resolve) => socket.emit("terminal:open", { cols: 80, rows: 24, user: "root" }, resolve as never));
  assert.ok(root.ok);
  assert.equal(app.fake.shellsOf(warm).length, 3);
  assert.ok((await call(socket, "sandbox:end")).ok);
});

test("a warm sandbox that leaves the pool without a learner takes its shell with it", async () => {
  await until("the pool refilled, with a shell", () => app.pool.readyCount === 1 && app.warmShells.count === 1);
  const warm = await poolSandbox();
  const [shell] = app.fake.shellsOf(warm);
  await app.pool.resize(0);
  assert.equal(app.warmShells.count, 0);
  assert.ok(shell.destroyed, "the shell's stream is closed");
});

test("a learner arriving without a warm sandbox gets a new shell as before", async () => {
  const socket = await learner();
  assert.ok((await call(socket, "sandbox:open")).ok);
  const t = await openTerminal(socket);
  assert.ok(t.ok);
  const out = new OutputCollector(socket, t.terminalId);
  await out.waitFor(/ubuntu@sbx-\w+:~\$ $/);
  assert.ok((await call(socket, "sandbox:end")).ok);
});
