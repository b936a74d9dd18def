// Runs a step's scripts inside a learner's sandbox. Checks and setups run as root, outside the
// learner's shell (a separate exec), with a timeout; in the hardened profile that is root of
// the learner's own user namespace. The first line of a failing check's output is the
// feedback the learner sees.
import type { Sandbox, SandboxDriver } from "../sandbox/driver";
import type { LessonStep } from "./parse";

export const CHECK_TIMEOUT_MS = 20_000;
const MAX_ANSWER = 200;

export interface CheckResult {
  passed: boolean;
  /** First line of the check's output (empty when it printed nothing). */
  feedback: string;
}

/** Cleans a learner's typed answer: one line, trimmed, bounded. Null when unusable. */
export function cleanAnswer(answer: unknown): string | null {
  if (typeof answer !== "string") return null;
  const line = answer.replace(/[\u0000-\u001f\u007f]/g, " ").trim();
  if (!line || line.length > MAX_ANSWER) return null;
  return line;
}

function firstLine(text: string): string {
  return (text.split("\n").find((l) => l.trim()) ?? "").trim().slice(0, 300);
}

/** Whether the step's once-per-sandbox set-up has run in this sandbox already (its mark is there). */
async function setUpBefore(driver: SandboxDriver, sandbox: Sandbox, step: LessonStep): Promise<boolean> {
  if (!step.setupMark) return false;
  const r = await driver.run(sandbox, { cmd: ["test", "-e", step.setupMark], user: "root", workingDir: "/", timeoutMs: CHECK_TIMEOUT_MS });
  return r.exitCode === 0;
}

async function runScript(
  driver: SandboxDriver,
  sandbox: Sandbox,
  script: string,
  opts: { user: string; env?: string[]; timeoutMs?: number },
) {
  return driver.run(sandbox, {
    // The script text goes in as an argument: nothing is written into the learner's files.
    cmd: ["bash", "-c", script, "lesson-script"],
    user: opts.user,
    workingDir: opts.user === "root" ? "/root" : "/home/ubuntu",
    env: ["LANG=C.UTF-8", ...(opts.env ?? [])],
    timeoutMs: opts.timeoutMs ?? CHECK_TIMEOUT_MS,
  });
}

export async function runCheck(driver: SandboxDriver, sandbox: Sandbox, step: LessonStep, answer?: string): Promise<CheckResult> {
  if (step.question && answer === undefined) return { passed: false, feedback: "Type your answer in the box, then press Check." };
  try {
    const r = await runScript(driver, sandbox, step.check, { user: "root", env: answer !== undefined ? [`ANSWER=${answer}`] : [] });
    return { passed: r.exitCode === 0, feedback: firstLine(r.stdout) || firstLine(r.stderr) };
  } catch (err) {
    return { passed: false, feedback: `The check could not finish (${(err as Error).message.slice(0, 120)}). Try again in a moment.` };
  }
}

/** A step's files (written once per sandbox, like the set-up they precede), then its set-up script. */
export async function runSetup(driver: SandboxDriver, sandbox: Sandbox, step: LessonStep): Promise<void> {
  if (step.files?.length && !(await setUpBefore(driver, sandbox, step))) {
    await driver.writeFiles(sandbox, step.files).catch((err: Error) => {
      throw new Error(`files of step ${step.id} could not be written: ${err.message}`);
    });
  }
  if (!step.setup) return;
  const r = await runScript(driver, sandbox, step.setup, { user: "root", timeoutMs: 60_000 });
  if (r.exitCode !== 0) throw new Error(`setup of step ${step.id} failed (${r.exitCode}): ${firstLine(r.stderr) || firstLine(r.stdout)}`);
}
