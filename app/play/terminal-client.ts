// Browser side of the terminal: xterm.js wired to the socket, with flow-control acks,
// resize, copy/paste and reconnect. Framework-free; Playground.tsx renders the chrome.
import type { Terminal } from "@xterm/xterm";
import type { FitAddon } from "@xterm/addon-fit";
import { io, type Socket } from "socket.io-client";
import { ensureGuest } from "../guest";
import {
  PROMPT_OSC,
  type Ack,
  type ClientToServerEvents,
  type EndReason,
  type PlaygroundError,
  type SandboxInfo,
  type SandboxWarning,
  type ServerToClientEvents,
  type TerminalOpened,
  type WorkshopMessageInfo,
} from "../../lib/protocol";

export type ConnectionState = "connecting" | "queued" | "starting" | "ready" | "reconnecting" | "ended" | "error";

export interface ClientView {
  state: ConnectionState;
  /** The latest warning that the sandbox ends soon, until it is acted on. */
  warning: SandboxWarning | null;
  /** Something that happened to the sandbox (it keeps running), until dismissed. */
  notice: string | null;
  /** Progress text while a sandbox is being made, or why the session ended. */
  message: string;
  sandbox: SandboxInfo | null;
  error: PlaygroundError | null;
  endReason: EndReason | null;
  shellExited: boolean;
  /** An instructor typing into this terminal (the learner sees a banner), or null. */
  controlledBy: string | null;
  /** Who is watching this terminal right now (instructors); empty when nobody is. */
  watchedBy: string[];
  /** This shell's recording (downloadable), or null when terminals are not recorded. */
  recordingId: string | null;
}

/** Workshop events pushed by the server: a message from the instructor, an answered hand. */
export type WorkshopEvent = { kind: "message"; message: WorkshopMessageInfo } | { kind: "answered"; by: string };

type PlaySocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export const INITIAL_VIEW: ClientView = {
  state: "connecting",
  message: "Connecting…",
  sandbox: null,
  error: null,
  endReason: null,
  shellExited: false,
  warning: null,
  notice: null,
  controlledBy: null,
  watchedBy: [],
  recordingId: null,
};

const HEARTBEAT_MS = 30_000;

const DARK_THEME = {
  background: "#14161b",
  foreground: "#e6e6e6",
  cursor: "#f0c674",
  selectionBackground: "#3d4a66",
};

function emitWithAck<T>(socket: PlaySocket, event: "sandbox:open" | "sandbox:reset" | "sandbox:end" | "sandbox:extend"): Promise<Ack<T>> {
  return new Promise((resolve) => (socket.emit as (e: string, cb: (r: Ack<T>) => void) => void)(event, resolve));
}

export class TerminalClient {
  private term!: Terminal;
  private fit!: FitAddon;
  private socket: PlaySocket | null = null;
  private terminalId: string | null = null;
  private resizeObserver: ResizeObserver | null = null;
  private resetting = false;
  private disposed = false;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private onVisibility: (() => void) | null = null;
  private view: ClientView = INITIAL_VIEW;
  private readonly promptListeners = new Set<() => void>();
  private readonly readyListeners = new Set<() => void>();
  private readonly workshopListeners = new Set<(event: WorkshopEvent) => void>();

  constructor(
    private readonly host: HTMLElement,
    private readonly onView: (view: ClientView) => void,
  ) {}

  private set(patch: Partial<ClientView>): void {
    this.view = { ...this.view, ...patch };
    this.onView(this.view);
  }

  async start(): Promise<void> {
    const [{ Terminal }, { FitAddon }, { WebLinksAddon }] = await Promise.all([
      import("@xterm/xterm"),
      import("@xterm/addon-fit"),
      import("@xterm/addon-web-links"),
    ]);
    if (this.disposed) return;
    this.term = new Terminal({
      cursorBlink: true,
      fontFamily: '"DejaVu Sans Mono", "Cascadia Mono", Menlo, Consolas, monospace',
      fontSize: 14,
      scrollback: 5000,
      theme: DARK_THEME,
      allowProposedApi: false,
    });
    this.fit = new FitAddon();
    this.term.loadAddon(this.fit);
    this.term.loadAddon(new WebLinksAddon());
    this.term.open(this.host);
    this.fit.fit();
    this.installClipboard();
    (window as unknown as { playground?: unknown }).playground = { term: this.term };

    this.term.onData((data) => {
      if (this.terminalId) this.socket?.emit("terminal:input", this.terminalId, data);
    });
    // The sandbox's bash prints a private OSC before each prompt: a command just finished.
    this.term.parser.registerOscHandler(PROMPT_OSC, () => {
      for (const listener of this.promptListeners) listener();
      return true;
    });
    this.term.onResize(({ cols, rows }) => {
      if (this.terminalId) this.socket?.emit("terminal:resize", this.terminalId, { cols, rows });
    });
    this.resizeObserver = new ResizeObserver(() => this.fit.fit());
    this.resizeObserver.observe(this.host);

    await this.connect();
  }

