// What a learner types, typed the way the browser does it: into a real terminal (a TTY exec
// through the gateway), in both profiles. A command that works through a non-TTY exec can
// still fail when typed (sudo's "unable to allocate pty" did), so each is tried here.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { RunningApp } from "../../server/app";
import { DockerDriver } from "../../server/sandbox/docker/driver";
import { ENTER } from "../../server/sandbox/docker/exec";
import type { Sandbox } from "../../server/sandbox/driver";
import { call, connect, guestCookie, OutputCollector, openTerminal, type TestSocket, PROMPT } from "../helpers/client";
import { startTestApp, stopApp, until } from "../helpers/env";

const CTRL_C = "\x03";
const CTRL_P = "\x10";
const CTRL_Q = "\x11";
const CTRL_Z = "\x1a";
const ESC = "\x1b";
/** busybox sh's prompt; it then asks where the cursor is (ESC [6n), which only a real terminal answers. */
const BUSYBOX_PROMPT = /\/ # (?:\x1b\[6n)?$/;
/**
 * Its first prompt, which may be drawn again (`\r/ # ESC[J`): `docker run -it` and `docker exec
 * -it` set the window's size just after the shell starts, and on a busy machine the resize
 * lands after the first prompt. (Not after a command: a redraw there would mean keys lost.)
 */
const BUSYBOX_FIRST_PROMPT = /\/ # (?:\x1b\[6n)?(?:\r?\/ # \x1b\[J)?$/;

