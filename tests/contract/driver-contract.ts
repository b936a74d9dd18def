// The driver contract: what the rest of the playground relies on from any SandboxDriver.
// Every engine runs it: the fake driver in the fast tier (tests/fast), Docker against a real
// engine (tests/integration/docker-contract.test.ts), and each engine added later.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import { after, before, describe, test } from "node:test";
import type { Sandbox, SandboxDriver, SandboxEvent } from "../../server/sandbox/driver";
import { sandboxName } from "../../server/sandbox/names";

export interface ContractSubject {
  driver: SandboxDriver;
  /** Stops a sandbox the way a crash would (the engine, not the playground, ends it). */
  crash(sandbox: Sandbox): Promise<void>;
  /** A shell command whose output is the word `ok` and that exits 3 (run() must report both). */
  okExit3: string[];
  /** Typing this into a shell prints `pong` (an echo round trip through the TTY). */
  ping: string;
  /** How a file in the sandbox is read back; by default through run() (engines with real files). */
  readFile?: (sandbox: Sandbox, path: string) => Promise<{ content: Buffer; mode: number } | null>;
}

/** A file's content and mode, read in the sandbox as its root. */
async function readThroughRun(driver: SandboxDriver, sandbox: Sandbox, path: string): Promise<{ content: Buffer; mode: number } | null> {
  const r = await driver.run(sandbox, { cmd: ["sh", "-c", 'test -f "$1" || exit 9; stat -c %a "$1"; base64 -w0 "$1"', "read", path], user: "root", timeoutMs: 30_000 });
  if (r.exitCode === 9) return null;
  const [mode, data = ""] = r.stdout.split("\n");
  return { mode: parseInt(mode, 8), content: Buffer.from(data, "base64") };
}

