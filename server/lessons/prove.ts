// Proves a lesson in a fresh sandbox: for each step in order, setup, then the check must fail,
// the solution is typed into a terminal as the learner would type it, and the check must pass.
// Used by `npm run lessons:test` and by the course test in CI.
import type { Sandbox, SandboxDriver } from "../sandbox/driver";
import { runCheck, runSetup } from "./checks";
import type { Lesson } from "./parse";
import { typeScript } from "./typed";

export interface StepProof {
  step: string;
  failedBefore: boolean;
  passedAfter: boolean;
  detail: string;
}

export async function proveLesson(driver: SandboxDriver, sandbox: Sandbox, lesson: Lesson): Promise<StepProof[]> {
  const proofs: StepProof[] = [];
  for (const step of lesson.steps) {
    await runSetup(driver, sandbox, step);
    // A question is answered wrongly first, then with what the solution prints.
    const before = await runCheck(driver, sandbox, step, step.question ? "not-the-answer" : undefined);
    const solved = await typeScript(driver, sandbox, step.solve, { user: "ubuntu", timeoutMs: 240_000 }).catch((err: Error) => ({
      exitCode: -1,
      lastOutput: "",
      transcript: err.message,
    }));
    const answer = step.question ? solved.lastOutput.split("\n").pop()?.trim() : undefined;
    const after = await runCheck(driver, sandbox, step, answer);
    proofs.push({
      step: step.id,
      failedBefore: !before.passed,
      passedAfter: after.passed,
      detail: [
        `before: ${before.passed ? "passed (it must fail first)" : `failed: ${before.feedback}`}`,
        `typed solution exit ${solved.exitCode}${solved.exitCode !== 0 ? `: ${solved.transcript.trim().split("\n").slice(-3).join(" / ")}` : ""}`,
        `after: ${after.passed ? "passed" : `failed: ${after.feedback}`}${answer !== undefined ? ` (answer "${answer}")` : ""}`,
      ].join("; "),
    });
    if (!after.passed) break; // later steps build on this one
  }
  return proofs;
}
