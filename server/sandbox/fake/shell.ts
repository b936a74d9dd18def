// A pretend shell behind a TTY, for the fake driver: it echoes what is typed, edits the line
// (backspace, Ctrl-C, Ctrl-D), prints the sandbox's prompt with the private OSC marker the
// lesson player listens for, and runs a few commands (echo, yes, stty size, exit, plus any the
// test gives it). Output respects backpressure: `yes` floods only as fast as it is read, so
// flow control and pausing behave as with a real shell.
import { Duplex } from "node:stream";
import { PROMPT_OSC } from "../../../lib/protocol";

/** A command of the fake shell: prints what it returns (lines joined by CRLF). */
export type FakeCommand = (args: string[], shell: FakeShell) => string | undefined;

export class FakeShell extends Duplex {
  private line = "";
  private flooding: string | null = null;
  private waiting = false;
  private floodScheduled = false;
  private exited = false;
  cols: number;
  rows: number;
  /** Everything typed, as received (tests read it). */
  typed = "";

  constructor(
    private readonly prompt: string,
    size: { cols: number; rows: number },
    private readonly commands: Map<string, FakeCommand>,
    greeting = "",
  ) {
    super();
    this.cols = size.cols;
    this.rows = size.rows;
    setImmediate(() => {
      if (greeting) this.push(`${greeting.replace(/\n/g, "\r\n")}\r\n`);
      this.showPrompt();
    });
  }

  get hasExited(): boolean {
    return this.exited;
  }

  private showPrompt(): void {
    this.push(`\x1b]${PROMPT_OSC};prompt\x07${this.prompt}`);
  }

  override _read(): void {
    if (this.waiting && this.flooding !== null) {
      this.waiting = false;
      this.flood();
    }
  }

  /**
   * `yes`: prints until Ctrl-C, only as fast as the reader takes it, one chunk per turn of the
   * event loop (a flowing stream hands each chunk on at once, so a loop would never yield).
   */
  private flood(): void {
    if (this.flooding === null || this.floodScheduled) return;
    this.floodScheduled = true;
    setImmediate(() => {
      this.floodScheduled = false;
      if (this.flooding === null) return;
      if (this.push(`${this.flooding}\r\n`.repeat(64))) this.flood();
      else this.waiting = true;
    });
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    const text = chunk.toString("utf8");
    this.typed += text;
    for (const ch of text) this.key(ch);
    done();
  }

  private key(ch: string): void {
    if (this.exited) return;
    if (ch === "\x03") {
      this.flooding = null;
      this.line = "";
      this.push("^C\r\n");
      this.showPrompt();
    } else if (this.flooding !== null) {
      return; // a running program has the terminal
    } else if (ch === "\r" || ch === "\n") {
      this.push("\r\n");
      const line = this.line;
      this.line = "";
      this.run(line);
    } else if (ch === "\x7f" || ch === "\b") {
      if (this.line) {
        this.line = this.line.slice(0, -1);
        this.push("\b \b");
      }
    } else if (ch === "\x04" && !this.line) {
      this.exit();
    } else if (ch === "\x15") {
      this.push("\b \b".repeat(this.line.length));
      this.line = "";
    } else if (ch >= " " || ch === "\t") {
      this.line += ch;
      this.push(ch);
    }
  }

  private run(line: string): void {
    const [name = "", ...args] = line.trim().split(/\s+/).filter(Boolean);
    if (!name) return this.showPrompt();
    if (name === "exit") return this.exit();
    if (name === "yes") {
      this.flooding = args.join(" ") || "y";
      return this.flood();
    }
    const command = this.commands.get(name) ?? BUILTINS.get(name);
    const out = command ? command(args, this) : `bash: ${name}: command not found`;
    if (out !== undefined && out !== "") this.push(`${out.replace(/\r?\n/g, "\r\n")}\r\n`);
    this.showPrompt();
  }

  exit(): void {
    if (this.exited) return;
    this.exited = true;
    this.flooding = null;
    this.push("logout\r\n");
    this.push(null);
    this.emit("close");
  }

  override _destroy(err: Error | null, done: (err: Error | null) => void): void {
    this.exited = true;
    this.flooding = null;
    done(err);
  }
}

const BUILTINS = new Map<string, FakeCommand>([
  ["echo", (args) => args.join(" ")],
  ["true", () => ""],
  ["stty", (args, shell) => (args[0] === "size" ? `${shell.rows} ${shell.cols}` : "")],
]);
