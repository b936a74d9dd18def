// Lessons and workshops on the fake driver: checks run in the asker's sandbox (scripted
// results), progress is recorded, checks are bounded; a workshop's learners show on the
// dashboard; an instructor watches and takes control of a learner's (pretend) shell.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import type { Ack, LearnerRow, WatchStarted } from "../../lib/protocol";
import { call, connect, guestCookie, OutputCollector, openTerminal, type TestSocket } from "../helpers/client";
import { tempDataDir, until } from "../helpers/env";
import { startFastApp, type FastApp } from "../helpers/fast";
import { FakeDriver } from "../../server/sandbox/fake/driver";
import { DISPLAY_NAME_FALLBACK } from "../../lib/staff-names";
import { httpClient, staffCall, staffLogin, staffSocket, startWatch, workshopBody } from "../helpers/staff";

const ADMIN = { email: "fast@example.org", password: "correct horse battery" };
const LESSON = "01-fast-lesson";
let app: FastApp;
let teacher: string;
const sockets: { close(): unknown }[] = [];

function writeLesson(): string {
  const dir = path.join(tempDataDir(), "lessons");
  const step = (id: string) => {
    const d = path.join(dir, LESSON, "steps", id);
    fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(d, "check.sh"), `#!/bin/bash\ncheck-${id}\n`);
    fs.writeFileSync(path.join(d, "solve.sh"), "#!/bin/bash\ntrue\n");
    fs.writeFileSync(path.join(d, "hint.md"), "A hint.\n");
  };
  step("first");
  step("second");
  fs.writeFileSync(path.join(dir, LESSON, "lesson.md"), "---\ntitle: Fast lesson\nsummary: A lesson for the fast tier.\nminutes: 1\n---\nIntro.\n\n## First {#first}\nDo it.\n\n## Second {#second .challenge}\nDo it again, on your own.\n\n## Recap {.recap}\nYou did it twice.\n");
  return dir;
}

