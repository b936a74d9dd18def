// Proves a lesson in a fresh sandbox: for each step in order, setup, then the check must fail,
// the solution is typed into a terminal as the learner would type it, and the check must pass.
// Used by `npm run lessons:test` and by the course test in CI.
//
// Alternative solutions (steps/<id>/solve-alt.sh, solve-alt-2.sh, ...) are proven by variants:
// one more fresh sandbox per alternative, where every step before it is solved with its
// solve.sh, that step with the alternative, and every later step with its solve.sh again. So
// each alternative starts from exactly the state a learner has before the step, and the rest
// of the lesson is proven to work after it (docs/lessons.md, "Alternative solutions").
import type { Sandbox, SandboxDriver } from "../sandbox/driver";
import { runCheck, runSetup } from "./checks";
import type { Lesson, LessonStep } from "./parse";
import { typeScript } from "./typed";

export interface StepProof {
  step: string;
  /** The file typed for this step: solve.sh or an alternative. */
  solution: string;
  failedBefore: boolean;
  passedAfter: boolean;
  detail: string;
}

/** One way through a lesson: every step's solve.sh, or one step's alternative. */
export interface LessonVariant {
  /** "main", or "<step>/<alternative file>". */
  name: string;
  step?: string;
  alternative?: string;
}

/** The main way through the lesson, then one variant per alternative solution. */
export function lessonVariants(lesson: Lesson): LessonVariant[] {
  const variants: LessonVariant[] = [{ name: "main" }];
  for (const step of lesson.steps) {
    for (const alt of step.alternatives) variants.push({ name: `${step.id}/${alt.name}`, step: step.id, alternative: alt.name });
  }
  return variants;
}

function solutionFor(step: LessonStep, variant: LessonVariant): { name: string; script: string } {
  if (variant.step !== step.id) return { name: "solve.sh", script: step.solve };
  const alt = step.alternatives.find((a) => a.name === variant.alternative);
  if (!alt) throw new Error(`step ${step.id} has no alternative solution ${variant.alternative}`);
  return alt;
}

export async function proveLesson(driver: SandboxDriver, sandbox: Sandbox, lesson: Lesson, variant: LessonVariant = { name: "main" }): Promise<StepProof[]> {
  const proofs: StepProof[] = [];
  for (const step of lesson.steps) {
    const solution = solutionFor(step, variant);
    await runSetup(driver, sandbox, step);
    // A question is answered wrongly first, then with what the solution prints.
    const before = await runCheck(driver, sandbox, step, step.question ? "not-the-answer" : undefined);
    // The check after the solution runs while the typed shell still sits at its prompt, as a
    // learner's does when the player checks automatically.
    let after: Awaited<ReturnType<typeof runCheck>> | null = null;
    let answer: string | undefined;
    const solved = await typeScript(driver, sandbox, solution.script, {
      user: "ubuntu",
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
