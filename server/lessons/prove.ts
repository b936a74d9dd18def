// Proves a lesson in a fresh sandbox: for each step in order, setup, then the check must fail,
// the solution is typed into a terminal as the learner would type it, and the check must pass.
// Used by `npm run lessons:test` and by the course test in CI.
//
// Alternative solutions (steps/<id>/solve-alt.sh, solve-alt-2.sh, ...) are proven by variants,
// each in a fresh sandbox: an author proves one alternative at a time (every other step typed
// with its solve.sh), and the course test proves them all together, the k-th alternative of
// every step in one run, so the rest of the lesson is proven to work after each of them
// (docs/lessons.md, "Alternative solutions").
import type { Sandbox, SandboxDriver } from "../sandbox/driver";
import { runCheck, runSetup } from "./checks";
import { shellUserOf, type Lesson, type LessonStep } from "./parse";
import { typeScript } from "./typed";

export interface StepProof {
  step: string;
  /** The file typed for this step: solve.sh or an alternative. */
  solution: string;
  failedBefore: boolean;
  passedAfter: boolean;
  detail: string;
  /** The step could not be proven (an imported scenario's step without a solution or without a verify script); not a failure. */
  unproven?: string;
}

/** One way through a lesson: every step's solve.sh, except the steps that choose an alternative. */
export interface LessonVariant {
  /** "main", "<step>/<alternative file>", or "alternatives-<k>" (see alternativeRuns). */
  name: string;
  /** Step id → the alternative file typed for it instead of solve.sh. */
  choices: Record<string, string>;
}

const MAIN: LessonVariant = { name: "main", choices: {} };

/** The main way through the lesson, then one variant per alternative solution (for authors). */
export function lessonVariants(lesson: Lesson): LessonVariant[] {
  const variants: LessonVariant[] = [MAIN];
  for (const step of lesson.steps) {
    for (const alt of step.alternatives) variants.push({ name: `${step.id}/${alt.name}`, choices: { [step.id]: alt.name } });
  }
  return variants;
}

/**
 * The main way, then as few runs as cover every alternative (the course test in CI): run k
 * types the k-th alternative of every step that has one. A learner who solves several steps
 * their own way meets exactly this, so each alternative must leave a state the later steps
 * (and their alternatives) accept.
 */
export function alternativeRuns(lesson: Lesson): LessonVariant[] {
  const most = Math.max(0, ...lesson.steps.map((s) => s.alternatives.length));
  const runs: LessonVariant[] = [MAIN];
  for (let k = 0; k < most; k++) {
    const choices = Object.fromEntries(lesson.steps.filter((s) => s.alternatives[k]).map((s) => [s.id, s.alternatives[k].name]));
    runs.push({ name: `alternatives-${k + 1}`, choices });
  }
  return runs;
}

function solutionFor(step: LessonStep, variant: LessonVariant): { name: string; script: string } {
  const chosen = variant.choices[step.id];
  if (!chosen) return { name: "solve.sh", script: step.solve };
  const alt = step.alternatives.find((a) => a.name === chosen);
  if (!alt) throw new Error(`step ${step.id} has no alternative solution ${chosen}`);
  return alt;
}

export async function proveLesson(driver: SandboxDriver, sandbox: Sandbox, lesson: Lesson, variant: LessonVariant = MAIN): Promise<StepProof[]> {
  const proofs: StepProof[] = [];
  for (const step of lesson.steps) {
    // Imported scenarios have no solutions in their standard format, and steps without a
    // verify script pass on "Next": such steps are set up and reported, not failed.
    const cannot = !step.solve.trim() ? "cannot prove: no solution" : step.acknowledge ? "cannot prove: no verify script (the step passes on Next)" : null;
    if (cannot) {
      await runSetup(driver, sandbox, step);
      proofs.push({ step: step.id, solution: "none", failedBefore: false, passedAfter: false, detail: cannot, unproven: cannot });
      continue;
    }
    const solution = solutionFor(step, variant);
    await runSetup(driver, sandbox, step);
    // A question is answered wrongly first, then with what the solution prints.
    const before = await runCheck(driver, sandbox, step, step.question ? "not-the-answer" : undefined);
    // The check after the solution runs while the typed shell still sits at its prompt, as a
    // learner's does when the player checks automatically.
    let after: Awaited<ReturnType<typeof runCheck>> | null = null;
    let answer: string | undefined;
    const solved = await typeScript(driver, sandbox, solution.script, {
      user: shellUserOf(lesson),
      timeoutMs: 240_000,
      beforeExit: async (typed) => {
        answer = step.question ? typed.lastOutput.split("\n").pop()?.trim() : undefined;
        after = await runCheck(driver, sandbox, step, answer);
      },
    }).catch((err: Error) => ({
      exitCode: -1,
      lastOutput: "",
      transcript: err.message,
    }));
    after ??= await runCheck(driver, sandbox, step, answer);
    proofs.push({
      step: step.id,
      solution: solution.name,
      failedBefore: !before.passed,
      passedAfter: after.passed,
      detail: [
        `before: ${before.passed ? "passed (it must fail first)" : `failed: ${before.feedback}`}`,
        `typed ${solution.name}, exit ${solved.exitCode}${solved.exitCode !== 0 ? `: ${solved.transcript.trim().split("\n").slice(-3).join(" / ")}` : ""}`,
        `after: ${after.passed ? "passed" : `failed: ${after.feedback}`}${answer !== undefined ? ` (answer "${answer}")` : ""}`,
      ].join("; "),
    });
    if (!after.passed) break; // later steps build on this one
  }
  return proofs;
}