/** Reads a TTY's output until `re` matches it. */
export function until(stream: NodeJS.ReadableStream, re: RegExp, timeoutMs = 30_000): Promise<string> {
  let text = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re}; got: ${JSON.stringify(text.slice(-300))}`)), timeoutMs);
    const onData = (b: Buffer) => {
      text += b.toString();
      if (re.test(text)) {
        clearTimeout(timer);
        stream.off("data", onData);
        resolve(text);
      }
    };
    stream.on("data", onData);
  });
}

export function driverContract(name: string, make: () => Promise<ContractSubject>): void {
  describe(`driver contract: ${name}`, () => {
    let subject: ContractSubject;
    let sandbox: Sandbox;
    const made: Sandbox[] = [];
    const spec = (role: "session" | "pool" = "session") => ({
      sessionId: role === "pool" ? "" : randomUUID(),
      ownerId: role === "pool" ? "" : "g_contract",
      name: sandboxName(),
      image: "",
      expiresAt: new Date(Date.now() + 3600_000),
      role,
    });

    before(async () => {
      subject = await make();
      await subject.driver.prepare();
      const phases: string[] = [];
      sandbox = await subject.driver.create(spec(), (phase) => phases.push(phase));
      made.push(sandbox);
      assert.ok(phases.includes("creating") && phases.includes("starting"), `create reports its progress: ${phases}`);
    });

    after(async () => {
      for (const s of made) await subject?.driver.remove(s);
      await subject?.driver.dispose();
    });

    test("a created sandbox runs, is listed with its labels, and fits the current configuration", async () => {
      const { driver } = subject;
      assert.ok(sandbox.id && sandbox.name);
      assert.equal(await driver.isRunning(sandbox), true);
      const listed = (await driver.list()).find((s) => s.id === sandbox.id);
      assert.ok(listed, "list() finds it");
      assert.equal(listed.name, sandbox.name);
      assert.equal(listed.role, "session");
      assert.equal(listed.ownerId, "g_contract");
      assert.equal(listed.running, true);
      assert.ok(listed.expiresAt instanceof Date);
      assert.equal(driver.fit(listed), "current");
      assert.equal(driver.fit({ ...listed, entry: undefined }), "outdated", "an unknown way in is never used");
      assert.equal(driver.fit({ ...listed, image: "something/else:1" }), "usable", "another image still works for its learner");
    });

    test("a TTY echoes typed input, resizes, and ends when the shell exits", async () => {
      const tty = await subject.driver.openTty(sandbox, { cmd: ["bash", "-l"], user: "ubuntu", workingDir: "/home/ubuntu", env: ["TERM=xterm-256color"] }, { cols: 100, rows: 30 });
      await until(tty.stream, /\$ $/m);
      tty.stream.write(subject.ping);
      await until(tty.stream, /pong/);
      await tty.resize(120, 40);
      tty.stream.write("stty size\r");
      await until(tty.stream, /40 120/);
      assert.equal(await tty.exitCode(), null, "still running");
      const ended = new Promise<void>((resolve) => tty.stream.once("close", () => resolve()));
      tty.stream.write("exit\r");
      await ended;
    });

    test("run() returns the exit code and output, as the user asked", async () => {
      const r = await subject.driver.run(sandbox, { cmd: subject.okExit3, user: "root", timeoutMs: 30_000 });
      assert.equal(r.exitCode, 3);
      assert.match(r.stdout, /ok/);
    });

    test("writeFiles() puts files in with their mode, makes folders, replaces; a learner's symlink on the way resolves inside the sandbox", async () => {
      const { driver } = subject;
      const read = (path: string) => (subject.readFile ?? ((s, p) => readThroughRun(driver, s, p)))(sandbox, path);
      const unique = `cp-contract-${randomUUID().slice(0, 8)}`;
      const tool = `/opt/${unique}/deep/tool.sh`;
      const binary = Buffer.concat([Buffer.from([0, 1, 2, 0xff]), Buffer.from("\nline 'two' $HOME\n")]);
      await driver.writeFiles(sandbox, [
        { path: tool, content: binary, mode: 0o750 },
        { path: `/opt/${unique}/empty`, content: Buffer.alloc(0), mode: 0o600 },
      ]);
      assert.deepEqual(await read(tool), { content: binary, mode: 0o750 });
      assert.deepEqual(await read(`/opt/${unique}/empty`), { content: Buffer.alloc(0), mode: 0o600 });
      await driver.writeFiles(sandbox, [{ path: tool, content: Buffer.from("v2"), mode: 0o644 }]);
      assert.deepEqual(await read(tool), { content: Buffer.from("v2"), mode: 0o644 }, "a file that is there is replaced");
      for (const path of ["relative/x", "/opt/../etc/x", "/opt/x/", "/"]) {
        await assert.rejects(driver.writeFiles(sandbox, [{ path, content: Buffer.from("x"), mode: 0o644 }]), /not an absolute file path/, path);
      }
      if (subject.readFile) return; // no file system to plant a symlink in
      // The learner points a folder of theirs at /etc: the file lands in the sandbox's /etc, not the host's.
      await driver.run(sandbox, { cmd: ["ln", "-s", "/etc", `/home/ubuntu/${unique}`], user: "ubuntu", timeoutMs: 30_000 });
      await driver.writeFiles(sandbox, [{ path: `/home/ubuntu/${unique}/${unique}.conf`, content: Buffer.from("inside"), mode: 0o644 }]);
      assert.deepEqual(await read(`/etc/${unique}.conf`), { content: Buffer.from("inside"), mode: 0o644 });
      assert.equal(fs.existsSync(`/etc/${unique}.conf`), false, "nothing is written on the host");
      // A symlink at the path itself is replaced, not followed.
      const target = await read("/etc/hostname");
      await driver.run(sandbox, { cmd: ["ln", "-s", "/etc/hostname", `/home/ubuntu/${unique}.link`], user: "ubuntu", timeoutMs: 30_000 });
      await driver.writeFiles(sandbox, [{ path: `/home/ubuntu/${unique}.link`, content: Buffer.from("mine"), mode: 0o644 }]);
      assert.deepEqual(await read(`/home/ubuntu/${unique}.link`), { content: Buffer.from("mine"), mode: 0o644 });
      assert.deepEqual(await read("/etc/hostname"), target, "the link's target is untouched");
    });

    test("a pool sandbox is listed as such", async () => {
      const pooled = await subject.driver.create(spec("pool"));
      made.push(pooled);
      const listed = (await subject.driver.list()).find((s) => s.id === pooled.id);
      assert.equal(listed?.role, "pool");
    });

    test("a crash is reported as a death of that sandbox", async () => {
      const victim = await subject.driver.create(spec());
      made.push(victim);
      const events: SandboxEvent[] = [];
      let connected!: () => void;
      const ready = new Promise<void>((resolve) => (connected = resolve));
      const stop = subject.driver.watch(
        (e) => events.push(e),
        () => undefined,
        () => connected(),
      );
      try {
        await ready; // nothing is missed once the event stream is connected
        await subject.crash(victim);
        const deadline = Date.now() + 30_000;
        while (!events.some((e) => e.kind === "died" && e.sandboxId === victim.id)) {
          if (Date.now() > deadline) throw new Error(`no death reported; events: ${JSON.stringify(events)}`);
          await new Promise((r) => setTimeout(r, 50));
        }
        assert.equal(await subject.driver.isRunning(victim), false);
      } finally {
        stop();
      }
    });

    test("remove() removes everything and is idempotent", async () => {
      const gone = await subject.driver.create(spec());
      await subject.driver.remove(gone);
      await subject.driver.remove(gone);
      assert.equal(await subject.driver.isRunning(gone), false);
      assert.ok(!(await subject.driver.list()).some((s) => s.id === gone.id));
    });

    test("health reports the engine and the image", async () => {
      const h = await subject.driver.health();
      assert.equal(h.engine.ok, true, h.engine.detail);
      assert.equal(h.image.ok, true, h.image.detail);
      assert.ok(subject.driver.engine && subject.driver.image);
    });
  });
}
