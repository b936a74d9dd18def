// One shell in a sandbox that outlives the browser: its TTY process, a screen mirror, and the
// viewers (browser tabs) attached to it, each with its own flow-control window.
import { randomUUID } from "node:crypto";
import type { TtyProcess } from "../sandbox/driver";
import { DEFAULT_FLOW, FlowWindow, type FlowWindowOptions } from "./flow-control";
import { ScreenMirror } from "./screen-mirror";

const MAX_BATCH = 64 * 1024;

export interface TerminalViewer {
  id: string;
  output(data: Buffer): void;
  exit(message: string): void;
}

interface AttachedViewer {
  viewer: TerminalViewer;
  window: FlowWindow;
  /** Output that arrived while the snapshot was being made; sent right after it. */
  backlog: Buffer[] | null;
}

export interface TerminalOwner {
  sessionId: string;
  userId: string;
}

export class TerminalSession {
  readonly id = randomUUID();
  private readonly mirror: ScreenMirror;
  private readonly viewers = new Map<string, AttachedViewer>();
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private flushScheduled = false;
  private closed = false;
  private exitListeners: (() => void)[] = [];
  private activityListeners: (() => void)[] = [];

  constructor(
    readonly owner: TerminalOwner,
    private readonly proc: TtyProcess,
    size: { cols: number; rows: number },
    private readonly flow: FlowWindowOptions = DEFAULT_FLOW,
  ) {
    this.mirror = new ScreenMirror(size.cols, size.rows);
    proc.stream.on("data", (chunk: Buffer) => this.onOutput(chunk));
    proc.stream.on("end", () => this.onEnd());
    proc.stream.on("close", () => this.onEnd());
    proc.stream.on("error", () => this.onEnd());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  onExit(listener: () => void): void {
    this.exitListeners.push(listener);
  }

  /** Input or output happened (for idle tracking). */
  onActivity(listener: () => void): void {
    this.activityListeners.push(listener);
  }

  private activity(): void {
    for (const l of this.activityListeners) l();
  }

  /**
   * Attaches a viewer: it first receives the current screen, then live output, with nothing
   * duplicated or lost in between.
   */
  async attach(viewer: TerminalViewer): Promise<void> {
    if (this.closed) throw new Error("terminal has ended");
    this.viewers.delete(viewer.id);
    this.flush(); // everything received so far reaches the mirror (and other viewers) first
    const attached: AttachedViewer = { viewer, window: new FlowWindow(this.flow), backlog: [] };
    this.viewers.set(viewer.id, attached);
    const screen = await this.mirror.snapshot();
    if (this.viewers.get(viewer.id) !== attached) return; // detached meanwhile
    const backlog = attached.backlog ?? [];
    attached.backlog = null;
    this.send(attached, Buffer.from(screen, "utf8"));
    for (const chunk of backlog) this.send(attached, chunk);
  }

  detach(viewerId: string): void {
    if (!this.viewers.delete(viewerId)) return;
    this.updatePause();
  }

  isAttached(viewerId: string): boolean {
    return this.viewers.has(viewerId);
  }

  private onOutput(chunk: Buffer): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= MAX_BATCH) this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Coalesces output within one tick, so `yes` sends few large frames, not many tiny ones. */
  private flush(): void {
    this.flushScheduled = false;
    if (this.pendingBytes === 0) return;
    const data = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.mirror.write(data);
    this.activity();
    for (const v of this.viewers.values()) {
      if (v.backlog) v.backlog.push(data);
      else this.send(v, data);
    }
  }

  private send(v: AttachedViewer, data: Buffer): void {
    v.viewer.output(data);
    if (v.window.sent(data.length)) this.proc.stream.pause();
  }

  /** Output flows while no attached viewer is over its window. */
  private updatePause(): void {
    const anyPaused = [...this.viewers.values()].some((v) => v.window.isPaused);
    if (anyPaused) this.proc.stream.pause();
    else this.proc.stream.resume();
  }

  private onEnd(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    for (const v of this.viewers.values()) v.viewer.exit("The shell has exited.");
    this.viewers.clear();
    this.mirror.dispose();
    for (const l of this.exitListeners) l();
  }

  write(data: string): void {
    if (this.closed) return;
    this.activity();
    this.proc.stream.write(data);
  }

  resize(cols: number, rows: number): void {
    if (this.closed) return;
    this.mirror.resize(cols, rows);
    void this.proc.resize(cols, rows);
  }

  ack(viewerId: string, bytes: number): void {
    const v = this.viewers.get(viewerId);
    if (v && v.window.acked(bytes)) this.updatePause();
  }

  /** Ends the shell (closing the exec stream hangs up its TTY). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pending = [];
    this.viewers.clear();
    this.proc.stream.destroy();
    this.mirror.dispose();
    for (const l of this.exitListeners) l();
  }
}