for (const profile of ["hardened", "trusted"] as const) {
  describe(`typed in a terminal (${profile})`, () => {
    let app: RunningApp;
    let socket: TestSocket;
    let terminalId: string;
    let out: OutputCollector;
    let sandbox: Sandbox;
    let n = 0;

    before(async () => {
      // On the engine under test (TEST_SANDBOX_ENGINE: docker, or lxd).
      app = await startTestApp({ SANDBOX_PROFILE: profile });
      socket = await connect(app.url, await guestCookie(app.url));
      assert.ok((await call(socket, "sandbox:open")).ok);
      const session = await app.db.prisma.playgroundSession.findFirstOrThrow();
      sandbox = (await app.service.active(session.userId))!.sandbox;
      const t = await openTerminal(socket, { cols: 120, rows: 30 });
      assert.ok(t.ok, JSON.stringify(t));
      terminalId = t.terminalId;
      out = new OutputCollector(socket, terminalId);
      await out.waitFor(PROMPT);
    });

    after(async () => {
      socket?.close();
      if (app) await stopApp(app);
    });

    const type = (keys: string) => socket.emit("terminal:input", terminalId, keys);
    /** Output since the previous mark, after typing `keys` and waiting for `until`. */
    async function typed(keys: string, until: RegExp, timeoutMs = 60_000): Promise<string> {
      const from = out.mark();
      type(keys);
      await out.waitSince(from, until, timeoutMs);
      return out.since(from);
    }
    /** Runs a shell command line and returns its output (up to an echo marker). */
    async function run(line: string, timeoutMs?: number): Promise<string> {
      const marker = `MARK${++n}x`;
      return typed(`${line}; echo ${marker.slice(0, 4)}"${marker.slice(4)}"\r`, new RegExp(`${marker}\\r?\\n`), timeoutMs);
    }

    /**
     * Whether the process running `args` is the terminal's foreground job (its process group
     * owns the terminal), seen from outside the shell: `fg` prints the job before it hands
     * the terminal over, and a Ctrl-C in between would reach the shell, not the job.
     */
    async function inForeground(args: string): Promise<boolean> {
      const r = await app.driver.run(sandbox, { cmd: ["ps", "-e", "-o", "pgid=,tpgid=,args="], user: "root", timeoutMs: 20_000 });
      return r.stdout.split("\n").some((l) => {
        const m = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(l);
        return !!m && m[3].trim() === args && m[1] === m[2];
      });
    }

    test("sudo, sudo -i and su work in the terminal", async () => {
      assert.match(await run("sudo id -u"), /^0\r?$/m);
      assert.doesNotMatch(out.text, /unable to allocate pty/);
      await typed("sudo -i\r", /# $/m);
      assert.match(await run("id -un; pwd"), /^root\r?\n\/root\r?$/m);
      await typed("exit\r", /\$ $/m);
      assert.match(await run("sudo su - -c 'id -un'"), /^root\r?$/m);
      assert.match(await run("sudo su ubuntu -c 'id -un'"), /^ubuntu\r?$/m);
    });

    test("Ctrl-C stops a command; job control with Ctrl-Z, bg, jobs and fg", async () => {
      // The program says when it runs, so the key reaches it and not the shell before it.
      await typed("sh -c 'echo sleeping-$((150*2)); exec sleep 300'\r", /sleeping-300\r?\n/);
      await typed(CTRL_C, /\^C[\s\S]*\$ $/);
      await typed("sh -c 'echo sleeping-$((150*2+1)); exec sleep 301'\r", /sleeping-301\r?\n/);
      await typed(CTRL_Z, /Stopped[\s\S]*\$ $/);
      assert.match(await run("bg >/dev/null; jobs"), /Running\s+sh -c/);
      await typed("fg\r", /sh -c .*\r?\n/);
      await until("the job to be in the foreground again", () => inForeground("sleep 301"), 30_000);
      await typed(CTRL_C, /\$ $/);
      assert.match(await run("jobs | wc -l"), /^0\r?$/m);
    });

    test("a terminal has the browser's size before its program starts (no prompt drawn twice)", async () => {
      // Docker can resize an exec only after it started; sandbox-enter sizes the TTY first.
      // Asked without any resize from the engine, the program sees the size it was given.
      // (LXD sizes its own pty before the command starts: asked through the driver.)
      if (!(app.driver instanceof DockerDriver)) {
        const tty = await app.driver.openTty(sandbox, { cmd: ["sh", "-c", "stty size; env"], user: "ubuntu", workingDir: "/home/ubuntu" }, { cols: 97, rows: 31 });
        let text = "";
        tty.stream.on("data", (b: Buffer) => (text += b.toString("utf8")));
        await new Promise((resolve) => tty.stream.on("close", resolve));
        assert.match(text, /^31 97\r?$/m, text);
        return;
      }
      const docker = app.driver.docker;
      const exec = await docker.getContainer(sandbox.id).exec({
        Cmd: [ENTER, "ubuntu", "/home/ubuntu", "CP_TTY_SIZE=97x31", "--", "sh", "-c", "stty size; env"],
        User: "root",
        Tty: true,
        AttachStdout: true,
        AttachStderr: true,
      });
      const stream = await exec.start({ hijack: true, stdin: false, Tty: true });
      let text = "";
      stream.on("data", (b: Buffer) => (text += b.toString("utf8")));
      await new Promise((resolve) => stream.on("end", resolve));
      assert.match(text, /^31 97\r?$/m, text);
      assert.doesNotMatch(text, /CP_TTY_SIZE/, "the size is not passed on into the learner's environment");
    });

    test("the window size follows the browser's", async () => {
      // A resize has no answer: ask the terminal until it has taken the new size.
      for (const [cols, rows] of [[100, 40], [120, 30]]) {
        socket.emit("terminal:resize", terminalId, { cols, rows });
        await until(`stty reports ${rows} ${cols}`, async () => new RegExp(`^${rows} ${cols}\\r?$`, "m").test(await run("stty size")), 20_000);
      }
    });

    test("vim and less take over the screen and give it back", async () => {
      // vim's own "[New]" (the shell's echo of the command would match the file's name at once):
      // keys typed before vim has the terminal are flushed when it takes it over.
      await typed("vim /tmp/typed.txt\r", /\[New\]/);
      await typed(`ihello from vim${ESC}`, /hello from vim/);
      await typed(":wq\r", /\$ $/m);
      assert.match(await run("cat /tmp/typed.txt"), /^hello from vim\r?$/m);
      await typed("seq 1 500 | less\r", /^\d+\r?$/m);
      await typed("G", /500/);
      await typed("q", /\$ $/m);
      assert.match(await run("echo after-less"), /after-less/);
    });

    test("unshare and nsenter with an interactive shell", async () => {
      await typed("sudo unshare --pid --fork --mount-proc bash\r", /# $/m);
      assert.match(await run("ps -o pid,comm | head -3"), /^\s*1\s+bash\r?$/m);
      await typed("exit\r", /\$ $/m);
      await run("sudo unshare --uts --fork sh -c 'hostname elsewhere; sleep 300' >/dev/null 2>&1 & true");
      const pid = /^(\d+)\r?$/m.exec(await run("sleep 1; pgrep -n -x sleep"))![1];
      await typed(`sudo nsenter -t ${pid} -u bash\r`, /# $/m);
      assert.match(await run("hostname"), /^elsewhere\r?$/m);
      await typed("exit\r", /\$ $/m);
      await run(`sudo kill ${pid}`);
    });

    test("docker run -it and docker exec -it are interactive", async () => {
      await typed("docker run -it --rm --name typed-it busybox sh\r", BUSYBOX_FIRST_PROMPT, 120_000);
      assert.match(await typed("echo inside-$((6*7))\r", BUSYBOX_PROMPT), /inside-42/);
      await typed("exit\r", /\$ $/m);
      await run("docker run -d --name typed-exec busybox sleep 300 >/dev/null");
      await typed("docker exec -it typed-exec sh\r", BUSYBOX_FIRST_PROMPT);
      assert.match(await typed("hostname; tty\r", BUSYBOX_PROMPT), /\/dev\/pts\/\d+/);
      await typed("exit\r", /\$ $/m);
      await run("docker rm -f typed-exec >/dev/null");
    });

    test("Ctrl-P recalls the last command at once; Ctrl-P Ctrl-Q detaches from the learner's container, not the terminal", async () => {
      const from = out.mark();
      assert.match(await run("echo recall-$((20+1))"), /recall-21/);
      // At the prompt, as a learner presses it (a key typed while the command still runs is
      // echoed by the TTY as "^P" before readline reads it).
      await out.waitSince(from, /recall-21[\s\S]*\$ $/);
      // Docker's default detach keys on the terminal itself would hold Ctrl-P back until the next key.
      await typed(CTRL_P, /echo recall-\$\(\(20\+1\)\)/);
      // Run the recalled line. (Not Ctrl-C: a SIGINT that reaches bash while readline is still
      // drawing the recalled line is acted on only at the next key, so no prompt came back.)
      await typed("\r", /recall-21\r?\n[\s\S]*\$ $/);
      await typed("docker run -it --name typed-detach busybox sh\r", BUSYBOX_FIRST_PROMPT, 120_000);
      await typed(CTRL_P + CTRL_Q, /\$ $/); // the docker CLI detaches (silently) and the shell's prompt is back
      assert.match(await run("docker ps --format '{{.Names}}'"), /^typed-detach\r?$/m, "the container runs on, detached");
      assert.match(await run("echo still-$((3*3))"), /still-9/, "the learner's shell is still there");
      await run("docker rm -f typed-detach >/dev/null");
    });
  });
}
