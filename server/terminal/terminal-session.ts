// One shell in a sandbox that outlives the browser: its TTY process, a screen mirror, and
// everyone looking at it. Two kinds of audience, one list:
// - a learner's tab (a "viewer"): gets the screen, then live output; when it falls a flow
//   window behind, the shell pauses until it catches up (nothing is ever dropped);
// - an instructor's view (a "watcher"): never slows the shell; when it falls behind it stops
//   getting frames, and once caught up it gets a fresh screen instead.
// With nobody looking, the shell's output waits in its TTY.
import { randomUUID } from "node:crypto";
import type { TtyProcess } from "../sandbox/driver";
import { DEFAULT_FLOW, FlowWindow, type FlowWindowOptions } from "./flow-control";
import { OutputCoalescer } from "./output-coalescer";
import { ScreenMirror } from "./screen-mirror";

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

interface Audience {
  kind: "viewer" | "watcher";
  viewer: TerminalViewer;
  window: FlowWindow;
  /** Output arriving while a screen snapshot is made (null when live). */
  backlog: Buffer[] | null;
  /** A watcher that fell behind: frames are dropped until its acks catch up. */
  dropping: boolean;
}

export interface TerminalOwner {
  sessionId: string;
  userId: string;
}

export type TerminalActivity = "input" | "output";

export interface TerminalSessionOptions {
  /** The terminal's id (a held shell is named by it); a new one by default. */
  id?: string;
  /** Ends what holds the shell inside the sandbox (terminal/holder.ts), when the shell is closed for good. */
  release?: () => Promise<void>;
  flow?: FlowWindowOptions;
}

export class TerminalSession {
  readonly id: string;
  private readonly mirror: ScreenMirror;
  private readonly audience = new Map<string, Audience>();
  private readonly output: OutputCoalescer;
  private size: { cols: number; rows: number };
  private closed = false;
  private exitListeners: (() => void)[] = [];
  private taps: TerminalTap[] = [];
  /** The watcher (an instructor) allowed to type into this shell, if any. */
  private controller: { watcherId: string; name: string } | null = null;
  /** Set by whoever records this terminal, so the learner can download it. */
  recordingId: string | null = null;
  private activityListeners: ((kind: TerminalActivity) => void)[] = [];

  private readonly flow: FlowWindowOptions;
  private readonly release: (() => Promise<void>) | null;