  /** Ctrl+Shift+C copies, Ctrl+Shift+V pastes (browser paste event), right-click copies or pastes. */
  private installClipboard(): void {
    this.term.attachCustomKeyEventHandler((e) => {
      if (e.type !== "keydown" || !e.ctrlKey || !e.shiftKey) return true;
      if (e.code === "KeyC") {
        if (this.term.hasSelection()) void copyText(this.term.getSelection());
        e.preventDefault();
        return false;
      }
      if (e.code === "KeyV") return false; // let the browser fire a paste event that xterm handles
      return true;
    });
    this.host.addEventListener("contextmenu", (e) => {
      e.preventDefault();
      if (this.term.hasSelection()) {
        void copyText(this.term.getSelection());
        this.term.clearSelection();
      } else if (navigator.clipboard?.readText) {
        navigator.clipboard.readText().then((text) => text && this.term.paste(text), () => undefined);
      }
    });
  }

  private async connect(): Promise<void> {
    this.set({ state: "connecting", message: "Connecting…", error: null });
    if (!(await ensureGuest())) {
      this.set({
        state: "error",
        error: { code: "internal", message: "The playground server did not answer.", action: "Check your connection and press Retry." },
      });
      return;
    }
    const socket: PlaySocket = io({ transports: ["websocket"], withCredentials: true });
    this.socket = socket;
    socket.on("connect", () => void this.attach());
    socket.on("disconnect", (reason) => {
      this.terminalId = null;
      if (this.view.state === "ended" || this.disposed) return;
      if (reason === "io server disconnect") {
        this.set({ state: "error", error: { code: "internal", message: "The server closed the connection.", action: "Press Retry." } });
      } else {
        this.set({ state: "reconnecting", message: "Connection lost. Reconnecting… your sandbox keeps running." });
      }
    });
    socket.on("connect_error", (err) => {
      const data = (err as Error & { data?: PlaygroundError }).data;
      if (data?.code === "unauthorized") {
        socket.disconnect();
        this.set({ state: "error", error: data });
      } else if (!socket.active) {
        this.set({ state: "error", error: { code: "internal", message: "Could not connect to the playground server.", action: "Press Retry." } });
      } else {
        this.set({ state: "reconnecting", message: "Cannot reach the server. Retrying…" });
      }
    });
    socket.on("sandbox:status", ({ phase, message }) => this.set({ state: phase === "queued" ? "queued" : "starting", message }));
    socket.on("sandbox:warning", (warning) => this.set({ warning }));
    socket.on("sandbox:notice", ({ message }) => this.set({ notice: message }));
    this.startHeartbeat(socket);
    socket.on("terminal:output", (id, data) => {
      if (id !== this.terminalId) return;
      const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
      // Ack once xterm has parsed the bytes: the server pauses the shell when too much is unacked.
      this.term.write(bytes, () => this.socket?.emit("terminal:ack", id, bytes.byteLength));
    });
    socket.on("terminal:watched", (id, { by }) => {
      if (id === this.terminalId) this.set({ watchedBy: by });
    });
    socket.on("terminal:control", (id, { by }) => {
      if (id === this.terminalId) this.set({ controlledBy: by });
    });
    socket.on("workshop:message", (message) => this.workshopListeners.forEach((l) => l({ kind: "message", message })));
    socket.on("hand:answered", ({ by }) => this.workshopListeners.forEach((l) => l({ kind: "answered", by })));
    socket.on("terminal:exit", (id) => {
      if (id !== this.terminalId) return;
      this.terminalId = null;
      storeTerminalId(null);
      this.set({ shellExited: true });
    });
    socket.on("sandbox:ended", ({ reason, message }) => {
      this.terminalId = null;
      storeTerminalId(null);
      if (reason === "reset") {
        if (!this.resetting) void this.attach(); // another tab reset it: follow to the new sandbox
        return;
      }
      this.set({ state: "ended", endReason: reason, message, sandbox: null, warning: null });
      this.term.options.disableStdin = true;
    });
  }

