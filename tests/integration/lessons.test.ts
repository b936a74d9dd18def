// The lesson API and socket events against a real server, database and sandboxes: each
// learner's checks run in their own sandbox, progress is theirs alone, bad requests are
// refused without side effects, and a malformed lesson never reaches learners.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import type { Ack, CheckResultInfo, LessonStateInfo } from "../../lib/protocol";
import { startApp, type RunningApp } from "../../server/app";
import { call, connect, guestCookie, newLearner, type TestSocket } from "../helpers/client";
import { endAllSessions, log, requireDocker, requireSandboxImage, testConfig } from "../helpers/env";

let app: RunningApp;
const sockets: TestSocket[] = [];
const LESSON = "02-namespaces";

/** The shipped course plus one malformed lesson that must be left out. */
function courseWithABrokenLesson(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "cp-course-"));
  fs.cpSync(path.join(__dirname, "..", "..", "lessons"), root, { recursive: true });
  fs.mkdirSync(path.join(root, "99-broken"));
  fs.writeFileSync(path.join(root, "99-broken", "lesson.md"), "no front matter\n");
  return root;
}

before(async () => {
  const image = await requireSandboxImage(await requireDocker());
  app = await startApp(testConfig({ SANDBOX_IMAGE: image.ref, LESSONS_DIR: courseWithABrokenLesson() }), log, { withNext: false });
});

after(async () => {
  for (const s of sockets) s.close();
  if (!app) return;
  await endAllSessions(app);
  await app.close();
});

const learner = () => newLearner(app.url, sockets);

function lesson<T>(socket: TestSocket, event: "lesson:check" | "lesson:reveal" | "lesson:reset" | "lesson:enter", payload: unknown): Promise<Ack<T>> {
  return new Promise((resolve) => (socket.emit as (e: string, p: unknown, cb: (r: Ack<T>) => void) => void)(event, payload, resolve));
}

type CheckAck = Ack<{ result: CheckResultInfo | null; state: LessonStateInfo }>;

/** The running sandbox with this name (the server finds learners' sandboxes by identity). */
async function sandboxNamed(name: string) {
  const row = (await app.service.activeSessions()).find((r) => r.sandboxName === name);
  assert.ok(row, `an active session for ${name}`);
  const active = await app.service.active(row.userId);
  assert.ok(active);
  return active;
}

