// TERMINAL_HOLDER=tmux, in both profiles, typed in a real TTY: a learner's shell outlives the
// app server that opened it. The server goes away mid-session; another one (same database,
// same engine) attaches to the same shell when the page comes back, with its screen, its
// working directory and its variables; nothing is typed twice. Nobody can attach to a terminal
// that is not theirs, or invent one; after the grace period without the learner, the held
// shell ends.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { startApp, type RunningApp } from "../../server/app";
import type { Config } from "../../server/config";
import { call, connect, guestCookie, OutputCollector, newLearner, openTerminal, renderScreen, type TestSocket } from "../helpers/client";
import { log, requireDocker, requireSandboxImage, stopApp, testConfig, until } from "../helpers/env";
import { freshPostgresDatabase, type TestPostgres } from "../helpers/postgres";
import { httpClient, staffCall, staffLogin, staffSocket, startWatch, workshopBody } from "../helpers/staff";

const PROMPT_MARK = "\x1b]6973;prompt\x07";
/** The prompt, then whatever modes tmux sets after it (bracketed paste and the like). */
const PROMPT = /\$ (?:\x1b\[\??[0-9;]*[a-zA-Z])*$/;
let image: string;
before(async () => {
  image = (await requireSandboxImage(await requireDocker())).ref;
});

for (const profile of ["hardened", "trusted"] as const) {
  describe(`held shells (${profile})`, () => {
    const sockets: TestSocket[] = [];
    const apps: RunningApp[] = [];
    let config: Config;
    after(async () => {
      for (const s of sockets) s.close();
      for (const a of apps.reverse()) await stopApp(a).catch(() => undefined);
    });
    const learnerOn = (app: RunningApp, cookie?: string) => newLearner(app.url, sockets, cookie);
    const attach = (socket: TestSocket, id: string) =>
      new Promise<{ ok: boolean; terminalId?: string; error?: { code: string } }>((resolve) =>
        (socket.emit as (e: string, id: string, size: unknown, cb: (r: never) => void) => void)("terminal:attach", id, { cols: 100, rows: 30 }, resolve),
      );

    test("the shell outlives its app server: another server attaches to it, with its screen and state; it ends when closed for good", async () => {
      config = testConfig({ SANDBOX_IMAGE: image, SANDBOX_PROFILE: profile, TERMINAL_HOLDER: "tmux", SERVER_ID: "holder-a" });
      const first = await startApp(config, log, { withNext: false });
      const lin = await learnerOn(first);
      const linSandbox = await call<{ sandbox: { name: string } }>(lin.socket, "sandbox:open");
      assert.ok(linSandbox.ok);
      const opened = await openTerminal(lin.socket, { cols: 100, rows: 30 });
      assert.ok(opened.ok, JSON.stringify(opened));
      const out = new OutputCollector(lin.socket, opened.terminalId);
      await out.waitFor(PROMPT);
      assert.ok(out.text.includes(PROMPT_MARK), "the prompt marker (the lesson player's cue) passes through tmux");
      lin.socket.emit("terminal:input", opened.terminalId, "cd /tmp && X=held-$((40+2)) && echo marker-$X\r");
      await out.waitFor(/marker-held-42\r?\n/); // (the command line says marker-$X)
      lin.socket.close();
      // The server goes away without ending anything (a restart, a crash, a replaced replica).
      await first.close();

      // (A short grace period: the end of this test waits for it.)
      const second = await startApp({ ...config, serverId: "holder-b", terminalGraceMs: 1000 }, log, { withNext: false });
      apps.push(second);
      const back = await learnerOn(second, lin.cookie);
      assert.ok((await call(back.socket, "sandbox:open")).ok);
      const again = await attach(back.socket, opened.terminalId);
      assert.ok(again.ok, `the same shell, through another server: ${JSON.stringify(again)}`);
      assert.equal(again.terminalId, opened.terminalId);
      const screen = new OutputCollector(back.socket, opened.terminalId);
      await screen.waitFor(/marker-held-42/); // tmux redraws the screen the learner left
      back.socket.emit("terminal:input", opened.terminalId, "echo again-$X in $(pwd)\r");
      await screen.waitFor(/again-held-42 in \/tmp\r?\n/);
      // What the learner sees (tmux may redraw more than once while the size settles).
      const lines = await renderScreen(screen.text, 100, 30);
      assert.equal(lines.filter((l) => l === "marker-held-42").length, 1, `the old screen once, nothing run twice:\n${lines.join("\n")}`);
      assert.equal(lines.filter((l) => l === "again-held-42 in /tmp").length, 1);

      // Attacks: an id that was never a terminal, and Lin's id asked by another learner.
      assert.equal((await attach(back.socket, randomUUID())).error?.code, "terminal_gone");
      const ben = await learnerOn(second);
      assert.ok((await call(ben.socket, "sandbox:open")).ok);
      assert.equal((await attach(ben.socket, opened.terminalId)).error?.code, "terminal_gone", "Ben cannot reach Lin's shell");

      // Lin leaves for good: after the grace period the held shell ends, and cannot be attached to.
      const row = await second.db.prisma.playgroundSession.findFirstOrThrow({ where: { sandboxName: linSandbox.sandbox.name } });
      const held = () => second.driver.run({ id: row.sandboxId!, name: row.sandboxName }, { cmd: ["tmux", "-L", "cp", "has-session", "-t", `=${opened.terminalId}`], user: "ubuntu" });
      assert.equal((await held()).exitCode, 0, "tmux holds the shell");
      back.socket.close();
      await until("the held shell ends after the grace period", async () => (await held()).exitCode !== 0);
      const last = await learnerOn(second, lin.cookie);
      assert.equal((await attach(last.socket, opened.terminalId)).error?.code, "terminal_gone");
    });
  });
}

// The instructor's live view when their dashboard and the learner's page are on different app
// servers (behind a balancer): the instructor's server opens tmux's read-only client on the
// learner's held shell. (The holder's attach is typed into in both profiles above; this is
// about which server serves whom, the same in both.)
describe("watching a held shell from another app server", () => {
  const ADMIN = { email: "holder@example.org", password: "correct horse battery" };
  const sockets: { close(): unknown }[] = [];
  const apps: RunningApp[] = [];
  let database: TestPostgres | undefined;
  after(async () => {
    for (const s of sockets) s.close();
    for (const a of apps.reverse()) await stopApp(a).catch(() => undefined);
    await database?.drop();
  });

  test("the instructor on server b watches, read-only, a shell served by server a; the learner sees who watches", async () => {
    // Several servers share PostgreSQL (its LISTEN/NOTIFY carries the events between them).
    database = await freshPostgresDatabase();
    const config = testConfig({ DATABASE_URL: database.url, SANDBOX_IMAGE: image, TERMINAL_HOLDER: "tmux", SERVER_ID: "watch-a", ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
    const a = await startApp(config, log, { withNext: false });
    apps.push(a);
    const b = await startApp({ ...config, serverId: "watch-b" }, log, { withNext: false });
    apps.push(b);

    const teacher = await staffLogin(b.url, ADMIN.email, ADMIN.password);
    const w = (await (await httpClient(b.url).post("/api/workshops", workshopBody(), teacher)).json()) as { workshop: { id: string; joinCode: string } };
    const joined = await httpClient(a.url).post(`/api/join/${w.workshop.joinCode}`, { displayName: "Lin" });
    assert.equal(joined.status, 200);
    const lin = await connect(a.url, joined.headers.get("set-cookie")!.split(";")[0]);
    sockets.push(lin);
    assert.ok((await call(lin, "sandbox:open")).ok);
    const opened = await openTerminal(lin, { cols: 90, rows: 25 });
    assert.ok(opened.ok);
    const out = new OutputCollector(lin, opened.terminalId);
    await out.waitFor(PROMPT);
    lin.emit("terminal:input", opened.terminalId, "echo watched-$((6*7))\r");
    await out.waitFor(/watched-42\r?\n/);
    const linId = (await b.db.prisma.workshopMember.findFirstOrThrow({ where: { workshopId: w.workshop.id, displayName: "Lin" } })).userId;

    const staff = await staffSocket(b.url, teacher);
    sockets.push(staff);
    const told = new Promise<string[]>((resolve) => lin.on("terminal:watched", (_id, info) => info.by.length && resolve(info.by)));
    const watch = startWatch(staff, w.workshop.id, linId);
    const started = await watch.started;
    assert.ok(started.ok, JSON.stringify(started));
    assert.match(started.readOnlyBecause ?? "", /another app server/, "the view says why it is read-only");
    assert.ok((await told).length === 1, "Lin is told that someone watches");
    await until("the instructor sees Lin's screen", () => watch.text().includes("watched-42"));
    lin.emit("terminal:input", opened.terminalId, "echo live-$((7*6))\r");
    await until("and what Lin types next", () => watch.text().includes("live-42"));

    const control = await staffCall(staff, "control:start", started.watchId);
    assert.equal(control.ok, false);
    assert.match(JSON.stringify(control.error), /read-only/, "taking control is refused with the reason");
    staff.emit("control:input", started.watchId, "echo typed-by-staff\r");
    const mark = out.mark();
    lin.emit("terminal:input", opened.terminalId, "echo after-$((2*21))\r");
    await out.waitFor(/after-42\r?\n/);
    assert.doesNotMatch(out.since(mark), /typed-by-staff/, "nothing typed into a read-only view reaches the shell");

    const untold = new Promise<string[]>((resolve) => lin.on("terminal:watched", (_id, info) => info.by.length === 0 && resolve(info.by)));
    staff.emit("watch:stop", started.watchId);
    assert.deepEqual(await untold, [], "Lin is told the watching stopped");
  });
});
