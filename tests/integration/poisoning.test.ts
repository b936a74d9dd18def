// Poisoning, in both profiles, against a real server and sandboxes: the learner's root plants
// recording stand-ins everywhere the sandbox's privileged side could run, load, read or follow
// something of theirs (tests/helpers/poison.ts); then the server does everything it does in a
// sandbox (a terminal typed into, a lesson's setup and check, a lesson reset, an instructor
// watching and taking control, a preview, the sandbox's end). In `hardened` no stand-in may
// ever run outside the learner's user namespace, and no file the learner's root makes is
// visible to the privileged side. Measured results must match SECURITY.md's table.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { Socket } from "socket.io-client";
import type { Ack } from "../../lib/protocol";
import { startApp, type RunningApp } from "../../server/app";
import type { Sandbox } from "../../server/sandbox/driver";
import { call, connect, OutputCollector, openTerminal, type TestSocket, PROMPT } from "../helpers/client";
import { documentedVectors } from "../helpers/documented";
import { dockerOf, endAllSessions, log, requireDocker, requireSandboxImage, tempDataDir, testConfig, until } from "../helpers/env";
import {
  collectRecords,
  compileRecorder,
  followPoisonLog,
  formatPoisonTable,
  HOST_ROOT_MAP,
  learnerFilesVisibleToPrivilegedSide,
  parseRecords,
  plantPoison,
  poisonTable,
  POISON_VECTORS,
  type PoisonRecord,
  type PoisonVector,
} from "../helpers/poison";
import { httpClient, staffCall, staffLogin, staffSocket, startWatch, workshopBody } from "../helpers/staff";

const ADMIN = { email: "poison@example.org", password: "correct horse battery" };
const LESSON = "01-poison-lesson";

/** A one-step lesson whose setup and check run as root in the learner's world. */
function writeLesson(): string {
  const dir = path.join(tempDataDir(), "lessons");
  const step = path.join(dir, LESSON, "steps", "touch-it");
  fs.mkdirSync(step, { recursive: true });
  fs.writeFileSync(
    path.join(dir, LESSON, "lesson.md"),
    "---\ntitle: Poisoned lesson\nsummary: A lesson whose scripts the poisoning test runs.\nminutes: 1\n---\nA lesson for tests.\n\n## Touch a file {#touch-it .challenge}\nCreate the file ~/done.\n\n## Recap {.recap}\nA file made.\n",
  );
  fs.writeFileSync(path.join(step, "setup.sh"), "#!/bin/bash\nid -u >/tmp/setup-ran\n");
  fs.writeFileSync(path.join(step, "check.sh"), "#!/bin/bash\n[ -f /home/ubuntu/done ] || { echo 'No ~/done yet.'; exit 1; }\n");
  fs.writeFileSync(path.join(step, "solve.sh"), "#!/bin/bash\ntouch ~/done\n");
  fs.writeFileSync(path.join(step, "hint.md"), "Use touch.\n");
  return dir;
}

function learnerCall<T>(socket: TestSocket, event: string, payload: unknown): Promise<Ack<T>> {
  const emit = (socket.emit as (e: string, ...args: unknown[]) => void).bind(socket);
  return new Promise((resolve) => emit(event, payload, resolve));
}

const recorder = compileRecorder();