before(async () => {
  app = await startFastApp({ LESSONS_DIR: writeLesson(), ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
  // The checks pass once the learner "did" the step: a file the test sets per sandbox.
  app.fake.scripts.push((cmd, _opts, sandbox) => {
    const script = cmd.join(" ");
    const m = /check-(\w+)/.exec(script);
    if (!m) return undefined;
    return done.has(`${sandbox.name}:${m[1]}`) ? { exitCode: 0, stdout: "", stderr: "" } : { exitCode: 1, stdout: `Not done: ${m[1]}\n`, stderr: "" };
  });
  teacher = await staffLogin(app.url, ADMIN.email, ADMIN.password);
});
after(async () => {
  for (const s of sockets) s.close();
  await app?.close();
});

const done = new Set<string>();
const ask = <T>(socket: TestSocket, event: string, payload: unknown) =>
  new Promise<Ack<T>>((resolve) => (socket.emit as (e: string, p: unknown, cb: (r: Ack<T>) => void) => void).call(socket, event, payload, resolve));

async function join(code: string, name: string) {
  const res = await httpClient(app.url).post(`/api/join/${code}`, { displayName: name });
  assert.equal(res.status, 200);
  const socket = await connect(app.url, res.headers.get("set-cookie")!.split(";")[0]);
  sockets.push(socket);
  const opened = await call<{ sandbox: { name: string } }>(socket, "sandbox:open");
  assert.ok(opened.ok);
  return { socket, sandbox: opened.sandbox.name };
}

test("checks run in the learner's sandbox, record progress, and move to the next step", async () => {
  const w = (await (await httpClient(app.url).post("/api/workshops", workshopBody([LESSON]), teacher)).json()) as { workshop: { id: string; joinCode: string } };
  const l = await join(w.workshop.joinCode, "Lin");
  const failed = await ask<{ result: { passed: boolean; feedback: string } }>(l.socket, "lesson:check", { lessonId: LESSON, stepId: "first" });
  assert.ok(failed.ok && !failed.result.passed);
  assert.equal(failed.result.feedback, "Not done: first");
  done.add(`${l.sandbox}:first`);
  const passed = await ask<{ result: { passed: boolean }; state: { current: string; done: number } }>(l.socket, "lesson:check", { lessonId: LESSON, stepId: "first" });
  assert.ok(passed.ok && passed.result.passed);
  assert.equal(passed.state.current, "second");
  assert.equal(passed.state.done, 1);
  assert.ok(app.fake.ran.some((r) => r.sandbox === l.sandbox && r.user === "root"), "checks run as root in the learner's own sandbox");
  // The dashboard shows the learner and their progress.
  const staff = await staffSocket(app.url, teacher);
  sockets.push(staff);
  const dash = await staffCall(staff, "dashboard:subscribe", w.workshop.id);
  assert.ok(dash.ok);
  const row = (dash.learners as { displayName: string; doneSteps: number; sandboxRunning: boolean }[]).find((r) => r.displayName === "Lin");
  assert.deepEqual({ done: row?.doneSteps, running: row?.sandboxRunning }, { done: 1, running: true });
});

test("checks are one at a time and bounded per learner; automatic ones are skipped, not queued", async () => {
  const w = (await (await httpClient(app.url).post("/api/workshops", workshopBody([LESSON]), teacher)).json()) as { workshop: { joinCode: string } };
  const l = await join(w.workshop.joinCode, "Max");
  // At once: one runs, the others are skipped (not queued behind it).
  const burst = await Promise.all(Array.from({ length: 10 }, () => ask<{ result: unknown }>(l.socket, "lesson:check", { lessonId: LESSON, stepId: "first", auto: true })));
  assert.ok(burst.every((a) => a.ok), "automatic checks never fail loudly");
  assert.equal(app.fake.ran.filter((r) => r.sandbox === l.sandbox).length, 1, "one check ran for the whole burst");
  // One after another: at most 40 a minute.
  for (let i = 0; i < 45; i++) assert.ok((await ask(l.socket, "lesson:check", { lessonId: LESSON, stepId: "first", auto: true })).ok);
  assert.equal(app.fake.ran.filter((r) => r.sandbox === l.sandbox).length, 40);
  const manual = await ask<object>(l.socket, "lesson:check", { lessonId: LESSON, stepId: "first" });
  assert.ok(!manual.ok && manual.error.code === "rate_limited", JSON.stringify(manual));
});

test("an instructor watches a learner's shell and takes control of it; the learner is told both", async () => {
  const w = (await (await httpClient(app.url).post("/api/workshops", workshopBody([LESSON]), teacher)).json()) as { workshop: { id: string; joinCode: string } };
  const l = await join(w.workshop.joinCode, "Ada");
  const watchers: string[][] = [];
  const banners: (string | null)[] = [];
  l.socket.on("terminal:watched", (_id, { by }) => watchers.push(by));
  l.socket.on("terminal:control", (_id, { by }) => banners.push(by));
  const t = await openTerminal(l.socket);
  assert.ok(t.ok);
  const shell = new OutputCollector(l.socket, t.terminalId);
  await shell.waitFor(/\$ $/);
  const userId = (await app.db.prisma.workshopMember.findFirstOrThrow({ where: { displayName: "Ada" } })).userId;
  const staff = await staffSocket(app.url, teacher);
  sockets.push(staff);
  const watch = startWatch(staff, w.workshop.id, userId);
  const started = (await watch.started) as Ack<WatchStarted>;
  assert.ok(started.ok);
  // No display name set: learners see "Your instructor", never the email.
  await until("the learner sees who watches", () => watchers.at(-1)?.[0] === DISPLAY_NAME_FALLBACK);
  assert.deepEqual(await staffCall(staff, "control:start", started.watchId), { ok: true });
  await until("the control banner", () => banners.at(-1) === DISPLAY_NAME_FALLBACK);
  staff.emit("control:input", started.watchId, "echo from-teacher\r");
  await shell.waitFor(/from-teacher\r\nfrom-teacher/);
  staff.emit("watch:stop", started.watchId);
  await until("control and watching end", () => banners.at(-1) === null && watchers.at(-1)?.length === 0);
});

test("a lesson page tells a missing lesson (404) from a database failure (500), and recovers", async () => {
  const guest = await fetch(`${app.url}/api/guest`, { method: "POST", headers: { "content-type": "application/json", origin: app.url }, body: "{}" });
  const cookie = guest.headers.get("set-cookie")!.split(";")[0];
  const view = (slug: string) => fetch(`${app.url}/api/lessons/${slug}`, { headers: { cookie } });
  assert.equal((await view("no-such-lesson")).status, 404);
  assert.equal((await view("fast-lesson")).status, 200);
  // The progress table disappears under the server: that is not "no such lesson".
  await app.db.prisma.$executeRawUnsafe(`ALTER TABLE "StepProgress" RENAME TO "StepProgressAway"`);
  try {
    const failed = await view("fast-lesson");
    assert.equal(failed.status, 500);
    assert.match(((await failed.json()) as { error: string }).error, /internal error/);
  } finally {
    await app.db.prisma.$executeRawUnsafe(`ALTER TABLE "StepProgressAway" RENAME TO "StepProgress"`);
  }
  assert.equal((await view("fast-lesson")).status, 200);
});

test("the dashboard shows who waits in the queue, and when each learner last typed and saw output", async () => {
  const full = await startFastApp({ LESSONS_DIR: writeLesson(), ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, SANDBOX_MAX: "1" });
  const local: { close(): unknown }[] = [];
  try {
    const staffCookie = await staffLogin(full.url, ADMIN.email, ADMIN.password);
    const w = (await (await httpClient(full.url).post("/api/workshops", workshopBody([LESSON]), staffCookie)).json()) as { workshop: { id: string; joinCode: string } };
    const member = async (name: string) => {
      const res = await httpClient(full.url).post(`/api/join/${w.workshop.joinCode}`, { displayName: name });
      const socket = await connect(full.url, res.headers.get("set-cookie")!.split(";")[0]);
      local.push(socket);
      return socket;
    };
    const staff = await staffSocket(full.url, staffCookie);
    local.push(staff);
    let rows: LearnerRow[] = [];
    staff.on("dashboard:update", (u: { learners: LearnerRow[] }) => (rows = u.learners));
    rows = (await staffCall(staff, "dashboard:subscribe", w.workshop.id)).learners as LearnerRow[];
    const row = (name: string) => rows.find((r) => r.displayName === name);

    const lin = await member("Lin");
    assert.ok((await call(lin, "sandbox:open")).ok);
    const ada = await member("Ada");
    const adaWaits = call(ada, "sandbox:open");
    await until("Ada shows as number 1 in the queue", () => row("Ada")?.queuePosition === 1 && !row("Ada")!.sandboxRunning);
    assert.equal(row("Lin")?.queuePosition, null);
    assert.equal(row("Lin")?.lastInputAt, null, "no input before Lin types");

    const t = await openTerminal(lin);
    assert.ok(t.ok);
    const shell = new OutputCollector(lin, t.terminalId);
    await shell.waitFor(/\$ $/);
    lin.emit("terminal:input", t.terminalId, "echo busy\r");
    await shell.waitFor(/busy\r\nbusy/);
    // The dashboard refreshes on its own clock; ask for a fresh snapshot instead of waiting.
    await until("Lin's input and output times", async () => {
      rows = (await staffCall(staff, "dashboard:subscribe", w.workshop.id)).learners as LearnerRow[];
      return !!row("Lin")?.lastInputAt && !!row("Lin")?.lastOutputAt;
    });
    assert.ok(Date.parse(row("Lin")!.lastInputAt!) >= Date.parse(row("Lin")!.joinedAt));

    assert.ok((await call(lin, "sandbox:end")).ok);
    assert.ok((await adaWaits).ok, "the freed slot goes to Ada");
    await until("Ada leaves the queue on the dashboard", () => row("Ada")?.queuePosition === null && row("Ada")!.sandboxRunning);
  } finally {
    for (const s of local) s.close();
    await full.close();
  }
});

test("a workshop's pre-warm counts its own sandboxes only, says honestly how many fit, and follows arriving learners", async () => {
  const server = await startFastApp({ LESSONS_DIR: writeLesson(), ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, SANDBOX_POOL_SIZE: "1", SANDBOX_MAX: "3" });
  const local: { close(): unknown }[] = [];
  try {
    const cookie = await staffLogin(server.url, ADMIN.email, ADMIN.password);
    const http = httpClient(server.url);
    const w = (await (await http.post("/api/workshops", workshopBody([LESSON]), cookie)).json()) as { workshop: { id: string; joinCode: string } };
    const url = `/api/workshops/${w.workshop.id}/prewarm`;
    type Status = { reserved: number; ready: number; starting: number; fits: number };
    const status = async () => ((await (await http.get(url, cookie)).json()) as { prewarm: Status }).prewarm;
    await until("the server's own warm sandbox", () => server.pool.readyCount === 1);
    assert.deepEqual(await status(), { reserved: 0, ready: 0, starting: 0, fits: 0 }, "the server's own pool is not this class's");

    assert.equal((await http.post(url, { count: 3 }, cookie)).status, 200);
    await until("the two that fit are ready", async () => (await status()).ready === 2);
    assert.deepEqual(await status(), { reserved: 3, ready: 2, starting: 0, fits: 2 }, "3 slots: 1 for the server's pool, 2 for the class");

    const joined = await http.post(`/api/join/${w.workshop.joinCode}`, { displayName: "Lin" });
    const lin = await connect(server.url, joined.headers.get("set-cookie")!.split(";")[0]);
    local.push(lin);
    assert.ok((await call(lin, "sandbox:open")).ok);
    const after = await status();
    assert.equal(after.reserved, 2, "the arriving learner used one of the class's");
    assert.ok(after.ready <= after.reserved && after.fits <= after.reserved);
  } finally {
    for (const s of local) s.close();
    await server.close();
  }
});

test("a pre-warm on a host short of memory says how many fit now, and finishes when memory frees", async () => {
  const MB = 1024 * 1024;
  const fake = new FakeDriver({ instanceId: "cp-test-prewarm-memory", profile: "hardened", image: "fake/sandbox:1" });
  fake.availableMemory = 1250 * MB; // above the 1000 MB reserve: room for two 100 MB sandboxes
  const server = await startFastApp(
    { LESSONS_DIR: writeLesson(), ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, SANDBOX_MAX: "10", HOST_MEMORY_RESERVE_MB: "1000", SANDBOX_EXPECTED_MB: "100", INSTANCE_ID: "cp-test-prewarm-memory" },
    fake,
  );
  try {
    const cookie = await staffLogin(server.url, ADMIN.email, ADMIN.password);
    const http = httpClient(server.url);
    const w = (await (await http.post("/api/workshops", workshopBody([LESSON]), cookie)).json()) as { workshop: { id: string } };
    const url = `/api/workshops/${w.workshop.id}/prewarm`;
    type Status = { reserved: number; ready: number; starting: number; fits: number };
    const status = async () => ((await (await http.get(url, cookie)).json()) as { prewarm: Status }).prewarm;
    assert.equal((await http.post(url, { count: 4 }, cookie)).status, 200);
    await until("the two that fit are ready", async () => (await status()).ready === 2);
    // The host's reading stays short (the two started count as starting for a while).
    fake.availableMemory = 1050 * MB;
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(await status(), { reserved: 4, ready: 2, starting: 0, fits: 2 }, "no room for more now, and it says so");
    fake.availableMemory = 8000 * MB;
    await until("all four ready once memory frees", async () => (await status()).ready === 4);
    assert.equal((await status()).fits, 4);
  } finally {
    await server.close();
  }
});

test("staff choose the name learners see; a bad one is refused and changes nothing", async () => {
  const http = httpClient(app.url);
  const patch = (body: unknown, cookie = teacher) => fetch(`${app.url}/api/staff/me`, { method: "PATCH", headers: { "content-type": "application/json", cookie }, body: JSON.stringify(body) });
  const me = async () => ((await (await http.get("/api/staff/me", teacher)).json()) as { staff: { displayName: string } }).staff.displayName;
  for (const bad of [{ displayName: "" }, { displayName: "x".repeat(61) }, { displayName: "me@school.org" }, { displayName: "a\u0007b" }, {}, { displayName: 42 }]) {
    const res = await patch(bad);
    assert.equal(res.status, 400, JSON.stringify(bad));
    assert.match(((await res.json()) as { error: string }).error, /name/);
  }
  assert.equal(await me(), DISPLAY_NAME_FALLBACK, "nothing changed");
  assert.equal((await patch({ displayName: "Mr  Okafor " }, "cp_staff=forged")).status, 401);
  const ok = await patch({ displayName: "Mr  Okafor " });
  assert.equal(ok.status, 200);
  assert.equal(await me(), "Mr Okafor");
  await patch({ displayName: DISPLAY_NAME_FALLBACK }); // as it was, for the other tests
});

test("the dashboard lists the messages sent, to everyone or to one learner, for its own staff only", async () => {
  const http = httpClient(app.url);
  const w = (await (await http.post("/api/workshops", workshopBody([LESSON]), teacher)).json()) as { workshop: { id: string; joinCode: string } };
  await join(w.workshop.joinCode, "Lin");
  const linId = (await app.db.prisma.workshopMember.findFirstOrThrow({ where: { workshopId: w.workshop.id, displayName: "Lin" } })).userId;
  const staff = await staffSocket(app.url, teacher);
  sockets.push(staff);
  assert.ok((await staffCall(staff, "message:send", { workshopId: w.workshop.id, toUserId: null, body: "Five more minutes" })).ok);
  assert.ok((await staffCall(staff, "message:send", { workshopId: w.workshop.id, toUserId: linId, body: "Try docker ps -a" })).ok);
  const url = `/api/workshops/${w.workshop.id}/messages`;
  const res = await http.get(url, teacher);
  assert.equal(res.status, 200);
  const { messages } = (await res.json()) as { messages: { body: string; to: string | null; fromName: string }[] };
  assert.deepEqual(messages.map((m) => [m.body, m.to]), [["Try docker ps -a", "Lin"], ["Five more minutes", null]], "newest first, with the recipient");
  assert.doesNotMatch(JSON.stringify(messages), /fast@example\.org/, "the sender is a display name");
  assert.equal((await http.get(url)).status, 401, "not without signing in");
  assert.equal((await http.get(url, await guestCookie(app.url))).status, 401, "not for a learner");
  assert.equal((await http.get(`/api/workshops/${"x".repeat(22)}/messages`, teacher)).status, 404);
});