test("the course API lists valid lessons only, and a lesson's checks never leave the server", async () => {
  const res = await fetch(`${app.url}/api/lessons`);
  const body = (await res.json()) as { lessons: { id: string }[] };
  assert.ok(body.lessons.some((l) => l.id === LESSON));
  assert.ok(!body.lessons.some((l) => l.id === "99-broken"), "the malformed lesson is left out");
  const one = await fetch(`${app.url}/api/lessons/namespaces`);
  const text = await one.text();
  assert.equal(one.status, 200);
  assert.doesNotMatch(text, /#!\/bin\/bash/, "check and solve scripts are not sent to the browser");
  assert.doesNotMatch(text, /Put `sudo` in front/, "hints stay hidden until revealed");
  assert.equal((await fetch(`${app.url}/api/lessons/no-such-lesson`)).status, 404);
  assert.equal((await fetch(`${app.url}/api/lessons/..%2F..%2Fetc`)).status, 404);
});

test("bad lesson requests are refused with a clear error", async () => {
  const { socket } = await learner();
  for (const payload of [null, "x", { lessonId: LESSON }, { lessonId: "../etc", stepId: "your-view" }, { lessonId: LESSON, stepId: "your-view", answer: "x".repeat(5000) }]) {
    const res = await lesson<object>(socket, "lesson:check", payload);
    assert.equal(res.ok, false);
    if (!res.ok) assert.equal(res.error.code, "bad_request");
  }
  const unknown = await lesson<object>(socket, "lesson:check", { lessonId: "77-nothing", stepId: "x" });
  assert.equal(unknown.ok, false);
  if (!unknown.ok) assert.match(unknown.error.message, /no lesson/);
  const noSandbox = await lesson<object>(socket, "lesson:check", { lessonId: LESSON, stepId: "your-view" });
  assert.equal(noSandbox.ok, false);
  if (!noSandbox.ok) assert.equal(noSandbox.error.code, "no_sandbox");
});

test("checks run in the asking learner's own sandbox, and progress is theirs alone", async () => {
  const a = await learner();
  const b = await learner();
  const [openA, openB] = await Promise.all([call<{ sandbox: { name: string } }>(a.socket, "sandbox:open"), call<{ sandbox: { name: string } }>(b.socket, "sandbox:open")]);
  assert.ok(openA.ok && openB.ok);
  const sandboxA = await sandboxNamed(openA.sandbox.name);
  // Only A does the step.
  await app.driver.run(sandboxA.sandbox, { cmd: ["bash", "-c", "lsns > ~/my-namespaces.txt"], user: "ubuntu", workingDir: "/home/ubuntu" });

  const checkB = (await lesson(b.socket, "lesson:check", { lessonId: LESSON, stepId: "your-view" })) as CheckAck;
  assert.ok(checkB.ok);
  assert.equal(checkB.result?.passed, false, "B's sandbox has no file: B's check fails");
  const checkA = (await lesson(a.socket, "lesson:check", { lessonId: LESSON, stepId: "your-view" })) as CheckAck;
  assert.ok(checkA.ok);
  assert.equal(checkA.result?.passed, true);
  assert.equal(checkA.state.current, "full-view", "the next step is current");

  const viewB = (await (await fetch(`${app.url}/api/lessons/namespaces`, { headers: { cookie: b.cookie } })).json()) as { lesson: { state: LessonStateInfo } };
  assert.equal(viewB.lesson.state.done, 0, "B's progress does not include A's step");
  assert.equal(viewB.lesson.state.steps.find((s) => s.id === "your-view")?.attempts, 1, "B's failed manual check counts as an attempt");

  // Reveals are recorded; a reset clears this lesson only, and the sandbox reset keeps progress.
  const hint = await lesson<{ text: string; state: LessonStateInfo }>(a.socket, "lesson:reveal", { lessonId: LESSON, stepId: "full-view", what: "hint" });
  assert.ok(hint.ok && /sudo/.test(hint.text));
  const reset = await call(a.socket, "sandbox:reset");
  assert.ok(reset.ok);
  const afterReset = (await (await fetch(`${app.url}/api/lessons/namespaces`, { headers: { cookie: a.cookie } })).json()) as { lesson: { state: LessonStateInfo; steps: { id: string; hint?: string }[] } };
  assert.equal(afterReset.lesson.state.done, 1, "a new sandbox keeps the learner's progress");
  assert.match(afterReset.lesson.steps.find((s) => s.id === "full-view")?.hint ?? "", /sudo/, "a revealed hint stays revealed");
  const cleared = await lesson<{ state: LessonStateInfo }>(a.socket, "lesson:reset", { lessonId: LESSON });
  assert.ok(cleared.ok && cleared.state.done === 0);
});

test("an automatic check that fails is not counted as an attempt; question steps wait for an answer", async () => {
  const c = await learner();
  assert.ok((await call(c.socket, "sandbox:open")).ok);
  const auto = (await lesson(c.socket, "lesson:check", { lessonId: LESSON, stepId: "your-view", auto: true })) as CheckAck;
  assert.ok(auto.ok);
  assert.equal(auto.state.steps.find((s) => s.id === "your-view")?.attempts, 0);
  const question = (await lesson(c.socket, "lesson:check", { lessonId: "01-container-is-a-process", stepId: "same-kernel" })) as CheckAck;
  assert.ok(question.ok);
  assert.equal(question.result?.passed, false);
  assert.match(question.result?.feedback ?? "", /Type a one-line answer/);
  const right = (await lesson(c.socket, "lesson:check", { lessonId: "01-container-is-a-process", stepId: "same-kernel", answer: os.release() })) as CheckAck;
  assert.ok(right.ok);
  assert.equal(right.result?.passed, true, "the sandbox runs on this host's kernel, so its release is the answer");
});

test("a guest keeps their progress by naming themselves; another browser continues with name and code", async () => {
  const first = await guestCookie(app.url);
  const post = (path: string, body: unknown, cookie?: string) =>
    fetch(`${app.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) }, body: JSON.stringify(body) });
  assert.equal((await post("/api/me/name", { name: "x" }, first)).status, 400, "too short a name is refused");
  assert.equal((await post("/api/me/name", { name: "Ada" })).status, 401, "naming needs an identity");
  const named = await post("/api/me/name", { name: "Ada Lovelace" }, first);
  assert.equal(named.status, 200);
  const { code } = (await named.json()) as { code: string };
  assert.match(code, /^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
  const other = await guestCookie(app.url);
  assert.equal((await post("/api/me/name", { name: "ada lovelace" }, other)).status, 409, "names are unique, whatever the case");

  // Progress made by the named guest...
  const socket = await connect(app.url, first);
  sockets.push(socket);
  await lesson(socket, "lesson:reveal", { lessonId: LESSON, stepId: "your-view", what: "hint" });

  // ...is found from a fresh browser with name and code, and only with both.
  assert.equal((await post("/api/me/restore", { name: "Ada Lovelace", code: "wrong-wrong-wrong-wrong" })).status, 401);
  const restored = await post("/api/me/restore", { name: "ADA LOVELACE", code });
  assert.equal(restored.status, 200);
  const cookie = restored.headers.get("set-cookie")!.split(";")[0];
  const me = (await (await fetch(`${app.url}/api/me`, { headers: { cookie } })).json()) as { name: string };
  assert.equal(me.name, "Ada Lovelace");
  const view = (await (await fetch(`${app.url}/api/lessons/namespaces`, { headers: { cookie } })).json()) as { lesson: { steps: { id: string; hint?: string }[] } };
  assert.ok(view.lesson.steps.find((s) => s.id === "your-view")?.hint, "the revealed hint came along");
  assert.equal((await post("/api/me/restore", "not json")).status, 400);
});
