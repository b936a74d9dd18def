// Running a class, against a real server, database and sandboxes: taking control of a
// learner's terminal (banner, audit log), raised hands and messages, the live dashboard feed,
// asciicast recordings (bounded, and only for their owner and the workshop's instructor),
// the progress matrix and its CSV, and pre-warming sandboxes. Each part is also tried with
// the wrong identity.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import type { Socket } from "socket.io-client";
import { parseCast } from "../../lib/asciicast";
import type { Ack, WorkshopMessageInfo } from "../../lib/protocol";
import { startApp, type RunningApp } from "../../server/app";
import type { Config } from "../../server/config";
import { call, connect, guestCookie, OutputCollector, openTerminal, type TestSocket, PROMPT } from "../helpers/client";
import { endAllSessions, log, requireDocker, requireSandboxImage, testConfig, until } from "../helpers/env";
import { httpClient, staffCall, staffLogin, staffSocket, startWatch, workshopBody } from "../helpers/staff";

let app: RunningApp;
let config: Config;
const sockets: { close(): unknown }[] = [];
const ADMIN = { email: "teacher@example.org", password: "correct horse battery", name: "Ms Lee" };
const OTHER = { email: "other@example.org", password: "another long password" };
const RECORDING_LIMIT = 64 * 1024;
let http: ReturnType<typeof httpClient>;
let teacher: string;
let other: string;

before(async () => {
  const image = await requireSandboxImage(await requireDocker());
  config = testConfig({
    SANDBOX_IMAGE: image.ref,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    ADMIN_NAME: ADMIN.name,
    RECORDING_MAX_MB: String(RECORDING_LIMIT / 1024 / 1024),
    RECORD_INPUT: "true",
  });
  app = await startApp(config, log, { withNext: false });
  http = httpClient(app.url);
  teacher = await staffLogin(app.url, ADMIN.email, ADMIN.password);
  assert.equal((await http.post("/api/staff", { ...OTHER, role: "instructor" }, teacher)).status, 201);
  other = await staffLogin(app.url, OTHER.email, OTHER.password);
});

after(async () => {
  for (const s of sockets) s.close();
  if (!app) return;
  await endAllSessions(app);
  await app.pool.drain();
  await app.close();
});

async function newWorkshop(lessonIds?: string[]): Promise<{ id: string; joinCode: string }> {
  const res = await http.post("/api/workshops", workshopBody(lessonIds), teacher);
  assert.equal(res.status, 201);
  return ((await res.json()) as { workshop: { id: string; joinCode: string } }).workshop;
}

/** A learner who joined the workshop, connected, with a sandbox and a shell. */
async function joinWithShell(code: string, name: string) {
  const joined = await http.post(`/api/join/${code}`, { displayName: name });
  assert.equal(joined.status, 200);
  const cookie = joined.headers.get("set-cookie")!.split(";")[0];
  const socket = await connect(app.url, cookie);
  sockets.push(socket);
  assert.ok((await call(socket, "sandbox:open")).ok);
  const opened = await openTerminal(socket);
  assert.ok(opened.ok);
  const shell = new OutputCollector(socket, opened.terminalId);
  await shell.waitFor(PROMPT);
  const userId = (await app.db.prisma.workshopMember.findFirstOrThrow({ where: { displayName: name } })).userId;
  return { cookie, socket, terminalId: opened.terminalId, recordingId: opened.recordingId, shell, userId };
}

async function staff(cookie: string): Promise<Socket> {
  const s = await staffSocket(app.url, cookie);
  sockets.push(s);
  return s;
}

function learnerCall<T>(socket: TestSocket, event: string, payload?: unknown): Promise<Ack<T>> {
  const emit = (socket.emit as (e: string, ...args: unknown[]) => void).bind(socket);
  return new Promise((resolve) => (payload === undefined ? emit(event, resolve) : emit(event, payload, resolve)));
}