  /** Opens (or re-opens after a reload or reconnect) this learner's sandbox and a shell in it. */
  private async attach(): Promise<void> {
    const socket = this.socket;
    if (!socket) return;
    this.set({ state: "starting", message: "Finding your sandbox…", error: null, endReason: null, shellExited: false });
    const opened = await emitWithAck<{ sandbox: SandboxInfo }>(socket, "sandbox:open");
    if (!opened.ok) return this.set({ state: "error", error: opened.error });
    const previous = storedTerminalId();
    if (previous && (await this.resumeShell(opened.sandbox, previous))) return;
    if (previous) this.term.write("\r\n\x1b[2m── your previous shell has ended; this is a new one ──\x1b[0m\r\n");
    await this.openShell(opened.sandbox);
  }

  /** Re-attaches to a shell that kept running; the server replays its screen first. */
  private async resumeShell(sandbox: SandboxInfo, terminalId: string): Promise<boolean> {
    const socket = this.socket;
    if (!socket) return false;
    this.fit.fit();
    const res = await new Promise<Ack<TerminalOpened>>((resolve) => socket.emit("terminal:attach", terminalId, this.size(), resolve));
    if (!res.ok) {
      storeTerminalId(null);
      return false;
    }
    this.term.reset(); // the screen snapshot that follows redraws everything
    this.ready(sandbox, res);
    return true;
  }

  private async openShell(sandbox: SandboxInfo): Promise<void> {
    const socket = this.socket;
    if (!socket) return;
    this.fit.fit();
    const res = await new Promise<Ack<TerminalOpened>>((resolve) => socket.emit("terminal:open", this.size(), resolve));
    if (!res.ok) return this.set({ state: "error", error: res.error });
    this.ready(sandbox, res);
  }

  /** The terminal's size, never below what a shell can use (a hidden page can measure 0). */
  private size(): { cols: number; rows: number } {
    return { cols: Math.max(this.term.cols, 20), rows: Math.max(this.term.rows, 5) };
  }

  private ready(sandbox: SandboxInfo, { terminalId, recordingId }: TerminalOpened): void {
    this.terminalId = terminalId;
    storeTerminalId(terminalId);
    this.term.options.disableStdin = false;
    // A control banner, if any, is re-sent by the server right after attaching.
    this.set({ state: "ready", sandbox, message: "", shellExited: false, warning: null, recordingId, controlledBy: null, watchedBy: [] });
    this.term.focus();
    for (const listener of this.readyListeners) listener();
  }

  async retry(): Promise<void> {
    if (!this.socket || !this.socket.connected) {
      this.socket?.removeAllListeners();
      this.socket?.disconnect();
      this.socket = null;
      await this.connect();
    } else {
      await this.attach();
    }
  }

  /** Starts a new shell in the same sandbox after `exit`. */
  async newShell(): Promise<void> {
    if (this.view.sandbox) await this.openShell(this.view.sandbox);
  }

  async reset(): Promise<void> {
    if (!this.socket) return;
    this.resetting = true;
    this.terminalId = null;
    this.set({ state: "starting", message: "Replacing your sandbox with a fresh one…", error: null });
    const res = await emitWithAck<{ sandbox: SandboxInfo }>(this.socket, "sandbox:reset");
    this.resetting = false;
    if (!res.ok) return this.set({ state: "error", error: res.error });
    this.term.reset();
    await this.openShell(res.sandbox);
  }

