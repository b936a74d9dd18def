// Imported Killercoda/Katacoda scenarios through the real app on the fake driver: the course
// lists them with their source, lesson views carry foreground scripts and Next steps but no
// scripts to peek at, entering runs the first step's set-up (assets, intro and step
// background) as root in the learner's sandbox, a verify script decides a step, a step without
// one passes on Next only, and a workshop can use a scenario (its id is no NN-slug).
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, test } from "node:test";
import type { Ack } from "../../lib/protocol";
import type { LessonSummary, LessonView } from "../../server/lessons/service";
import { call, connect, guestCookie, type TestSocket } from "../helpers/client";
import { startFastApp, type FastApp } from "../helpers/fast";
import { httpClient, staffLogin, workshopBody } from "../helpers/staff";

const ADMIN = { email: "scenarios@example.org", password: "correct horse battery" };
const KC = "killercoda-basics";
let app: FastApp;
const sockets: TestSocket[] = [];
/** Sandbox names whose learner "did" step 1 of the Killercoda fixture. */
const greeted = new Set<string>();

const ask = <T>(socket: TestSocket, event: string, payload: unknown) =>
  new Promise<Ack<T>>((resolve) => (socket.emit as (e: string, p: unknown, cb: (r: Ack<T>) => void) => void).call(socket, event, payload, resolve));

