// One shell in a sandbox that outlives the browser: its TTY process, a screen mirror, and the
// viewers (browser tabs) attached to it, each with its own flow-control window.
import { randomUUID } from "node:crypto";
import type { TtyProcess } from "../sandbox/driver";
import { DEFAULT_FLOW, FlowWindow, type FlowWindowOptions } from "./flow-control";
import { ScreenMirror } from "./screen-mirror";

const MAX_BATCH = 64 * 1024;
/** Output less than this long after a frame of at least STREAM_FRAME bytes means a stream (seq, logs, a build)… */
const STREAMING_GAP_MS = 10;
const STREAM_FRAME = 2048;
/** …which is coalesced this long into fewer, larger frames. A lone keystroke's echo never waits. */
const COALESCE_MS = 2;

export interface TerminalViewer {
  id: string;
  output(data: Buffer): void;
  exit(message: string): void;
  /** Someone else (an instructor) took or released control of this shell; null when released. */
  control?(by: string | null): void;
  /** Who watches this shell right now (instructors' names; empty when nobody). */
  watched?(by: string[]): void;
  /** A watcher's name, shown to the learner. */
  name?: string;
}

/** Sees everything that passes through the terminal (the recorder). Must not block. */
export interface TerminalTap {
  output(data: Buffer): void;
  input(data: string): void;
  resize(cols: number, rows: number): void;
  end(): void;
}

interface AttachedViewer {
  viewer: TerminalViewer;
  window: FlowWindow;
  /** Output that arrived while the snapshot was being made; sent right after it. */
  backlog: Buffer[] | null;
}

/**
 * A watcher (an instructor) never slows the shell: when it falls behind its window it stops
 * getting frames, and once it has caught up it gets a fresh screen snapshot instead.
 */
interface Watcher {
  viewer: TerminalViewer;
  window: FlowWindow;
  /** Output arriving while a snapshot is made (null when live). */
  backlog: Buffer[] | null;
  /** Fell behind: frames are dropped until its acks catch up. */
  dropping: boolean;
}

export interface TerminalOwner {
  sessionId: string;
  userId: string;
}

export class TerminalSession {
  readonly id = randomUUID();
  private readonly mirror: ScreenMirror;
  private readonly viewers = new Map<string, AttachedViewer>();
  private readonly watchers = new Map<string, Watcher>();
  private size: { cols: number; rows: number };
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private flushScheduled = false;
  private flushTimer: NodeJS.Timeout | null = null;
  private lastFlushAt = 0;
  private lastFlushBytes = 0;
  private closed = false;
  private exitListeners: (() => void)[] = [];
  private taps: TerminalTap[] = [];
  /** The watcher (an instructor) allowed to type into this shell, if any. */
  private controller: { watcherId: string; name: string } | null = null;
  /** Set by whoever records this terminal, so the learner can download it. */
  recordingId: string | null = null;
  private activityListeners: (() => void)[] = [];

