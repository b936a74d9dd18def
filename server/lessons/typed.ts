// Types a step's solution into a real terminal, the way a learner would: a login shell as
// ubuntu with a TTY (as the browser's), one line at a time, each after the shell is ready
// for it (its prompt, or "> " while a here-document or a quoted line continues). Commands
// that behave differently with a terminal (sudo, docker run -t, pagers) are proven as typed.
import type { Sandbox, SandboxDriver } from "../sandbox/driver";

/** The private OSC the sandbox's bash prints before every prompt (sandbox-images/rootfs/etc/container-playground/bashrc). */
const PROMPT_MARK = "\x1b]6973;prompt\x07";
/** bash's PS2 at the end of the output (escape sequences removed): the typed line continues. */
const CONTINUATION = /(?:^|\n)> $/;
const ANSI = /\x1b\][^\x07]*\x07|\x1b\[[0-9;?>=]*[ -/]*[@-~]|\x1b[()][A-Z0-9]|\x1b[=>78]/g;
const EXIT_MARK = "__cp_typed_exit_";

export interface TypedResult {
  exitCode: number;
  /** What the last command printed (no echo, prompts or escape sequences). */
  lastOutput: string;
  /** The whole screen's text, for reports. */
  transcript: string;
}

/** Lines a learner would type: the script without its shebang. */
export function linesToType(script: string): string[] {
  const lines = script.replace(/\r\n/g, "\n").split("\n");
  if (lines[0]?.startsWith("#!")) lines.shift();
  while (lines.length && lines.at(-1)!.trim() === "") lines.pop();
  return lines;
}

export function plainText(s: string): string {
  return s.replace(ANSI, "").replace(/\r/g, "");
}

export async function typeScript(
  driver: SandboxDriver,
  sandbox: Sandbox,
  script: string,
  opts: { user?: string; timeoutMs?: number } = {},
): Promise<TypedResult> {
  const user = opts.user ?? "ubuntu";
  const deadline = Date.now() + (opts.timeoutMs ?? 180_000);
  const proc = await driver.openTty(
    sandbox,
    { cmd: ["bash", "-l"], user, workingDir: user === "root" ? "/root" : `/home/${user}`, env: ["TERM=xterm-256color", "LANG=C.UTF-8"] },
    { cols: 200, rows: 50 },
  );
  let text = "";
  let wake: (() => void) | null = null;
  proc.stream.on("data", (b: Buffer) => {
    text += b.toString("utf8");
    wake?.();
  });
  let ended = false;
  proc.stream.on("end", () => ((ended = true), wake?.()));
  proc.stream.on("close", () => ((ended = true), wake?.()));

  const waitFor = async (from: number, done: (since: string) => boolean, what: string) => {
    while (!done(text.slice(from))) {
      if (ended) throw new Error(`the shell ended while waiting for ${what}; screen: ${plainText(text).slice(-600)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; screen: ${plainText(text).slice(-600)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1000));
        wake = () => (clearTimeout(timer), resolve());
      });
      wake = null;
    }
  };
  const ready = (since: string) => since.includes(PROMPT_MARK) || CONTINUATION.test(plainText(since));

  try {
    await waitFor(0, (s) => s.includes(PROMPT_MARK), "the first prompt");
    let lastStart = text.length;
    for (const line of linesToType(script)) {
      lastStart = text.length;
      proc.stream.write(`${line}\r`);
      await waitFor(lastStart, ready, `the shell after typing: ${line}`);
    }
    const lastOutput = outputOfLastCommand(text.slice(lastStart));
    const from = text.length;
    proc.stream.write(`echo "${EXIT_MARK}$?_"\r`);
    await waitFor(from, (s) => new RegExp(`${EXIT_MARK}(\\d+)_`).test(plainText(s)), "the exit status");
    const exitCode = Number(new RegExp(`${EXIT_MARK}(\\d+)_`).exec(plainText(text.slice(from)))![1]);
    return { exitCode, lastOutput, transcript: plainText(text) };
  } finally {
    proc.stream.end("exit\r");
    proc.stream.destroy();
  }
}

/** The output of the command typed at the start of `chunk`: after its echoed line, before the next prompt. */
function outputOfLastCommand(chunk: string): string {
  const beforePrompt = chunk.split(PROMPT_MARK)[0];
  const lines = plainText(beforePrompt).split("\n");
  lines.shift(); // the echo of the typed line
  return lines.join("\n").trim();
}