test("take control: the instructor's typing reaches the learner's shell, the learner sees a banner, and it is audited", async () => {
  const w = await newWorkshop();
  const learner = await joinWithShell(w.joinCode, "Ada");
  const banners: (string | null)[] = [];
  learner.socket.on("terminal:control", (id, { by }) => id === learner.terminalId && banners.push(by));

  const t = await staff(teacher);
  const watch = startWatch(t, w.id, learner.userId);
  const started = await watch.started;
  assert.ok(started.ok, started.error);
  const watchId = started.watchId!;

  // Typing without control goes nowhere.
  t.emit("control:input", watchId, "echo not-in-control-$((2+2))\r");
  learner.socket.emit("terminal:input", learner.terminalId, "echo marker-one\r");
  await learner.shell.waitFor(/marker-one\r?\n/);
  assert.doesNotMatch(learner.shell.text, /not-in-control-4/);

  assert.deepEqual(await staffCall(t, "control:start", watchId), { ok: true });
  await until("the learner's banner", () => banners.at(-1) === ADMIN.name, 10_000);
  t.emit("control:input", watchId, "echo typed-by-teacher-$((6*7))\r");
  await learner.shell.waitFor(/typed-by-teacher-42/);
  await until("the watcher sees it too", () => /typed-by-teacher-42/.test(watch.text()), 10_000);

  // A second view (even the same instructor's) cannot take control at the same time.
  const t2 = await staff(teacher);
  const secondId = (await startWatch(t2, w.id, learner.userId).started).watchId!;
  const refused = await staffCall(t2, "control:start", secondId);
  assert.equal(refused.ok, false);
  assert.match(refused.error ?? "", /already has control/);

  // A learner who reloads sees the banner again.
  const reloaded = await connect(app.url, learner.cookie);
  sockets.push(reloaded);
  assert.ok((await call(reloaded, "sandbox:open")).ok);
  const seen = new Promise<string | null>((resolve) => reloaded.on("terminal:control", (_id, { by }) => resolve(by)));
  const attached = await new Promise<Ack<{ terminalId: string }>>((resolve) => reloaded.emit("terminal:attach", learner.terminalId, { cols: 120, rows: 30 }, resolve));
  assert.ok(attached.ok);
  assert.equal(await seen, ADMIN.name);

  assert.deepEqual(await staffCall(t, "control:stop", watchId), { ok: true });
  await until("the banner goes", () => banners.at(-1) === null, 10_000);
  t.emit("control:input", watchId, "echo after-release-$((3+3))\r");
  learner.socket.emit("terminal:input", learner.terminalId, "echo marker-two\r");
  await learner.shell.waitFor(/marker-two\r?\n/);
  assert.doesNotMatch(learner.shell.text, /after-release-6/);

  // Closing the view while in control gives control back (and says so in the log).
  assert.deepEqual(await staffCall(t, "control:start", watchId), { ok: true });
  t.emit("watch:stop", watchId);
  await until("control released by closing the view", () => banners.at(-1) === null && banners.length >= 4, 10_000);

  const audit = (await (await http.get(`/api/workshops/${w.id}/audit`, teacher)).json()) as { audit: { action: string; staffEmail: string; displayName: string; detail: string }[] };
  const control = audit.audit.filter((e) => e.action.startsWith("control:"));
  assert.deepEqual(
    control.map((e) => e.action).reverse(),
    ["control:start", "control:stop", "control:start", "control:stop"],
  );
  assert.equal(control[0].displayName, "Ada");
  assert.match(control[0].detail, /closed the view/);
  assert.ok(audit.audit.some((e) => e.action === "watch:start" && e.displayName === "Ada"), "watching is audited too");
  assert.equal((await http.get(`/api/workshops/${w.id}/audit`, other)).status, 404, "another instructor cannot read the audit log");

  // Another instructor can neither watch nor control; garbage is refused, not crashed on.
  const o = await staff(other);
  const denied = await startWatch(o, w.id, learner.userId).started;
  assert.equal(denied.ok, false);
  assert.equal((await staffCall(o, "control:start", watchId)).ok, false, "someone else's watch id gives nothing");
  assert.equal((await staffCall(o, "control:start", { not: "an id" })).error, "bad request");
  assert.deepEqual(await staffCall(t, "control:start", (await startWatch(t, w.id, learner.userId).started).watchId), { ok: true });
  o.emit("control:input", watchId, "echo hijack-$((1+1))\r"); // while the owner has control
  learner.socket.emit("terminal:input", learner.terminalId, "echo marker-three\r");
  await learner.shell.waitFor(/marker-three\r?\n/);
  assert.doesNotMatch(learner.shell.text, /hijack-2/, "another instructor's socket cannot type with someone else's watch id");
});