for (const profile of ["hardened", "trusted"] as const) {
  describe(`poisoning the privileged side (${profile})`, () => {
    let app: RunningApp;
    const sockets: { close(): unknown }[] = [];
    let learner: TestSocket;
    let cookie: string;
    let sandbox: Sandbox;
    let sandboxName: string;
    let userId: string;
    let records: PoisonRecord[] = [];
    let terminalLandedOutside = "";

    before(async () => {
      const image = await requireSandboxImage(await requireDocker());
      app = await startApp(
        testConfig({ SANDBOX_IMAGE: image.ref, SANDBOX_PROFILE: profile, LESSONS_DIR: writeLesson(), ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, MIRROR: "off" }),
        log,
        { withNext: false },
      );
      const http = httpClient(app.url);
      const teacher = await staffLogin(app.url, ADMIN.email, ADMIN.password);
      const created = await http.post("/api/workshops", workshopBody([LESSON]), teacher);
      assert.equal(created.status, 201);
      const workshop = ((await created.json()) as { workshop: { id: string; joinCode: string } }).workshop;
      const joined = await http.post(`/api/join/${workshop.joinCode}`, { displayName: "Mallory" });
      assert.equal(joined.status, 200);
      cookie = joined.headers.get("set-cookie")!.split(";")[0];
      learner = await connect(app.url, cookie);
      sockets.push(learner);
      const opened = await call<{ sandbox: { name: string } }>(learner, "sandbox:open");
      assert.ok(opened.ok, JSON.stringify(opened));
      sandboxName = opened.sandbox.name;
      userId = (await app.db.prisma.workshopMember.findFirstOrThrow({ where: { displayName: "Mallory" } })).userId;
      sandbox = (await app.service.active(userId))!.sandbox;

      const containerLog = await followPoisonLog(dockerOf(app.driver).docker, sandbox);
      const planted = await plantPoison(dockerOf(app.driver), sandbox, recorder);
      log.debug({ planted: Object.fromEntries(planted) }, "planted");

      // 1. A terminal, typed into like a learner (a TTY), with sudo.
      const term = await openTerminal(learner);
      assert.ok(term.ok, JSON.stringify(term));
      const shell = new OutputCollector(learner, term.terminalId);
      await shell.waitFor(PROMPT);
      learner.emit("terminal:input", term.terminalId, "cat /proc/self/uid_map; test -e /etc/cp-learner-world && echo IN-LEARNER-WORLD; sudo id -u; echo END-$((20+1))\r");
      await shell.waitFor(/END-21/);
      const map = /^\s*(\d+)\s+(\d+)\s+(\d+)\s*$/m.exec(shell.text);
      if (!map || !/IN-LEARNER-WORLD/.test(shell.text)) terminalLandedOutside = "the terminal did not open in the learner's world";
      else if (profile === "hardened" && map[2] !== "100000") terminalLandedOutside = `the terminal runs with uid map ${map.slice(1).join(" ")}`;

      // 2. A lesson: entering it runs the step's setup, then a check, then a reset.
      const entered = await learnerCall<object>(learner, "lesson:enter", { lessonId: LESSON });
      assert.ok(entered.ok, JSON.stringify(entered));
      const checked = await learnerCall<{ result: { passed: boolean } }>(learner, "lesson:check", { lessonId: LESSON, stepId: "touch-it" });
      assert.ok(checked.ok && checked.result && !checked.result.passed, JSON.stringify(checked));
      assert.ok((await learnerCall<object>(learner, "lesson:reset", { lessonId: LESSON })).ok);

      // 3. The instructor watches the terminal and takes control of it.
      const staff: Socket = await staffSocket(app.url, teacher);
      sockets.push(staff);
      const watch = startWatch(staff, workshop.id, userId);
      const started = await watch.started;
      assert.ok(started.ok, started.error);
      assert.deepEqual(await staffCall(staff, "control:start", started.watchId), { ok: true });
      staff.emit("control:input", started.watchId, "echo teacher-$((6*7))\r");
      await shell.waitFor(/teacher-42/);
      staff.close();

      // 4. A preview of a web server the learner runs.
      learner.emit("terminal:input", term.terminalId, "docker run -d -p 8080:80 busybox httpd -f -p 80 -h /www && echo SERVING\r");
      await shell.waitFor(/SERVING/, 120_000);
      await until(
        "the preview answers",
        async () => (await fetch(`${app.url}/preview/${sandboxName}/8080/`, { headers: { cookie } }).catch(() => null))?.status === 200,
        30_000,
      );

      // 5. Evidence left in files, then the sandbox's end (the container log outlives it).
      records = await collectRecords(dockerOf(app.driver), sandbox);
      const ended = await call(learner, "sandbox:end");
      assert.ok(ended.ok);
      await until("the sandbox is gone", async () => !(await app.driver.isRunning(sandbox)), 60_000);
      containerLog.stop();
      records.push(...parseRecords(containerLog.lines().join("\n"), "log"));
    });

    after(async () => {
      for (const s of sockets) s.close();
      if (!app) return;
      await endAllSessions(app);
      await app.pool.drain();
      await app.close();
    });

    test("the stand-ins were live: the learner's own processes ran them", () => {
      for (const v of ["poison_programs", "poison_loader", "poison_path", "poison_nss", "poison_shell_startup"] satisfies PoisonVector[]) {
        assert.ok(
          records.some((r) => r.vector === v),
          `no ${v} stand-in ever ran, so the test proves nothing; records: ${records.map((r) => `${r.vector}@${r.where}`).join(" ")}`,
        );
      }
    });

    test("measured results match SECURITY.md", () => {
      const table = poisonTable(records, terminalLandedOutside ? { poison_pid_file: terminalLandedOutside } : {});
      const documented = documentedVectors(profile, POISON_VECTORS);
      for (const v of POISON_VECTORS) {
        assert.equal(table.get(v)!.open ? "open" : "blocked", documented.get(v), `${v} in ${profile}:\n${formatPoisonTable(table)}`);
      }
      if (profile === "hardened") {
        assert.deepEqual(
          records.filter((r) => r.uidMap === HOST_ROOT_MAP || r.where === "privileged"),
          [],
          "no stand-in ran outside the learner's user namespace",
        );
      }
    });
  });
}

describe("the privileged side never sees the learner's files", () => {
  for (const profile of ["hardened", "trusted"] as const) {
    test(`${profile}: files the learner's root makes in the privileged side's PATH, library path and /etc`, async () => {
      const { testDriver } = await import("../helpers/env");
      const { sandboxName: newName } = await import("../../server/sandbox/names");
      const driver = await testDriver(testConfig({ SANDBOX_PROFILE: profile, MIRROR: "off" }));
      const sandbox = await driver.create({ sessionId: crypto.randomUUID(), ownerId: "g_visible", name: newName(), image: "", expiresAt: new Date(Date.now() + 3600_000) });
      try {
        const { made, visible } = await learnerFilesVisibleToPrivilegedSide(driver, sandbox);
        for (const dir of ["/etc", "/etc/ld.so.conf.d", "/usr/local/bin", "/usr/local/sbin", "/usr/local/lib", "/", "/run", "/tmp"]) {
          assert.ok(made.includes(dir), `the learner's root could not write ${dir} (made: ${made.join(" ")})`);
        }
        assert.deepEqual(visible, [], `the privileged side sees files the learner made in ${visible.join(", ")}`);
      } finally {
        await driver.remove(sandbox);
      }
    });
  }
});