before(async () => {
  app = await startFastApp({ LESSONS_DIR: path.join(__dirname, "..", "fixtures", "scenarios"), ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
  app.fake.scripts.push((cmd, _opts, sandbox) => {
    const script = cmd.join(" ");
    // A set-up's mark: there once the set-up has run in this sandbox.
    if (cmd[0] === "test" && cmd[1] === "-e") return { exitCode: app.fake.ran.some((r) => r.sandbox === sandbox.name && r.cmd.join(" ").includes(`mark=${cmd[2]}`)) ? 0 : 1, stdout: "", stderr: "" };
    if (script.includes("No greeting in /tmp/kc-fixture/greeting.txt yet.")) {
      return greeted.has(sandbox.name) ? { exitCode: 0, stdout: "", stderr: "" } : { exitCode: 1, stdout: "No greeting in /tmp/kc-fixture/greeting.txt yet.\n", stderr: "" };
    }
    return undefined;
  });
});
after(async () => {
  for (const s of sockets) s.close();
  await app?.close();
});

test("the course lists imported scenarios with their source; a view has no scripts, but foregrounds and Next steps", async () => {
  const cookie = await guestCookie(app.url);
  const list = (await (await httpClient(app.url).get("/api/lessons", cookie)).json()) as { lessons: LessonSummary[] };
  assert.deepEqual(list.lessons.map((l) => [l.slug, l.source]), [
    ["katacoda-basics", "katacoda"],
    [KC, "killercoda"],
  ]);
  const { lesson } = (await (await httpClient(app.url).get(`/api/lessons/${KC}`, cookie)).json()) as { lesson: LessonView };
  assert.equal(lesson.source, "killercoda");
  assert.match(lesson.steps[0].foreground ?? "", /kc-fixture foreground/);
  assert.equal(lesson.steps[2].acknowledge, true);
  const raw = JSON.stringify(lesson);
  assert.doesNotMatch(raw, /kc-greet is not executable|base64 -d|step1 background/, "no verify or background script reaches the browser");
});

test("entering sets the first step up as root; verify decides; a step without verify passes on Next only", async () => {
  const socket = await connect(app.url, await guestCookie(app.url));
  sockets.push(socket);
  const opened = await call<{ sandbox: { name: string } }>(socket, "sandbox:open");
  assert.ok(opened.ok);
  const sandbox = opened.sandbox.name;
  const entered = await ask<{ state: { current: string } }>(socket, "lesson:enter", { lessonId: KC });
  assert.ok(entered.ok && entered.state.current === "step-1");
  const setup = app.fake.ran.find((r) => r.sandbox === sandbox && r.cmd.join(" ").includes("/usr/local/bin/kc-greet"));
  assert.ok(setup, "the first step's set-up ran");
  assert.equal(setup.user, "root");
  assert.match(setup.cmd.join(" "), /intro-ran[\s\S]*step1 background/);
  assert.deepEqual([...(app.fake.files.get(sandbox)?.keys() ?? [])], ["/usr/local/bin/kc-greet", "/ks/kc-fixture/notes.txt"], "its assets were written first");
  assert.match(app.fake.files.get(sandbox)!.get("/usr/local/bin/kc-greet")!.content.toString(), /hello from kc-greet/);

  const before = await ask<{ result: { passed: boolean; feedback: string } }>(socket, "lesson:check", { lessonId: KC, stepId: "step-1" });
  assert.ok(before.ok && !before.result.passed);
  assert.equal(before.result.feedback, "No greeting in /tmp/kc-fixture/greeting.txt yet.");
  greeted.add(sandbox);
  const after1 = await ask<{ result: { passed: boolean }; state: { current: string } }>(socket, "lesson:check", { lessonId: KC, stepId: "step-1" });
  assert.ok(after1.ok && after1.result.passed);
  assert.equal(after1.state.current, "step-2");
  const after2 = await ask<{ result: { passed: boolean }; state: { current: string } }>(socket, "lesson:check", { lessonId: KC, stepId: "step-2" });
  assert.ok(after2.ok && after2.result.passed && after2.state.current === "step-3");

  const auto = await ask<{ result: null; state: { done: number } }>(socket, "lesson:check", { lessonId: KC, stepId: "step-3", auto: true });
  assert.ok(auto.ok && auto.result === null && auto.state.done === 2, "an automatic check never passes a Next step");
  const next = await ask<{ result: { passed: boolean }; state: { done: number; current: string | null } }>(socket, "lesson:check", { lessonId: KC, stepId: "step-3" });
  assert.ok(next.ok && next.result.passed);
  assert.equal(next.state.done, 3);
  assert.equal(next.state.current, null);
});

test("a workshop can use an imported scenario", async () => {
  const teacher = await staffLogin(app.url, ADMIN.email, ADMIN.password);
  const res = await httpClient(app.url).post("/api/workshops", workshopBody([KC, "katacoda-basics"]), teacher);
  assert.equal(res.status, 201, await res.clone().text());
  const unknown = await httpClient(app.url).post("/api/workshops", workshopBody(["refused-kubernetes"]), teacher);
  assert.equal(unknown.status, 400, "a refused scenario is no lesson of this course");
});

test("a second enter while the step is being set up waits for that set-up: every reply means the step is ready", async () => {
  const socket = await connect(app.url, await guestCookie(app.url));
  sockets.push(socket);
  const opened = await call<{ sandbox: { name: string } }>(socket, "sandbox:open");
  assert.ok(opened.ok);
  // This learner's set-up takes a while, and says when it finished.
  let release!: () => void;
  const slow = new Promise<void>((r) => (release = r));
  let setupDone = false;
  app.fake.scripts.unshift(async (cmd, _opts, sandbox) => {
    if (sandbox.name !== opened.sandbox.name || !cmd.join(" ").includes("step1 background")) return undefined;
    await slow;
    setupDone = true;
    return { exitCode: 0, stdout: "", stderr: "" };
  });
  const replies = [ask(socket, "lesson:enter", { lessonId: KC }), ask(socket, "lesson:enter", { lessonId: KC })];
  const doneAtReply: boolean[] = [];
  for (const r of replies) void r.then(() => doneAtReply.push(setupDone));
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(doneAtReply, [], "neither reply comes before the set-up has finished");
  release();
  await Promise.all(replies);
  assert.deepEqual(doneAtReply, [true, true]);
  assert.equal(app.fake.ran.filter((r) => r.sandbox === opened.sandbox.name && r.cmd.join(" ").includes("step1 background")).length, 1, "the set-up ran once");
});