test("raised hands and messages reach the right people, live and after a reload; wrong identities are refused", async () => {
  const w = await newWorkshop();
  const a = await joinWithShell(w.joinCode, "Bea");
  const b = await joinWithShell(w.joinCode, "Cal");
  const t = await staff(teacher);
  const updates: { hands: { id: string; displayName: string; message: string }[]; learners: unknown[] }[] = [];
  t.on("dashboard:update", (u: { workshopId: string; hands: never[]; learners: never[] }) => u.workshopId === w.id && updates.push(u));
  const sub = await staffCall(t, "dashboard:subscribe", w.id);
  assert.ok(sub.ok, sub.error);
  assert.equal((sub.learners as unknown[]).length, 2);

  // Bea raises her hand: the dashboard hears it live.
  const tooLong = await learnerCall(a.socket, "hand:raise", { message: "x".repeat(300) });
  assert.equal(tooLong.ok, false);
  const raised = await learnerCall<{ hand: { message: string } }>(a.socket, "hand:raise", { message: "docker ps shows nothing" });
  assert.ok(raised.ok);
  await until("the raised hand on the dashboard", () => updates.some((u) => u.hands.some((h) => h.displayName === "Bea" && h.message === "docker ps shows nothing")), 10_000);
  const hand = updates.at(-1)!.hands[0];

  // Only the workshop's instructor can answer it; Bea hears the answer.
  const o = await staff(other);
  assert.equal((await staffCall(o, "dashboard:subscribe", w.id)).ok, false, "another instructor cannot subscribe");
  assert.equal((await staffCall(o, "hand:answer", { workshopId: w.id, handId: hand.id })).ok, false);
  const answered = new Promise<{ by: string }>((resolve) => a.socket.once("hand:answered", resolve));
  assert.ok((await staffCall(t, "hand:answer", { workshopId: w.id, handId: hand.id })).ok);
  assert.equal((await answered).by, ADMIN.name, "learners see a name, never the email");
  await until("the hand leaves the dashboard", () => updates.at(-1)!.hands.length === 0, 10_000);
  assert.equal((await staffCall(t, "hand:answer", { workshopId: w.id, handId: hand.id })).ok, false, "a hand is answered once");

  // A broadcast reaches both; a direct message only its learner.
  const got = { a: [] as WorkshopMessageInfo[], b: [] as WorkshopMessageInfo[] };
  a.socket.on("workshop:message", (m) => got.a.push(m));
  b.socket.on("workshop:message", (m) => got.b.push(m));
  assert.equal((await staffCall(t, "message:send", { workshopId: w.id, body: "Break in 5 minutes" })).recipients, 2);
  assert.ok((await staffCall(t, "message:send", { workshopId: w.id, toUserId: b.userId, body: "Cal: try docker ps -a" })).ok);
  await until("messages delivered", () => got.a.length === 1 && got.b.length === 2, 10_000);
  assert.equal(got.a[0].body, "Break in 5 minutes");
  assert.equal(got.a[0].direct, false);
  assert.equal(got.b[1].direct, true);
  assert.equal((await staffCall(t, "message:send", { workshopId: w.id, toUserId: "g_notamember", body: "hi" })).ok, false);
  assert.equal((await staffCall(t, "message:send", { workshopId: w.id, body: "   " })).ok, false, "an empty message is refused");
  assert.equal((await staffCall(o, "message:send", { workshopId: w.id, body: "spam" })).ok, false, "another instructor cannot message this class");

  // After a reload the learner gets what they may see, and nothing else.
  const state = await learnerCall<{ workshop: { title: string; recorded: boolean; messages: WorkshopMessageInfo[]; hand: unknown } }>(a.socket, "workshop:state");
  assert.ok(state.ok);
  assert.equal(state.workshop.title, "Containers 101");
  assert.equal(state.workshop.recorded, true);
  assert.equal(state.workshop.hand, null);
  assert.deepEqual(state.workshop.messages.map((m) => m.body), ["Break in 5 minutes"]);

  // A learner in no workshop cannot raise a hand.
  const outsider = await connect(app.url, await guestCookie(app.url));
  sockets.push(outsider);
  assert.equal((await learnerCall(outsider, "hand:raise", {})).ok, false);
  assert.equal((await learnerCall(outsider, "hand:lower")).ok, false);
  assert.equal((await learnerCall(a.socket, "hand:raise", "not an object")).ok, false, "a malformed request is refused");
  assert.equal(((await learnerCall<{ workshop: unknown }>(outsider, "workshop:state")) as { workshop: unknown }).workshop, null);
});

