// Terminals over the socket, on the fake driver: open, type, resize, flow control, the cap per
// learner, a reload that restores the screen, output held back while nobody looks, watchers.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Ack, TerminalOpened } from "../../lib/protocol";
import { call, connect, guestCookie, OutputCollector, openTerminal, type TestSocket } from "../helpers/client";
import { until } from "../helpers/env";
import { startFastApp, type FastApp } from "../helpers/fast";

let app: FastApp;
const sockets: TestSocket[] = [];

before(async () => {
  app = await startFastApp({ LIMIT_TERMINALS_PER_LEARNER: "3", TERMINAL_GRACE_SECONDS: "60" });
});
after(async () => {
  for (const s of sockets) s.close();
  await app.close();
});

async function learner(cookie?: string) {
  cookie ??= await guestCookie(app.url);
  const socket = await connect(app.url, cookie);
  sockets.push(socket);
  return { socket, cookie };
}

test("a terminal opens at a prompt, echoes what is typed and runs it", async () => {
  const { socket } = await learner();
  assert.ok((await call(socket, "sandbox:open")).ok);
  const t = await openTerminal(socket);
  assert.ok(t.ok);
  const out = new OutputCollector(socket, t.terminalId);
  await out.waitFor(/ubuntu@sbx-\w+:~\$ $/);
  socket.emit("terminal:input", t.terminalId, "echo hello-fast\r");
  await out.waitFor(/echo hello-fast\r\nhello-fast\r\n/);
});

test("a scenario's page opens root's shell in /root; without a user it is ubuntu's", async () => {
  const { socket } = await learner();
  assert.ok((await call(socket, "sandbox:open")).ok);
  const root = await openTerminal(socket, { cols: 100, rows: 30, user: "root" });
  assert.ok(root.ok);
  await new OutputCollector(socket, root.terminalId).waitFor(/root@sbx-\w+:~# $/);
  const plain = await openTerminal(socket, { cols: 100, rows: 30 });
  assert.ok(plain.ok);
  await new OutputCollector(socket, plain.terminalId).waitFor(/ubuntu@sbx-\w+:~\$ $/);
  // Its room goes back: the fake server holds as many sandboxes as this file's other tests use.
  assert.ok((await call(socket, "sandbox:end")).ok);
});

test("bad payloads are refused with a reason; another learner's terminal id finds nothing", async () => {
  const a = await learner();
  const b = await learner();
  assert.ok((await call(a.socket, "sandbox:open")).ok);
  assert.ok((await call(b.socket, "sandbox:open")).ok);
  const bad = await openTerminal(a.socket, { cols: 99999, rows: 3 });
  assert.ok(!bad.ok && bad.error.code === "bad_request");
  const badUser = await openTerminal(a.socket, { cols: 80, rows: 24, user: "daemon" });
  assert.ok(!badUser.ok && badUser.error.code === "bad_request", "a shell is ubuntu's or root's, nobody else's");
  const theirs = await openTerminal(b.socket);
  assert.ok(theirs.ok);
  const stolen = await new Promise<Ack<TerminalOpened>>((resolve) => a.socket.emit("terminal:attach", theirs.terminalId, { cols: 80, rows: 24 }, resolve));
  assert.ok(!stolen.ok && stolen.error.code === "terminal_gone");
});

test("one cap on terminals per learner, over all their tabs", async () => {
  const first = await learner();
  assert.ok((await call(first.socket, "sandbox:open")).ok);
  const second = await learner(first.cookie);
  const results = [];
  for (const s of [first.socket, second.socket, first.socket, second.socket]) results.push(await openTerminal(s));
  assert.deepEqual(results.map((r) => r.ok), [true, true, true, false]);
  assert.equal(!results[3].ok && results[3].error.code, "limit_reached");
});

test("the window size follows the browser's; a burst of resizes is applied once, last one wins", async () => {
  const { socket } = await learner();
  assert.ok((await call(socket, "sandbox:open")).ok);
  const t = await openTerminal(socket);
  assert.ok(t.ok);
  const out = new OutputCollector(socket, t.terminalId);
  await out.waitFor(/\$ $/);
  for (let cols = 81; cols <= 120; cols++) socket.emit("terminal:resize", t.terminalId, { cols, rows: 33 });
  await until("the last size applies", async () => {
    const mark = out.mark();
    socket.emit("terminal:input", t.terminalId, "stty size\r");
    await out.waitSince(mark, /\d+ \d+\r\n/);
    return /33 120/.test(out.since(mark));
  });
});

/** The learner's live terminal with this id, from the server's registry. */
async function terminalOf(sandboxName: string, terminalId: string) {
  const row = await app.db.prisma.playgroundSession.findFirstOrThrow({ where: { sandboxName } });
  return app.registry.forUser(row.userId).find((x) => x.id === terminalId);
}

test("a reload gets the same shell and its screen back; output nobody looks at waits", async () => {
  const { socket, cookie } = await learner();
  const opened = await call<{ sandbox: { name: string } }>(socket, "sandbox:open");
  assert.ok(opened.ok);
  const t = await openTerminal(socket);
  assert.ok(t.ok);
  const out = new OutputCollector(socket, t.terminalId);
  socket.emit("terminal:input", t.terminalId, "echo before-reload\r");
  await out.waitFor(/before-reload\r\n/);
  socket.emit("terminal:input", t.terminalId, "yes flood\r");
  await out.waitFor(/flood\r\nflood/);
  socket.close();
  const term = await terminalOf(opened.sandbox.name, t.terminalId);
  assert.ok(term, "the shell outlives the tab");
  await until("output is held back", () => term.outputPaused);
  const again = await learner(cookie);
  const attached = await new Promise<Ack<TerminalOpened>>((resolve) => again.socket.emit("terminal:attach", t.terminalId, { cols: 80, rows: 24 }, resolve));
  assert.ok(attached.ok);
  const back = new OutputCollector(again.socket, t.terminalId);
  await back.waitFor(/before-reload/);
  again.socket.emit("terminal:input", t.terminalId, "\x03");
  await back.waitFor(/\^C\r\n.*\$ $/s);
  assert.equal(term.outputPaused, false);
});

test("flow control: a client that never acknowledges pauses the shell at its window; acks resume it", async () => {
  const { socket } = await learner();
  const opened = await call<{ sandbox: { name: string } }>(socket, "sandbox:open");
  assert.ok(opened.ok);
  const t = await openTerminal(socket);
  assert.ok(t.ok);
  const out = new OutputCollector(socket, t.terminalId, { ack: false });
  await out.waitFor(/\$ $/);
  const term = (await terminalOf(opened.sandbox.name, t.terminalId))!;
  socket.emit("terminal:input", t.terminalId, "yes\r");
  await until("the shell is paused at the window", () => term.outputPaused);
  assert.ok(out.unacked <= 1024 * 1024, `the server sent at most its window and a frame: ${out.unacked}`);
  socket.emit("terminal:input", t.terminalId, "\x03");
  socket.emit("terminal:ack", t.terminalId, out.unacked);
  out.ackEnabled = true;
  await out.waitFor(/\^C/);
});
