// The warm pool hands out sandboxes that already run, and refills; capacity queues the rest.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { RunningApp } from "../../server/app";
import { call, connect, guestCookie, OutputCollector, openTerminal, type TestSocket } from "../helpers/client";
import { engineLeftovers, startTestApp, stopApp, until } from "../helpers/env";

/** Pool sandboxes boot in the background; give them the same 90 s as before. */
const POOL_WAIT_MS = 90_000;
const apps: RunningApp[] = [];
const sockets: TestSocket[] = [];

after(async () => {
  for (const s of sockets) s.close();
  for (const app of apps) await stopApp(app);
});

async function appWith(settings: Record<string, string>): Promise<RunningApp> {
  const app = await startTestApp(settings);
  apps.push(app);
  return app;
}


async function learnerSocket(app: RunningApp): Promise<TestSocket> {
  const socket = await connect(app.url, await guestCookie(app.url));
  sockets.push(socket);
  return socket;
}

describe("warm pool", () => {
  test("learners get sandboxes that were already running; the pool refills", async () => {
    const app = await appWith({ SANDBOX_POOL_SIZE: "2", SANDBOX_POOL_CONCURRENCY: "2" });
    await until("a full pool", () => app.pool.readyCount === 2, POOL_WAIT_MS);
    const before = new Set((await app.driver.list()).map((s) => s.id));

    const opened = [];
    for (let i = 0; i < 2; i++) {
      const res = await call<{ sandbox: { name: string } }>(await learnerSocket(app), "sandbox:open");
      assert.ok(res.ok, JSON.stringify(res));
      opened.push(res.sandbox.name);
    }
    const rows = await app.db.prisma.playgroundSession.findMany({ where: { sandboxName: { in: opened } } });
    assert.equal(rows.length, 2);
    for (const row of rows) {
      assert.ok(before.has(row.sandboxId!), `${row.sandboxName} existed before the learner asked`);
      assert.equal(row.state, "ready");
    }
    await until("the pool to refill", () => app.pool.readyCount === 2, POOL_WAIT_MS);
    const names = (await app.driver.list()).map((s) => s.name);
    assert.equal(names.length, 4, "two in use, two waiting");

    // Ending a pooled session removes its container like any other.
    const socket = sockets.at(-1)!;
    assert.ok((await call(socket, "sandbox:end")).ok);
    assert.deepEqual(await engineLeftovers(app.driver, opened[1]), []);
  });
});

// A warm sandbox's first shell is opened while the pool fills (terminal/warm-shells.ts), typed
// into like any other: in both profiles, the learner's first terminal costs no engine exec,
// has the welcome text and prompt, the learner's window size, and runs what is typed as
// ubuntu in the learner's own world. Also held by tmux (TERMINAL_HOLDER=tmux, as in
// docker-compose.yml), where it must be a held shell that another server could attach to.
for (const [profile, holder] of [["hardened", "none"], ["trusted", "none"], ["hardened", "tmux"]] as const) {
  describe(`the first shell, opened ahead (${profile}, holder ${holder})`, () => {
    test("the learner's first terminal is the shell already waiting in the warm sandbox", async () => {
      const app = await appWith({ SANDBOX_POOL_SIZE: "1", SANDBOX_PROFILE: profile, TERMINAL_HOLDER: holder });
      await until("a warm sandbox with its shell", () => app.pool.readyCount === 1 && app.warmShells.count === 1, POOL_WAIT_MS);
      // Count the engine's TTY execs from now on.
      let execs = 0;
      const openTty = app.driver.openTty.bind(app.driver);
      app.driver.openTty = (...args) => (execs++, openTty(...args));

      const socket = await learnerSocket(app);
      assert.ok((await call(socket, "sandbox:open")).ok);
      const t = await openTerminal(socket, { cols: 93, rows: 28 });
      assert.ok(t.ok, JSON.stringify(t));
      assert.equal(execs, 0, "no exec at the learner's arrival");
      const out = new OutputCollector(socket, t.terminalId);
      await out.waitFor(/ubuntu@sbx-\w+\S*:\S*~\S*\$ /, POOL_WAIT_MS);
      assert.match(out.text, /docker run hello-world/, "the welcome text");
      const mark = out.mark();
      socket.emit("terminal:input", t.terminalId, "echo $(id -un) $(stty size) ahead-$((6*7))\r");
      await out.waitSince(mark, /ubuntu 28 93 ahead-42\r?\n/);
      assert.equal(execs, 0);
      if (holder === "tmux") {
        const row = await app.db.prisma.playgroundSession.findFirstOrThrow({ where: { state: "ready" } });
        const held = await app.driver.run({ id: row.sandboxId!, name: row.sandboxName }, { cmd: ["tmux", "-L", "cp", "has-session", "-t", `=${t.terminalId}`], user: "ubuntu" });
        assert.equal(held.exitCode, 0, "held by tmux under the terminal's id");
      }

      // The next terminal is a new shell.
      const second = await openTerminal(socket);
      assert.ok(second.ok);
      assert.equal(execs, 1);
      assert.ok((await call(socket, "sandbox:end")).ok);
    });
  });
}

describe("capacity", () => {
  test("past the maximum a learner is queued with a live position, and served when a sandbox ends", async () => {
    const app = await appWith({ SANDBOX_MAX: "2", SANDBOX_POOL_SIZE: "0" });
    const a = await learnerSocket(app);
    const b = await learnerSocket(app);
    for (const learner of [a, b]) {
      const opened = await call(learner, "sandbox:open");
      assert.ok(opened.ok, JSON.stringify(opened));
    }

    const c = await learnerSocket(app);
    const d = await learnerSocket(app);
    const positions = { c: [] as (number | undefined)[], d: [] as (number | undefined)[] };
    c.on("sandbox:status", (s) => s.phase === "queued" && positions.c.push(s.position));
    d.on("sandbox:status", (s) => s.phase === "queued" && positions.d.push(s.position));
    const cOpen = call<{ sandbox: { name: string } }>(c, "sandbox:open");
    await until("c to be queued", () => positions.c.length > 0, POOL_WAIT_MS);
    void call(d, "sandbox:open"); // d leaves before it is served: no answer is expected
    await until("d to be queued", () => positions.d.length > 0, POOL_WAIT_MS);
    assert.deepEqual(positions.c, [1]);
    assert.deepEqual(positions.d, [2]);

    assert.ok((await call(a, "sandbox:end")).ok);
    const cRes = await cOpen;
    assert.ok(cRes.ok, "c gets the freed capacity");
    await until("d to move up", () => positions.d.at(-1) === 1, POOL_WAIT_MS);

    d.disconnect(); // leaving the queue frees the place
    assert.ok((await call(b, "sandbox:end")).ok);
    await sleep(500);
    const active = await app.db.prisma.playgroundSession.count({ where: { state: { in: ["creating", "ready"] } } });
    assert.equal(active, 1, "only c runs: nobody who left was given a sandbox");
    assert.equal(app.slots.inUse, 1);
  });
});
