// One terminal: a TTY process in a sandbox, its output batching and flow-control window.
import { randomUUID } from "node:crypto";
import type { TtyProcess } from "../sandbox/driver";
import { DEFAULT_FLOW, FlowWindow, type FlowWindowOptions } from "./flow-control";

const MAX_BATCH = 64 * 1024;

export interface TerminalSink {
  output(data: Buffer): void;
  exit(message: string): void;
}

export class TerminalSession {
  readonly id = randomUUID();
  private readonly window: FlowWindow;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private flushScheduled = false;
  private closed = false;

  constructor(
    private readonly proc: TtyProcess,
    private readonly sink: TerminalSink,
    flow: FlowWindowOptions = DEFAULT_FLOW,
  ) {
    this.window = new FlowWindow(flow);
    proc.stream.on("data", (chunk: Buffer) => this.onOutput(chunk));
    proc.stream.on("end", () => this.onEnd());
    proc.stream.on("close", () => this.onEnd());
    proc.stream.on("error", () => this.onEnd());
  }

  get bytesInFlight(): number {
    return this.window.inFlight;
  }

  /** Coalesces output within one tick, so `yes` sends few large frames, not many tiny ones. */
  private onOutput(chunk: Buffer): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= MAX_BATCH) this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.pendingBytes === 0) return;
    const data = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.sink.output(data);
    if (this.window.sent(data.length)) this.proc.stream.pause();
  }

  private onEnd(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.sink.exit("The shell has exited.");
  }

  write(data: string): void {
    if (!this.closed) this.proc.stream.write(data);
  }

  resize(cols: number, rows: number): void {
    if (!this.closed) void this.proc.resize(cols, rows);
  }

  ack(bytes: number): void {
    if (this.window.acked(bytes)) this.proc.stream.resume();
  }

  /** Ends the shell (closing the exec stream hangs up its TTY). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pending = [];
    this.proc.stream.destroy();
  }
}