  constructor(
    readonly owner: TerminalOwner,
    private readonly proc: TtyProcess,
    size: { cols: number; rows: number },
    opts: TerminalSessionOptions = {},
  ) {
    this.id = opts.id ?? randomUUID();
    this.flow = opts.flow ?? DEFAULT_FLOW;
    this.release = opts.release ?? null;
    this.mirror = new ScreenMirror(size.cols, size.rows);
    this.size = { ...size };
    this.output = new OutputCoalescer((frame) => this.deliver(frame));
    proc.stream.on("data", (chunk: Buffer) => this.output.push(chunk));
    proc.stream.on("end", () => this.teardown("The shell has exited."));
    proc.stream.on("close", () => this.teardown("The shell has exited."));
    proc.stream.on("error", () => this.teardown("The shell has exited."));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private members(kind: Audience["kind"]): Audience[] {
    return [...this.audience.values()].filter((a) => a.kind === kind);
  }

  get viewerCount(): number {
    return this.members("viewer").length;
  }

  onExit(listener: () => void): void {
    this.exitListeners.push(listener);
  }

  /** Input or output happened (idle tracking, and the instructor's activity signal). */
  onActivity(listener: (kind: TerminalActivity) => void): void {
    this.activityListeners.push(listener);
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
    if (this.closed || this.audience.get(watcherId)?.kind !== "watcher") return false;
    if (this.controller && this.controller.watcherId !== watcherId) return false;
    this.controller = { watcherId, name };
    for (const v of this.members("viewer")) v.viewer.control?.(name);
    return true;
  }

  /** Gives control back to the learner; true when this watcher had it. */
  releaseControl(watcherId: string): boolean {
    if (this.controller?.watcherId !== watcherId) return false;
    this.controller = null;
    for (const v of this.members("viewer")) v.viewer.control?.(null);
    return true;
  }

  /** Input from a watcher: reaches the shell only while it holds control. */
  controlWrite(watcherId: string, data: string): boolean {
    if (this.controller?.watcherId !== watcherId) return false;
    this.write(data);
    return true;
  }

  /**
   * Attaches a learner's tab: it first receives the current screen, then live output, with
   * nothing duplicated or lost in between.
   */
  async attach(viewer: TerminalViewer): Promise<void> {
    if (this.closed) throw new Error("terminal has ended");
    this.audience.delete(viewer.id);
    this.output.flush(); // everything received so far reaches the mirror (and others) first
    const a: Audience = { kind: "viewer", viewer, window: new FlowWindow(this.flow), backlog: [], dropping: false };
    this.audience.set(viewer.id, a);
    this.updatePause();
    const screen = await this.mirror.snapshot();
    if (this.audience.get(viewer.id) !== a) return; // detached meanwhile
    const backlog = a.backlog ?? [];
    a.backlog = null;
    this.send(a, Buffer.from(screen, "utf8"));
    for (const chunk of backlog) this.send(a, chunk);
    if (this.controller) viewer.control?.(this.controller.name);
    if (this.members("watcher").length > 0) viewer.watched?.(this.watcherNames());
  }

  /** Adds a read-only watcher (an instructor): the current screen first, then live output. */
  async watch(viewer: TerminalViewer): Promise<void> {
    if (this.closed) throw new Error("terminal has ended");
    const w: Audience = { kind: "watcher", viewer, window: new FlowWindow(this.flow), backlog: null, dropping: false };
    this.audience.set(viewer.id, w);
    this.updatePause();
    this.announceWatchers();
    await this.resync(w);
  }

  /** Removes a watcher; returns true when it was in control (control goes back to the learner). */
  unwatch(watcherId: string): boolean {
    const hadControl = this.releaseControl(watcherId);
    if (this.audience.get(watcherId)?.kind === "watcher") {
      this.audience.delete(watcherId);
      this.announceWatchers();
    }
    this.updatePause();
    return hadControl;
  }

  private watcherNames(): string[] {
    return [...new Set(this.members("watcher").map((w) => w.viewer.name ?? "An instructor"))];
  }

  /** The learner always knows who is watching. */
  private announceWatchers(): void {
    const names = this.watcherNames();
    for (const v of this.members("viewer")) v.viewer.watched?.(names);
  }

  /** The terminal's size (watchers draw at the learner's size). */
  get dimensions(): { cols: number; rows: number } {
    return { ...this.size };
  }

  detach(viewerId: string): void {
    if (this.audience.get(viewerId)?.kind !== "viewer") return;
    this.audience.delete(viewerId);
    this.updatePause();
  }

  isAttached(viewerId: string): boolean {
    return this.audience.get(viewerId)?.kind === "viewer";
  }

  ack(viewerId: string, bytes: number): void {
    const a = this.audience.get(viewerId);
    if (a?.kind === "viewer" && a.window.acked(bytes)) this.updatePause();
  }

  watchAck(watcherId: string, bytes: number): void {
    const w = this.audience.get(watcherId);
    if (w?.kind !== "watcher") return;
    w.window.acked(bytes);
    if (w.dropping && !w.window.isPaused) void this.resync(w);
  }

  /** Sends a watcher the whole screen, then whatever arrived meanwhile; it is live again. */
  private async resync(w: Audience): Promise<void> {
    this.output.flush();
    w.dropping = false;
    w.backlog = [];
    const screen = await this.mirror.snapshot();
    if (this.audience.get(w.viewer.id) !== w) return;
    const backlog = w.backlog;
    w.backlog = null;
    // Clear first: the snapshot redraws everything from scratch.
    this.send(w, Buffer.concat([Buffer.from("\x1bc", "utf8"), Buffer.from(screen, "utf8"), ...backlog]));
  }

  /** A frame of output: to the mirror, the taps, and everyone looking. */
  private deliver(frame: Buffer): void {
    this.mirror.write(frame);
    for (const t of this.taps) t.output(frame);
    for (const l of this.activityListeners) l("output");
    for (const a of this.audience.values()) {
      if (a.backlog) a.backlog.push(frame);
      else this.send(a, frame);
    }
  }

  private send(a: Audience, data: Buffer): void {
    if (a.kind === "watcher") {
      if (a.dropping) return;
      a.viewer.output(data);
      if (a.window.sent(data.length)) a.dropping = true; // a watcher never pauses the shell
      return;
    }
    a.viewer.output(data);
    if (a.window.sent(data.length)) this.proc.stream.pause();
  }

  /**
   * Output flows while someone looks (a browser tab or an instructor) and no learner's tab is
   * over its window. With nobody looking, the shell's output waits in its TTY (the program
   * blocks, as in any terminal) instead of being pumped into the screen mirror: a terminal
   * left behind costs no work, and it resumes the moment someone looks again.
   */
  private updatePause(): void {
    if (this.closed) return;
    const nobody = this.audience.size === 0;
    const behind = this.members("viewer").some((v) => v.window.isPaused);
    if (nobody || behind) this.proc.stream.pause();
    else this.proc.stream.resume();
  }

  /** Whether the shell's output is held back (nobody looks, or a viewer is behind). */
  get outputPaused(): boolean {
    return this.proc.stream.isPaused();
  }

  write(data: string): void {
    if (this.closed) return;
    for (const l of this.activityListeners) l("input");
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

  /** Ends the shell for good (closing the exec stream hangs up its TTY; a held shell is ended too). */
  close(): void {
    if (this.closed) return;
    this.teardown(null);
    this.release?.().catch(() => undefined); // its sandbox may be gone already
  }

  /**
   * This app server lets go of the shell: a held shell keeps running in its sandbox for the
   * next server to attach to; a shell without a holder ends (it is the exec's own process).
   */
  letGo(): void {
    this.teardown(null);
  }

  /**
   * The one way a terminal ends, whether the shell exited (`message` tells everyone looking)
   * or the server closed it (null: nobody is told; the session's end says why).
   */
  private teardown(message: string | null): void {
    if (this.closed) return;
    this.output.flush(); // the mirror and the recording keep the last output
    this.closed = true;
    const audience = [...this.audience.values()];
    this.audience.clear();
    this.controller = null;
    if (message !== null) for (const a of audience) a.viewer.exit(message);
    else this.proc.stream.destroy();
    this.mirror.dispose();
    for (const t of this.taps.splice(0)) t.end();
    for (const l of this.exitListeners) l();
  }
}
