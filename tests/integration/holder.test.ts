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
import { call, connect, guestCookie, OutputCollector, openTerminal, renderScreen, type TestSocket } from "../helpers/client";
import { log, requireDocker, requireSandboxImage, stopApp, testConfig, until } from "../helpers/env";

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
    const learnerOn = async (app: RunningApp, cookie?: string) => {
      const c = cookie ?? (await guestCookie(app.url));
      const socket = await connect(app.url, c);
      sockets.push(socket);
      return { socket, cookie: c };
    };
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
