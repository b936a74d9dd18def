// How imported scenarios behave in the course service and the prover, with stand-ins for the
// database and the sandbox: a step without verify passes on Next only (never automatically),
// the lesson view carries the source and the foreground script, and lessons:test reports
// steps it cannot prove instead of failing.
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import type { Logger } from "../../server/log";
import { loadCourse } from "../../server/lessons/parse";
import type { LessonState, ProgressService } from "../../server/lessons/progress";
import { proveLesson } from "../../server/lessons/prove";
import { LessonService } from "../../server/lessons/service";
import type { Sandbox, SandboxDriver, SandboxFile } from "../../server/sandbox/driver";
import type { PlaygroundService } from "../../server/sessions/playground-service";

const course = loadCourse(path.join(__dirname, "..", "fixtures", "scenarios"));
const kc = course.lessons.find((l) => l.slug === "killercoda-basics")!;
const sandbox = { name: "sb-1" } as Sandbox;

function fakes() {
  const passed = new Set<string>();
  const runs: string[][] = [];
  const progress = {
    async lessonState(_u: string, lesson: typeof kc): Promise<LessonState> {
      const steps = lesson.steps.map((s) => ({ id: s.id, passed: passed.has(s.id), passedAt: null, attempts: 0, hintShown: false, solutionShown: false, lastFeedback: null }));
      return { lessonId: lesson.id, steps, current: steps.find((s) => !s.passed)?.id ?? null, done: passed.size, total: steps.length };
    },
    async recordCheck(_u: string, _l: string, stepId: string, ok: boolean) {
      if (ok) passed.add(stepId);
    },
    async courseCounts() {
      return new Map<string, number>();
    },
  } as unknown as ProgressService;
  const driver = {
    async run(_s: Sandbox, opts: { cmd: string[] }) {
      runs.push(opts.cmd);
      return { exitCode: 0, stdout: "", stderr: "" };
    },
  } as unknown as SandboxDriver;
  const sessions = { active: async () => ({ sandbox }) } as unknown as PlaygroundService;
  const log = { info() {}, warn() {} } as unknown as Logger;
  return { passed, runs, service: new LessonService(course.lessons, { progress, sessions, driver, log }) };
}

test("a step without verify is skipped by automatic checks and passes when the learner presses Next", async () => {
  const { passed, service } = fakes();
  passed.add("step-1");
  passed.add("step-2");
  const auto = await service.check("u1", kc.id, "step-3", undefined, true);
  assert.equal(auto.result, null);
  assert.ok(!passed.has("step-3"));
  const next = await service.check("u1", kc.id, "step-3", undefined, false);
  assert.equal(next.result?.passed, true);
  assert.ok(passed.has("step-3"));
});

test("the list and the view say where a lesson comes from; steps carry their foreground and Next", async () => {
  const { service } = fakes();
  const list = await service.list("u1");
  assert.deepEqual(list.map((l) => l.source), ["katacoda", "killercoda"]);
  const view = await service.view("killercoda-basics", "u1");
  assert.equal(view.source, "killercoda");
  assert.match(view.steps[0].foreground!, /kc-fixture foreground/);
  assert.equal(view.steps[0].acknowledge, undefined);
  assert.equal(view.steps[2].acknowledge, true);
  assert.equal((view.steps[0] as unknown as Record<string, unknown>).check, undefined, "no scripts reach the browser");
});

test("the prover sets up and reports steps without a solution as unproven, not failed", async () => {
  const { runs } = fakes();
  const written: string[] = [];
  const driver = {
    // `test -e MARK` fails: a fresh sandbox, where step 1's set-up has not run.
    run: async (_s: Sandbox, o: { cmd: string[] }) => (runs.push(o.cmd), { exitCode: o.cmd[0] === "test" ? 1 : 0, stdout: "", stderr: "" }),
    writeFiles: async (_s: Sandbox, files: SandboxFile[]) => void written.push(...files.map((f) => f.path)),
  } as unknown as SandboxDriver;
  const proofs = await proveLesson(driver, sandbox, kc);
  assert.deepEqual(proofs.map((p) => [p.step, p.unproven]), [
    ["step-1", "cannot prove: no solution"],
    ["step-2", "cannot prove: no solution"],
    ["step-3", "cannot prove: no solution"],
  ]);
  assert.deepEqual(runs.map((cmd) => cmd[0]), ["test", "bash"], "only step 1 has a set-up: its mark is looked for, then it runs");
  assert.deepEqual(written, ["/usr/local/bin/kc-greet", "/ks/kc-fixture/notes.txt"], "its assets are written before");
  assert.match(runs[1][2], /chmod '\+x' '\/usr\/local\/bin\/kc-greet'/);
});