  constructor(
    readonly owner: TerminalOwner,
    private readonly proc: TtyProcess,
    size: { cols: number; rows: number },
    private readonly flow: FlowWindowOptions = DEFAULT_FLOW,
  ) {
    this.mirror = new ScreenMirror(size.cols, size.rows);
    this.size = { ...size };
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

  addTap(tap: TerminalTap): void {
    this.taps.push(tap);
  }

  /** Who is in control besides the learner (null: only the learner types). */
  get controlledBy(): string | null {
    return this.controller?.name ?? null;
  }

  /**
   * Lets a watcher type into the shell. Every attached viewer is told (the learner sees a
   * banner). Only one watcher at a time; false when someone else already has control.
   */
  takeControl(watcherId: string, name: string): boolean {
    if (this.closed || !this.watchers.has(watcherId)) return false;
    if (this.controller && this.controller.watcherId !== watcherId) return false;
    this.controller = { watcherId, name };
    for (const v of this.viewers.values()) v.viewer.control?.(name);
    return true;
  }

  /** Gives control back to the learner; true when this watcher had it. */
  releaseControl(watcherId: string): boolean {
    if (this.controller?.watcherId !== watcherId) return false;
    this.controller = null;
    for (const v of this.viewers.values()) v.viewer.control?.(null);
    return true;
  }

  /** Input from a watcher: reaches the shell only while it holds control. */
  controlWrite(watcherId: string, data: string): boolean {
    if (this.controller?.watcherId !== watcherId) return false;
    this.write(data);
    return true;
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
    this.updatePause();
    const screen = await this.mirror.snapshot();
    if (this.viewers.get(viewer.id) !== attached) return; // detached meanwhile
    const backlog = attached.backlog ?? [];
    attached.backlog = null;
    this.send(attached, Buffer.from(screen, "utf8"));
    for (const chunk of backlog) this.send(attached, chunk);
    if (this.controller) viewer.control?.(this.controller.name);
    if (this.watchers.size > 0) viewer.watched?.(this.watcherNames());
  }

  private watcherNames(): string[] {
    return [...new Set([...this.watchers.values()].map((w) => w.viewer.name ?? "An instructor"))];
  }

  /** The learner always knows who is watching. */
  private announceWatchers(): void {
    const names = this.watcherNames();
    for (const v of this.viewers.values()) v.viewer.watched?.(names);
  }

  /** The terminal's size (watchers draw at the learner's size). */
  get dimensions(): { cols: number; rows: number } {
    return { ...this.size };
  }

  /** Adds a read-only watcher: the current screen first, then live output. */
  async watch(viewer: TerminalViewer): Promise<void> {
    if (this.closed) throw new Error("terminal has ended");
    const w: Watcher = { viewer, window: new FlowWindow(this.flow), backlog: null, dropping: false };
    this.watchers.set(viewer.id, w);
    this.updatePause();
    this.announceWatchers();
    await this.resync(w);
  }

  /** Removes a watcher; returns true when it was in control (control goes back to the learner). */
  unwatch(watcherId: string): boolean {
    const hadControl = this.releaseControl(watcherId);
    if (this.watchers.delete(watcherId)) this.announceWatchers();
    this.updatePause();
    return hadControl;
  }

  watchAck(watcherId: string, bytes: number): void {
    const w = this.watchers.get(watcherId);
    if (!w) return;
    w.window.acked(bytes);
    if (w.dropping && !w.window.isPaused) void this.resync(w);
  }

  /** Sends a watcher the whole screen, then whatever arrived meanwhile; it is live again. */
  private async resync(w: Watcher): Promise<void> {
    this.flush();
    w.dropping = false;
    w.backlog = [];
    const screen = await this.mirror.snapshot();
    if (this.watchers.get(w.viewer.id) !== w) return;
    const backlog = w.backlog;
    w.backlog = null;
    // Clear first: the snapshot redraws everything from scratch.
    this.sendWatcher(w, Buffer.concat([Buffer.from("\x1bc", "utf8"), Buffer.from(screen, "utf8"), ...backlog]));
  }

  private sendWatcher(w: Watcher, data: Buffer): void {
    if (w.dropping) return;
    w.viewer.output(data);
    if (w.window.sent(data.length)) w.dropping = true; // never pauses the shell
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
      // Echoes are tiny frames, however fast the typing: only big frames in a row count as a stream.
      const streaming = this.lastFlushBytes >= STREAM_FRAME && performance.now() - this.lastFlushAt < STREAMING_GAP_MS;
      if (streaming) this.flushTimer = setTimeout(() => this.flush(), COALESCE_MS);
      else setImmediate(() => this.flush());
    }
  }

  /**
   * Sends what arrived as one frame: within a tick when the shell was quiet (echo), or within
   * a couple of milliseconds while it streams, so `seq` sends few large frames, not many tiny
   * ones (each frame costs a socket.io packet, an ack and a pass through the mirror).
   */
  private flush(): void {
    this.flushScheduled = false;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.pendingBytes === 0) return;
    this.lastFlushAt = performance.now();
    this.lastFlushBytes = this.pendingBytes;
    const data = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.mirror.write(data);
    for (const t of this.taps) t.output(data);
    this.activity();
    for (const v of this.viewers.values()) {
      if (v.backlog) v.backlog.push(data);
      else this.send(v, data);
    }
    for (const w of this.watchers.values()) {
      if (w.backlog) w.backlog.push(data);
      else this.sendWatcher(w, data);
    }
  }

  private send(v: AttachedViewer, data: Buffer): void {
    v.viewer.output(data);
    if (v.window.sent(data.length)) this.proc.stream.pause();
  }

  /**
   * Output flows while someone looks (a browser tab or an instructor) and no attached viewer
   * is over its window. With nobody looking, the shell's output waits in its TTY (the
   * program blocks, as in any terminal) instead of being pumped into the screen mirror:
   * a terminal left behind costs no work, and it resumes the moment a viewer comes back.
   */
  private updatePause(): void {
    if (this.closed) return;
    const nobody = this.viewers.size === 0 && this.watchers.size === 0;
    const anyPaused = [...this.viewers.values()].some((v) => v.window.isPaused);
    if (nobody || anyPaused) this.proc.stream.pause();
    else this.proc.stream.resume();
  }

  /** Whether the shell's output is held back (nobody looks, or a viewer is behind). */
  get outputPaused(): boolean {
    return this.proc.stream.isPaused();
  }

  private onEnd(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    for (const v of [...this.viewers.values(), ...this.watchers.values()]) v.viewer.exit("The shell has exited.");
    this.viewers.clear();
    this.watchers.clear();
    this.controller = null;
    this.mirror.dispose();
    this.endTaps();
    for (const l of this.exitListeners) l();
  }

  private endTaps(): void {
    for (const t of this.taps.splice(0)) t.end();
  }

  write(data: string): void {
    if (this.closed) return;
    this.activity();
    for (const t of this.taps) t.input(data);
    this.proc.stream.write(data);
  }

  resize(cols: number, rows: number): void {
    if (this.closed) return;
    const changed = cols !== this.size.cols || rows !== this.size.rows;
    this.size = { cols, rows };
    if (changed) for (const t of this.taps) t.resize(cols, rows);
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
    this.flush(); // the recording keeps the last output
    this.closed = true;
    this.viewers.clear();
    this.watchers.clear();
    this.controller = null;
    this.proc.stream.destroy();
    this.mirror.dispose();
    this.endTaps();
    for (const l of this.exitListeners) l();
  }
}
