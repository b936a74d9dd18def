// Turns a terminal's traffic into asciicast v2 lines (https://docs.asciinema.org/manual/asciicast/v2/):
// a JSON header, then one [seconds, code, data] event per line. Pure: the caller decides where
// lines go. A recording stops growing at maxBytes and ends with a marker saying so.
import { StringDecoder } from "node:string_decoder";
import type { TerminalTap } from "../terminal/terminal-session";

export interface CastHeader {
  width: number;
  height: number;
  /** Unix seconds when the recording started. */
  timestamp: number;
  title?: string;
}

export interface CastWriterOptions {
  maxBytes: number;
  /** Record keystrokes as "i" events too. */
  input: boolean;
  /** Seconds since some fixed point (tests pass a fake clock). */
  now?: () => number;
}

const LIMIT_NOTE = "The recording reached its size limit; the rest of this session was not recorded.";
/** Room kept for the closing marker so the file never exceeds maxBytes. */
const MARKER_RESERVE = 160;

function monotonicSeconds(): number {
  return Number(process.hrtime.bigint() / 1000n) / 1e6;
}

export class CastWriter implements TerminalTap {
  private readonly decoder = new StringDecoder("utf8");
  private readonly now: () => number;
  private readonly start: number;
  private written = 0;
  private full = false;
  private ended = false;

  constructor(
    private readonly sink: (line: string) => void,
    header: CastHeader,
    private readonly opts: CastWriterOptions,
    private readonly onEnd: (summary: { bytes: number; truncated: boolean }) => void = () => undefined,
  ) {
    this.now = opts.now ?? monotonicSeconds;
    this.start = this.now();
    const env = { TERM: "xterm-256color", SHELL: "/bin/bash" };
    this.emit(`${JSON.stringify({ version: 2, width: header.width, height: header.height, timestamp: Math.floor(header.timestamp), env, ...(header.title ? { title: header.title } : {}) })}\n`);
  }

  get bytes(): number {
    return this.written;
  }

  get truncated(): boolean {
    return this.full;
  }

  output(data: Buffer): void {
    if (this.full || this.ended) return; // past the limit: no decoding on the shell's hot path
    // The decoder holds back a multi-byte character split across chunks.
    const text = this.decoder.write(data);
    if (text) this.event("o", text);
  }

  input(data: string): void {
    if (this.opts.input) this.event("i", data);
  }

  resize(cols: number, rows: number): void {
    this.event("r", `${cols}x${rows}`);
  }

  end(): void {
    if (this.ended) return;
    const rest = this.decoder.end();
    if (rest) this.event("o", rest);
    this.ended = true;
    this.onEnd({ bytes: this.written, truncated: this.full });
  }

  private event(code: "o" | "i" | "r", data: string): void {
    if (this.ended || this.full) return;
    const line = this.line(code, data);
    if (this.written + Buffer.byteLength(line) > this.opts.maxBytes - MARKER_RESERVE) {
      this.full = true;
      this.emit(this.line("m", LIMIT_NOTE));
      return;
    }
    this.emit(line);
  }

  private line(code: string, data: string): string {
    const t = Math.max(0, this.now() - this.start);
    return `${JSON.stringify([Math.round(t * 1e6) / 1e6, code, data])}\n`;
  }

  private emit(line: string): void {
    this.written += Buffer.byteLength(line);
    this.sink(line);
  }
}
