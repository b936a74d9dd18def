// The learner's sandbox as the page sees it: opens or resumes a sandbox and a shell, follows
// resets, ends, warnings and workshop events, and turns them into one ClientView for React.
// The socket lives in PlayConnection and the terminal in TerminalView; this module is the
// sandbox lifecycle between them. Playground.tsx renders the chrome.
import { PlayConnection } from "./play-connection";
import { TerminalView } from "./terminal-view";
import type {
  Ack,
  EndReason,
  PlaygroundError,
  SandboxInfo,
  SandboxWarning,
  ShellUser,
  TerminalOpened,
  WorkshopMessageInfo,
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

export class TerminalClient {
  private readonly terminal: TerminalView;
  private readonly connection: PlayConnection;
  private terminalId: string | null = null;
  private resetting = false;
  private disposed = false;
  private view: ClientView = INITIAL_VIEW;
  private readonly promptListeners = new Set<() => void>();
  private readonly readyListeners = new Set<() => void>();
  private readonly workshopListeners = new Set<(event: WorkshopEvent) => void>();

  constructor(
    host: HTMLElement,
    private readonly onView: (view: ClientView) => void,
    /** Whose shell this page opens (a lesson's: shellUserOf); each keeps its own per tab. */
    private readonly shell: ShellUser = "ubuntu",
  ) {
    this.terminal = new TerminalView(host, {
      onInput: (data) => this.terminalId && this.connection.send("terminal:input", this.terminalId, data),
      onResize: (size) => this.terminalId && this.connection.send("terminal:resize", this.terminalId, size),
      onPrompt: () => this.promptListeners.forEach((listener) => listener()),
    });
    this.connection = new PlayConnection({
      onConnected: () => void this.attach(),
      onReconnecting: (message) => {
        this.terminalId = null;
        if (!this.finished()) this.set({ state: "reconnecting", message });
      },
      onFailed: (error) => {
        this.terminalId = null;
        if (!this.finished()) this.set({ state: "error", error });
      },
    });
  }

  private set(patch: Partial<ClientView>): void {
    this.view = { ...this.view, ...patch };
    this.onView(this.view);
  }

  private finished(): boolean {
    return this.disposed || this.view.state === "ended";
  }

  async start(): Promise<void> {
    if (!(await this.terminal.open())) return;
    await this.connect();
  }

  private async connect(): Promise<void> {
    this.set({ state: "connecting", message: "Connecting…", error: null });
    await this.connection.connect((socket) => {
      socket.on("sandbox:status", ({ phase, message }) => this.set({ state: phase === "queued" ? "queued" : "starting", message }));
      socket.on("sandbox:warning", (warning) => this.set({ warning }));
      socket.on("sandbox:notice", ({ message }) => this.set({ notice: message }));
      socket.on("terminal:output", (id, data) => {
        if (id !== this.terminalId) return;
        const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
        // Ack once xterm has parsed the bytes: the server pauses the shell when too much is unacked.
        this.terminal.write(bytes, () => this.connection.send("terminal:ack", id, bytes.byteLength));
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
        this.forgetShell();
        this.set({ shellExited: true });
      });
      socket.on("sandbox:ended", ({ reason, message }) => {
        this.forgetShell();
        if (reason === "reset") {
          if (!this.resetting) void this.attach(); // another tab reset it: follow to the new sandbox
          return;
        }
        this.set({ state: "ended", endReason: reason, message, sandbox: null, warning: null });
        this.terminal.setInputEnabled(false);
      });
    });
  }

  /** Opens (or re-opens after a reload or reconnect) this learner's sandbox and a shell in it. */
  private async attach(): Promise<void> {
    this.set({ state: "starting", message: "Finding your sandbox…", error: null, endReason: null, shellExited: false });
    const opened = await this.connection.request("sandbox:open");
    if (!opened.ok) return this.set({ state: "error", error: opened.error });
    this.set({ warning: opened.warning });
    const previous = storedTerminalId(this.shell);
    if (previous && (await this.resumeShell(opened.sandbox, previous))) return;
    if (previous) this.terminal.writeNote("your previous shell has ended; this is a new one");
    await this.openShell(opened.sandbox);
  }

  /** Re-attaches to a shell that kept running; the server replays its screen first. */
  private async resumeShell(sandbox: SandboxInfo, terminalId: string): Promise<boolean> {
    const res = await this.connection.request("terminal:attach", terminalId, this.terminal.measure());
    if (!res.ok) {
      storeTerminalId(this.shell, null);
      return false;
    }
    this.terminal.clear(); // the screen snapshot that follows redraws everything
    this.ready(sandbox, res);
    return true;
  }

  private async openShell(sandbox: SandboxInfo): Promise<void> {
    const res = await this.connection.request("terminal:open", { ...this.terminal.measure(), user: this.shell });
    if (!res.ok) return this.set({ state: "error", error: res.error });
    this.ready(sandbox, res);
  }

  private ready(sandbox: SandboxInfo, { terminalId, recordingId }: TerminalOpened): void {
    this.terminalId = terminalId;
    storeTerminalId(this.shell, terminalId);
    this.terminal.setInputEnabled(true);
    // A control banner, if any, is re-sent by the server right after attaching.
    // The warning stays: it came with the sandbox (open or reset), or later from the server.
    this.set({ state: "ready", sandbox, message: "", shellExited: false, recordingId, controlledBy: null, watchedBy: [] });
    this.terminal.focus();
    for (const listener of this.readyListeners) listener();
  }

  private forgetShell(): void {
    this.terminalId = null;
    storeTerminalId(this.shell, null);
  }

  async retry(): Promise<void> {
    if (this.connection.connected) await this.attach();
    else await this.connect();
  }

  /** Starts a new shell in the same sandbox after `exit`. */
  async newShell(): Promise<void> {
    if (this.view.sandbox) await this.openShell(this.view.sandbox);
  }

  async reset(): Promise<void> {
    this.resetting = true;
    this.terminalId = null;
    this.set({ state: "starting", message: "Replacing your sandbox with a fresh one…", error: null });
    const res = await this.connection.request("sandbox:reset");
    this.resetting = false;
    if (!res.ok) return this.set({ state: "error", error: res.error });
    this.set({ warning: res.warning });
    this.terminal.clear();
    await this.openShell(res.sandbox);
  }

  /** "I'm still here" on an idle warning. */
  stillHere(): void {
    this.connection.heartbeatNow();
    this.set({ warning: null });
  }

  async extend(): Promise<void> {
    const res = await this.connection.request("sandbox:extend");
    if (res.ok) this.set({ sandbox: res.sandbox, warning: null });
    else this.set({ warning: this.view.warning && { ...this.view.warning, canExtend: false }, notice: `${res.error.message} ${res.error.action}` });
  }

  dismissNotice(): void {
    this.set({ notice: null });
  }

  async end(): Promise<void> {
    const res = await this.connection.request("sandbox:end");
    if (!res.ok) this.set({ state: "error", error: res.error });
  }

  /** After an end: a brand-new sandbox. */
  async startNew(): Promise<void> {
    this.terminal.clear();
    await this.attach();
  }

  focus(): void {
    this.terminal.focus();
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
    if (!this.terminalId || !this.connection.connected) return false;
    this.connection.send("terminal:input", this.terminalId, `${command.replace(/\n+$/, "")}\r`);
    this.terminal.focus();
    return true;
  }

  /** Sends raw bytes as if typed (Ctrl-C before an imported scenario's {{exec interrupt}}). */
  sendInput(bytes: string): boolean {
    if (!this.terminalId || !this.connection.connected) return false;
    this.connection.send("terminal:input", this.terminalId, bytes);
    this.terminal.focus();
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
  workshopRequest<T>(event: "workshop:state" | "hand:lower" | "hand:raise", payload?: object): Promise<Ack<T>> {
    const reply = event === "hand:raise" ? this.connection.request(event, payload) : this.connection.request(event);
    return reply as Promise<Ack<T>>;
  }

  /** A lesson request over the same authenticated socket. */
  lessonRequest<T>(event: "lesson:check" | "lesson:reveal" | "lesson:reset" | "lesson:enter", payload: object): Promise<Ack<T>> {
    return this.connection.request(event, payload) as Promise<Ack<T>>;
  }

  dispose(): void {
    this.disposed = true;
    this.connection.close();
    this.terminal.dispose();
  }
}

/** The shell this tab was using, kept per tab (sessionStorage survives a reload), one per shell user. */
const terminalKey = (shell: ShellUser) => (shell === "ubuntu" ? "container-playground.terminal" : `container-playground.terminal.${shell}`);

function storedTerminalId(shell: ShellUser): string | null {
  try {
    return sessionStorage.getItem(terminalKey(shell));
  } catch {
    return null;
  }
}

function storeTerminalId(shell: ShellUser, id: string | null): void {
  try {
    if (id) sessionStorage.setItem(terminalKey(shell), id);
    else sessionStorage.removeItem(terminalKey(shell));
  } catch {
    // Storage disabled: reloads open a new shell instead of resuming.
  }
}
