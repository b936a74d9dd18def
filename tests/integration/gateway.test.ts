// The terminal gateway against a real server, database and sandbox: authentication,
// ownership, terminal I/O, flow control, reset and end.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { startApp, type RunningApp } from "../../server/app";
import { call, connect, guestCookie, OutputCollector, openTerminal, renderScreen, newLearner, type TestSocket, PROMPT } from "../helpers/client";
import { dockerOf, leftovers, log, requireDocker, requireSandboxImage, testConfig } from "../helpers/env";

let app: RunningApp;
const sockets: TestSocket[] = [];

before(async () => {
  const docker = await requireDocker();
  const image = await requireSandboxImage(docker);
  app = await startApp(testConfig({ SANDBOX_IMAGE: image.ref, TERMINAL_GRACE_SECONDS: "3" }), log, { withNext: false });
});

after(async () => {
  for (const s of sockets) s.close();
  if (!app) return;
  // Remove every sandbox this test run created.
  const users = await app.db.prisma.user.findMany();
  for (const u of users) await app.service.end(u.id, "admin");
  await app.close();
});

const learner = () => newLearner(app.url, sockets);

describe("authentication", () => {
  test("a connection without a cookie gets an error and no shell", async () => {
    await assert.rejects(connect(app.url), (err: { code?: string }) => err.code === "unauthorized");
  });

  test("a forged cookie gets an error and no shell", async () => {
    const real = await guestCookie(app.url);
    const forged = real.replace(/\.[^.]+$/, ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    await assert.rejects(connect(app.url, forged), (err: { code?: string }) => err.code === "unauthorized");
    const otherUser = real.replace(/cp_guest=g_[^.]+/, "cp_guest=g_someoneelse12");
    await assert.rejects(connect(app.url, otherUser), (err: { code?: string }) => err.code === "unauthorized");
  });

  test("/api/guest keeps an existing identity", async () => {
    const cookie = await guestCookie(app.url);
    const res = await fetch(`${app.url}/api/guest`, { method: "POST", headers: { cookie, "content-type": "application/json" }, body: "{}" });
    assert.equal(res.headers.get("set-cookie"), null);
    assert.deepEqual(await res.json(), { ok: true, created: false });
  });
});

test("/api/health reports database, Docker engine and image", async () => {
  const res = await fetch(`${app.url}/api/health`);
  const body = await res.json();
  assert.equal(res.status, 200);
  assert.equal(body.ok, true);
  assert.equal(body.database.ok, true);
  assert.equal(body.docker.ok, true);
  assert.equal(body.image.ok, true);
  assert.equal((await fetch(`${app.url}/api/nope`)).status, 404);
});

describe("a learner's terminal", () => {
  let a: TestSocket;
  let terminalId: string;
  let out: OutputCollector;
  let sandboxName: string;

  before(async () => {
    ({ socket: a } = await learner());
    const opened = await call<{ sandbox: { name: string } }>(a, "sandbox:open");
    assert.ok(opened.ok, JSON.stringify(opened));
    sandboxName = opened.sandbox.name;
    const t = await openTerminal(a);
    assert.ok(t.ok, JSON.stringify(t));
    terminalId = t.terminalId;
    out = new OutputCollector(a, terminalId);
    await out.waitFor(PROMPT);
  });

  test("input reaches a bash shell as ubuntu in the learner's sandbox", async () => {
    a.emit("terminal:input", terminalId, "echo \"$(whoami)@$(hostname):$PWD sum=$((40+2))\"\n");
    await out.waitFor(new RegExp(`ubuntu@${sandboxName}:/home/ubuntu sum=42`));
  });

  test("opening again returns the same sandbox", async () => {
    const again = await call<{ sandbox: { name: string } }>(a, "sandbox:open");
    assert.ok(again.ok);
    assert.equal(again.sandbox.name, sandboxName);
  });

  test("bad payloads are refused without harm", async () => {
    const bad = await openTerminal(a, { cols: "wide", rows: -1 });
    assert.equal(bad.ok, false);
    a.emit("terminal:input", "not-a-terminal", "x");
    a.emit("terminal:resize", terminalId, { cols: 1e9, rows: 0 });
    a.emit("terminal:ack", terminalId, -100);
    a.emit("terminal:input", terminalId, "echo still-$((6*7))\n");
    await out.waitFor(/still-42/);
  });

  test("another learner cannot reach this sandbox", async () => {
    const { socket: b } = await learner();
    const t = await openTerminal(b);
    assert.equal(t.ok, false, "a learner with no sandbox gets no terminal");
    if (!t.ok) assert.equal(t.error.code, "no_sandbox");
    b.emit("terminal:input", terminalId, "touch /tmp/intruder\n");
    await sleep(500);
    a.emit("terminal:input", terminalId, "test -e /tmp/intruder && echo INTRUDED-$((1+1)) || echo CLEAN-$((1+1))\n");
    await out.waitFor(/INTRUDED-2|CLEAN-2/);
    assert.doesNotMatch(out.text, /INTRUDED-2/);
  });

  test("flow control: `yes` without acks stops at the window; Ctrl-C gets the prompt back", async () => {
    const flood = new OutputCollector(a, terminalId, { ack: false });
    out.ackEnabled = false;
    a.emit("terminal:input", terminalId, "yes flood-line\n");
    await flood.waitFor(/flood-line\r\nflood-line/);
    await sleep(2000);
    const received = flood.bytes;
    assert.ok(received < 2 * 1024 * 1024, `unacked output is bounded, got ${received} bytes`);
    await sleep(500);
    assert.ok(flood.bytes - received < 512 * 1024, "output stays paused while nothing is acknowledged");
    a.emit("terminal:input", terminalId, "\x03");
    out.ackEnabled = true;
    a.emit("terminal:ack", terminalId, flood.unacked);
    a.emit("terminal:input", terminalId, "echo after-$((2+3))\n");
    await flood.waitFor(/after-5/, 30_000);
  });

  test("a dropped connection loses nothing: re-attach replays the screen, then live output", async () => {
    const cookie = await guestCookie(app.url);
    const first = await connect(app.url, cookie);
    sockets.push(first);
    assert.ok((await call(first, "sandbox:open")).ok);
    const t = await openTerminal(first);
    assert.ok(t.ok);
    const before = new OutputCollector(first, t.terminalId);
    await before.waitFor(PROMPT);
    first.emit("terminal:input", t.terminalId, "for i in $(seq 1 150); do echo n-$i; sleep 0.01; done; echo fin-$((1+1))\n");
    await before.waitFor(/^n-20\r?$/m);
    first.disconnect(); // the program keeps running while nobody watches

    const second = await connect(app.url, cookie);
    sockets.push(second);
    assert.ok((await call(second, "sandbox:open")).ok);
    const after = new OutputCollector(second, t.terminalId);
    const attached = await new Promise<{ ok: boolean }>((resolve) => second.emit("terminal:attach", t.terminalId, { cols: 120, rows: 30 }, resolve));
    assert.ok(attached.ok, "the shell is still there");
    await after.waitFor(/^fin-2\r?$/m);
    // Render what the re-attached client received, as its terminal would.
    const lines = await renderScreen(after.text, 120, 30);
    for (let i = 1; i <= 150; i++) {
      const count = lines.filter((l) => l === `n-${i}`).length;
      assert.equal(count, 1, `line n-${i} appears exactly once after re-attaching (got ${count})`);
    }
  });

  test("a shell nobody watches ends after the grace period; others cannot attach to it", async () => {
    const cookie = await guestCookie(app.url);
    const owner = await connect(app.url, cookie);
    sockets.push(owner);
    assert.ok((await call(owner, "sandbox:open")).ok);
    const t = await openTerminal(owner);
    assert.ok(t.ok);
    const stranger = await learner();
    const foreign = await new Promise<{ ok: boolean; error?: { code: string } }>((resolve) =>
      stranger.socket.emit("terminal:attach", t.terminalId, { cols: 80, rows: 24 }, resolve),
    );
    assert.equal(foreign.ok, false);
    assert.equal(foreign.error?.code, "terminal_gone", "another learner's shell looks like no shell at all");
    owner.disconnect();
    await sleep(4500); // grace period is 3 s in this suite
    const again = await connect(app.url, cookie);
    sockets.push(again);
    const late = await new Promise<{ ok: boolean; error?: { code: string } }>((resolve) =>
      again.emit("terminal:attach", t.terminalId, { cols: 80, rows: 24 }, resolve),
    );
    assert.equal(late.ok, false);
    assert.equal(late.error?.code, "terminal_gone");
  });

  test("reset replaces the sandbox; end removes it and says why", async () => {
    const ended: string[] = [];
    a.on("sandbox:ended", ({ reason }) => ended.push(reason));
    const reset = await call<{ sandbox: { name: string } }>(a, "sandbox:reset");
    assert.ok(reset.ok, JSON.stringify(reset));
    assert.notEqual(reset.sandbox.name, sandboxName);
    assert.deepEqual(await leftovers(dockerOf(app.driver).docker, sandboxName), []);
    const oldRow = await app.db.prisma.playgroundSession.findFirst({ where: { sandboxName } });
    assert.equal(oldRow?.state, "ended");
    assert.equal(oldRow?.endReason, "reset");

    const end = await call<object>(a, "sandbox:end");
    assert.ok(end.ok);
    assert.deepEqual(await leftovers(dockerOf(app.driver).docker, reset.sandbox.name), []);
    const row = await app.db.prisma.playgroundSession.findFirst({ where: { sandboxName: reset.sandbox.name } });
    assert.equal(row?.endReason, "user");
    await sleep(100);
    assert.deepEqual(ended, ["reset", "user"]);
    const t = await openTerminal(a);
    assert.equal(t.ok, false, "no terminal after the session ended");
  });
});