  /** An open, visible page is activity: it keeps the idle timer from running out. */
  private startHeartbeat(socket: PlaySocket): void {
    const beat = () => {
      if (document.visibilityState === "visible" && socket.connected) socket.emit("sandbox:heartbeat");
    };
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.onVisibility) document.removeEventListener("visibilitychange", this.onVisibility);
    this.heartbeat = setInterval(beat, HEARTBEAT_MS);
    this.onVisibility = beat;
    document.addEventListener("visibilitychange", beat);
  }

  /** "I'm still here" on an idle warning. */
  stillHere(): void {
    this.socket?.emit("sandbox:heartbeat");
    this.set({ warning: null });
  }

  async extend(): Promise<void> {
    if (!this.socket) return;
    const res = await emitWithAck<{ sandbox: SandboxInfo }>(this.socket, "sandbox:extend");
    if (res.ok) this.set({ sandbox: res.sandbox, warning: null });
    else this.set({ warning: this.view.warning && { ...this.view.warning, canExtend: false }, notice: `${res.error.message} ${res.error.action}` });
  }

  dismissNotice(): void {
    this.set({ notice: null });
  }

  async end(): Promise<void> {
    if (!this.socket) return;
    const res = await emitWithAck<object>(this.socket, "sandbox:end");
    if (!res.ok) this.set({ state: "error", error: res.error });
  }

  /** After an end: a brand-new sandbox. */
  async startNew(): Promise<void> {
    this.term.reset();
    await this.attach();
  }

  focus(): void {
    this.term?.focus();
  }

  /** Calls `listener` whenever the learner's shell returns to a prompt. Returns an unsubscribe. */
  onPrompt(listener: () => void): () => void {
    this.promptListeners.add(listener);
    return () => this.promptListeners.delete(listener);
  }

  /** Calls `listener` each time a sandbox becomes ready (first start, reset, new session). */
  onReady(listener: () => void): () => void {
    this.readyListeners.add(listener);
    return () => this.readyListeners.delete(listener);
  }

  /** Types a command into the shell and runs it (the lesson's Run buttons). */
  runCommand(command: string): boolean {
    if (!this.terminalId || !this.socket?.connected) return false;
    this.socket.emit("terminal:input", this.terminalId, `${command.replace(/\n+$/, "")}\r`);
    this.term.focus();
    return true;
  }

  /** Hears workshop messages and answered hands. Returns an unsubscribe. */
  onWorkshop(listener: (event: WorkshopEvent) => void): () => void {
    this.workshopListeners.add(listener);
    return () => this.workshopListeners.delete(listener);
  }

  /** A workshop request (state, raising or lowering a hand) over the authenticated socket. */
  workshopRequest<T>(event: "workshop:state" | "hand:lower"): Promise<Ack<T>>;
  workshopRequest<T>(event: "hand:raise", payload: object): Promise<Ack<T>>;
  workshopRequest<T>(event: string, payload?: object): Promise<Ack<T>> {
    const socket = this.socket;
    if (!socket?.connected) {
      return Promise.resolve({ ok: false, error: { code: "internal", message: "Not connected to the playground.", action: "Wait until the terminal reconnects, then try again." } });
    }
    const emit = (socket.emit as (e: string, ...args: unknown[]) => void).bind(socket);
    return new Promise((resolve) => (payload ? emit(event, payload, resolve) : emit(event, resolve)));
  }

  /** A lesson request over the same authenticated socket. */
  lessonRequest<T>(event: "lesson:check" | "lesson:reveal" | "lesson:reset" | "lesson:enter", payload: object): Promise<Ack<T>> {
    const socket = this.socket;
    if (!socket?.connected) {
      return Promise.resolve({ ok: false, error: { code: "internal", message: "Not connected to the playground.", action: "Wait until the terminal reconnects, then try again." } });
    }
    return new Promise((resolve) => (socket.emit as (e: string, p: object, cb: (r: Ack<T>) => void) => void)(event, payload, resolve));
  }

  dispose(): void {
    this.disposed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.onVisibility) document.removeEventListener("visibilitychange", this.onVisibility);
    this.resizeObserver?.disconnect();
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.term?.dispose();
  }
}

/** The shell this tab was using, kept per tab (sessionStorage survives a reload). */
const TERMINAL_KEY = "container-playground.terminal";

function storedTerminalId(): string | null {
  try {
    return sessionStorage.getItem(TERMINAL_KEY);
  } catch {
    return null;
  }
}

function storeTerminalId(id: string | null): void {
  try {
    if (id) sessionStorage.setItem(TERMINAL_KEY, id);
    else sessionStorage.removeItem(TERMINAL_KEY);
  } catch {
    // Storage disabled: reloads open a new shell instead of resuming.
  }
}

async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Clipboard API needs a secure context; fall back to a hidden textarea.
    const ta = document.createElement("textarea");
    ta.value = text;
    ta.style.position = "fixed";
    ta.style.opacity = "0";
    document.body.appendChild(ta);
    ta.select();
    document.execCommand("copy");
    ta.remove();
  }
}
