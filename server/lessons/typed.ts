// Types a step's solution into a real terminal, the way a learner would: a login shell as
// ubuntu with a TTY (as the browser's), one line at a time, each after the shell is ready
// for it (its prompt, or "> " while a here-document or a quoted line continues). Commands
// that behave differently with a terminal (sudo, docker run -t, pagers) are proven as typed.
//
// Two kinds of comment line are directions to the typist (docs/lessons.md): "# type: TEXT"
// types TEXT into whatever program has the terminal (a container's shell after docker attach
// or docker exec -it), and "# keys: Ctrl-P Ctrl-Q" presses keys. A line followed by such a
// direction hands the terminal to another program, so the typist waits until the screen is
// quiet instead of for bash's prompt; after the last direction, bash's prompt is back.
import type { Sandbox, SandboxDriver } from "../sandbox/driver";
import { keyBytes, KEYS_DIRECTIVE, TYPE_DIRECTIVE } from "./marks";

/** The private OSC the sandbox's bash prints before every prompt (sandbox-images/rootfs/etc/container-playground/bashrc). */
const PROMPT_MARK = "\x1b]6973;prompt\x07";
/** bash's PS2 at the end of the output (escape sequences removed): the typed line continues. */
const CONTINUATION = /(?:^|\n)> $/;
const ANSI = /\x1b\][^\x07]*\x07|\x1b\[[0-9;?>=]*[ -/]*[@-~]|\x1b[()][A-Z0-9]|\x1b[=>78]/g;
const EXIT_MARK = "__cp_typed_exit_";
/** How long the screen must stay unchanged before typing into a program that is not bash. */
const QUIET_MS = 1000;

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

/** What typing one solution line sends: a directive's keys or text, else the line and Enter. */
export function bytesForLine(line: string): string {
  const keys = KEYS_DIRECTIVE.exec(line);
  if (keys) {
    return keys[1]
      .split(/[\s,]+/)
      .filter(Boolean)
      .map((k) => {
        const b = keyBytes(k);
        if (b === null) throw new Error(`unknown key "${k}" in "${line}" (use Ctrl-A ... Ctrl-Z, Enter, Tab, Esc)`);
        return b;
      })
      .join("");
  }
  const typed = TYPE_DIRECTIVE.exec(line);
  return `${typed ? typed[1] : line}\r`;
}

export function isDirective(line: string | undefined): boolean {
  return line !== undefined && (KEYS_DIRECTIVE.test(line) || TYPE_DIRECTIVE.test(line));
}

export function plainText(s: string): string {
  return s.replace(ANSI, "").replace(/\r/g, "");
}

export async function typeScript(
  driver: SandboxDriver,
  sandbox: Sandbox,
  script: string,
  opts: {
    user?: string;
    timeoutMs?: number;
    /** Runs while the shell is still open at its prompt, as a learner's is when their checks run. */
    beforeExit?: (result: TypedResult) => Promise<void>;
  } = {},
): Promise<TypedResult> {
  const user = opts.user ?? "ubuntu";
  const deadline = Date.now() + (opts.timeoutMs ?? 180_000);
  const proc = await driver.openTty(
    sandbox,
    { cmd: ["bash", "-l"], user, workingDir: user === "root" ? "/root" : `/home/${user}`, env: ["TERM=xterm-256color", "LANG=C.UTF-8"] },
    { cols: 200, rows: 50 },
  );
  let text = "";
  let lastDataAt = Date.now();
  let wake: (() => void) | null = null;
  proc.stream.on("data", (b: Buffer) => {
    text += b.toString("utf8");
    lastDataAt = Date.now();
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
        const timer = setTimeout(resolve, Math.min(left, 250));
        wake = () => (clearTimeout(timer), resolve());
      });
      wake = null;
    }
  };
  const ready = (since: string) => since.includes(PROMPT_MARK) || CONTINUATION.test(plainText(since));

  try {
    await waitFor(0, (s) => s.includes(PROMPT_MARK), "the first prompt");
    let lastStart = text.length;
    const lines = linesToType(script);
    for (const [i, line] of lines.entries()) {
      lastStart = text.length;
      const sentAt = Date.now();
      proc.stream.write(bytesForLine(line));
      if (isDirective(lines[i + 1])) {
        // The next line goes to another program (a container's shell): wait until it is quiet.
        await waitFor(lastStart, () => Date.now() - Math.max(lastDataAt, sentAt) >= QUIET_MS, `a quiet screen after typing: ${line}`);
      } else {
        await waitFor(lastStart, ready, `the shell after typing: ${line}`);
      }
    }
    const lastOutput = outputOfLastCommand(text.slice(lastStart));
    const from = text.length;
    proc.stream.write(`echo "${EXIT_MARK}$?_"\r`);
    await waitFor(from, (s) => new RegExp(`${EXIT_MARK}(\\d+)_`).test(plainText(s)), "the exit status");
    const exitCode = Number(new RegExp(`${EXIT_MARK}(\\d+)_`).exec(plainText(text.slice(from)))![1]);
    const result = { exitCode, lastOutput, transcript: plainText(text) };
    await opts.beforeExit?.(result);
    return result;
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