test("the dashboard updates live when a learner joins and starts a sandbox", async () => {
  const w = await newWorkshop();
  const t = await staff(teacher);
  const updates: { learners: { displayName: string; sandboxRunning: boolean }[] }[] = [];
  t.on("dashboard:update", (u: { workshopId: string; learners: never[] }) => u.workshopId === w.id && updates.push(u));
  assert.ok((await staffCall(t, "dashboard:subscribe", w.id)).ok);
  await joinWithShell(w.joinCode, "Dee");
  await until("a live row with a running sandbox", () => updates.some((u) => u.learners.some((l) => l.displayName === "Dee" && l.sandboxRunning)), 20_000);
});

test("terminals are recorded as asciicast v2, bounded in size, readable only by their learner and the workshop's instructor", async () => {
  const w = await newWorkshop();
  const learner = await joinWithShell(w.joinCode, "Eve");
  assert.match(learner.recordingId ?? "", /^[A-Za-z0-9_-]{22}$/, "the terminal is recorded and its id is not guessable");
  learner.socket.emit("terminal:input", learner.terminalId, "echo recorded-$((5*5))\r");
  await learner.shell.waitFor(/recorded-25/);

  const url = `/api/recordings/${learner.recordingId}.cast`;
  await until("the output in the file", async () => /recorded-25/.test(await (await http.get(url, learner.cookie)).text()), 10_000);
  const cast = parseCast(await (await http.get(url, learner.cookie)).text());
  assert.equal(cast.header.width, 120);
  assert.equal(cast.header.height, 30);
  assert.ok(cast.events.some(([, code, data]) => code === "o" && data.includes("recorded-25")));
  assert.ok(cast.events.some(([, code, data]) => code === "i" && data.includes("echo recorded")), "RECORD_INPUT=true records keystrokes");
  const times = cast.events.map((e) => e[0]);
  assert.deepEqual(times, [...times].sort((x, y) => x - y), "event times never go back");
  const download = await http.get(`${url}?download`, learner.cookie);
  assert.match(download.headers.get("content-disposition") ?? "", /attachment; filename="terminal-.*\.cast"/);

  // Who may read it: the learner and the workshop's instructor; nobody else, not even by guessing.
  assert.equal((await http.get(url, teacher)).status, 200);
  assert.equal((await http.get(url, other)).status, 404);
  assert.equal((await http.get(url, await guestCookie(app.url))).status, 404);
  assert.equal((await http.get(url)).status, 404);
  assert.equal((await http.get("/api/recordings/AAAAAAAAAAAAAAAAAAAAAA.cast", learner.cookie)).status, 404);
  assert.equal((await http.get("/api/recordings/../../playground.db", learner.cookie)).status, 404);
  assert.equal((await http.get("/api/recordings")).status, 401, "no cookie, no list");
  const mine = (await (await http.get("/api/recordings", learner.cookie)).json()) as { recordings: { id: string }[] };
  assert.deepEqual(mine.recordings.map((r) => r.id), [learner.recordingId]);
  const listed = await http.get(`/api/workshops/${w.id}/learners/${learner.userId}/recordings`, teacher);
  assert.equal(((await listed.json()) as { recordings: unknown[] }).recordings.length, 1);
  assert.equal((await http.get(`/api/workshops/${w.id}/learners/${learner.userId}/recordings`, other)).status, 404);
  assert.equal((await http.get(`/api/workshops/${w.id}/learners/g_notamember/recordings`, teacher)).status, 404);

  // A flood: the file stops at the limit with a marker, the shell is not held back.
  learner.socket.emit("terminal:input", learner.terminalId, "seq 1 30000; echo flood-over-$((2*2))\r");
  await learner.shell.waitFor(/flood-over-4/);
  learner.socket.emit("terminal:input", learner.terminalId, "exit\r");
  await until("the recording is finished", async () => !!(await app.db.prisma.recording.findUnique({ where: { id: learner.recordingId! } }))?.endedAt, 20_000);
  const row = (await app.db.prisma.recording.findUniqueOrThrow({ where: { id: learner.recordingId! } }))!;
  const file = path.join(config.dataDir, "recordings", `${learner.recordingId}.cast`);
  assert.equal(row.truncated, true);
  assert.ok(fs.statSync(file).size <= RECORDING_LIMIT, `file within the limit (${fs.statSync(file).size} bytes)`);
  assert.equal(row.bytes, fs.statSync(file).size);
  const ended = parseCast(fs.readFileSync(file, "utf8"));
  assert.equal(ended.events.at(-1)![1], "m", "the last event is a marker saying the limit was reached");
});

test("the progress matrix and its CSV show every learner by step; names cannot inject spreadsheet formulas", async () => {
  const w = await newWorkshop(["02-namespaces"]);
  for (const name of ["Fay", "=HYPERLINK(\"http://evil\")"]) assert.equal((await http.post(`/api/join/${w.joinCode}`, { displayName: name })).status, 200);
  const fay = (await app.db.prisma.workshopMember.findFirstOrThrow({ where: { workshopId: w.id, displayName: "Fay" } })).userId;
  await app.db.prisma.stepProgress.create({ data: { userId: fay, lessonId: "02-namespaces", stepId: "your-view", attempts: 1, passedAt: new Date() } });
  await app.db.prisma.stepProgress.create({ data: { userId: fay, lessonId: "02-namespaces", stepId: "net-inode", attempts: 3 } });

  const { matrix } = (await (await http.get(`/api/workshops/${w.id}/progress`, teacher)).json()) as {
    matrix: { steps: { stepId: string }[]; learners: { displayName: string; cells: { passedAt: string | null; attempts: number }[] }[] };
  };
  const steps = matrix.steps.map((s) => s.stepId);
  const row = matrix.learners.find((l) => l.displayName === "Fay")!;
  assert.ok(row.cells[steps.indexOf("your-view")].passedAt);
  assert.equal(row.cells[steps.indexOf("net-inode")].attempts, 3);
  assert.equal(row.cells[steps.indexOf("net-inode")].passedAt, null);

  const csv = await http.get(`/api/workshops/${w.id}/progress.csv`, teacher);
  assert.match(csv.headers.get("content-type") ?? "", /text\/csv/);
  assert.match(csv.headers.get("content-disposition") ?? "", /attachment; filename="Containers-101-progress\.csv"/);
  const lines = (await csv.text()).trim().split("\n");
  assert.equal(lines.length, 3);
  assert.match(lines[0], /^Learner,Joined,Steps done,/);
  assert.match(lines.find((l) => l.startsWith("Fay"))!, /,1,passed 20\d\d-.*,3 failed check\(s\)/);
  assert.ok(lines.some((l) => l.startsWith(`"'=HYPERLINK(""http://evil"")"`)), "a formula-like name is defused");
  assert.equal((await http.get(`/api/workshops/${w.id}/progress.csv`, other)).status, 404);
  assert.equal((await http.get(`/api/workshops/${w.id}/progress`, await guestCookie(app.url))).status, 401);
});

test("pre-warming starts sandboxes ahead of the class; each arriving learner uses one; cancelling removes the rest", async () => {
  const w = await newWorkshop();
  const url = `/api/workshops/${w.id}/prewarm`;
  assert.equal((await http.post(url, { count: 31 }, teacher)).status, 400, "more than the capacity is refused");
  assert.equal((await http.post(url, { count: "lots" }, teacher)).status, 400);
  assert.equal((await http.post(url, { count: 2 }, other)).status, 404);
  assert.equal((await http.get(url, other)).status, 404);
  assert.equal((await http.get(url, await guestCookie(app.url))).status, 401);
  const res = await http.post(url, { count: 2 }, teacher);
  assert.equal(res.status, 200);
  assert.equal(((await res.json()) as { prewarm: { reserved: number } }).prewarm.reserved, 2);
  await until("two warm sandboxes", async () => ((await (await http.get(url, teacher)).json()) as { prewarm: { ready: number } }).prewarm.ready >= 2, 120_000);

  const learner = await joinWithShell(w.joinCode, "Gus");
  assert.ok(learner.terminalId);
  const after = ((await (await http.get(url, teacher)).json()) as { prewarm: { reserved: number; ready: number } }).prewarm;
  assert.equal(after.reserved, 1, "the arriving learner used one pre-warmed sandbox");
  assert.equal((await http.post(url, { count: 0 }, teacher)).status, 200);
  assert.equal(app.pool.readyCount, 0, "cancelling removes the warm sandboxes beyond the pool's own size");
});
