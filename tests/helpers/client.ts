// A socket.io client that behaves like the browser: cookie from /api/guest, acks, output capture.
import { io, type Socket } from "socket.io-client";
import type { Ack, ClientToServerEvents, PlaygroundError, ServerToClientEvents, TerminalOpened } from "../../lib/protocol";

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export async function guestCookie(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/guest`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  const header = res.headers.get("set-cookie");
  if (!res.ok || !header) throw new Error(`/api/guest gave no cookie (${res.status})`);
  return header.split(";")[0];
}

/**
 * Output received per terminal before a collector was attached. Node's WebSocket can deliver
 * an ack and the next frames in one tick, before `await openTerminal()` returns; a browser
 * cannot, but tests must not lose those bytes.
 */
const early = new WeakMap<TestSocket, Map<string, Buffer[] | "claimed">>();

/** Connects; resolves with the socket, or rejects with the server's connect error data. */
export function connect(baseUrl: string, cookie?: string, headers: Record<string, string> = {}): Promise<TestSocket> {
  const socket: TestSocket = io(baseUrl, {
    transports: ["websocket"],
    reconnection: false,
    extraHeaders: { ...(cookie ? { cookie } : {}), ...headers },
    forceNew: true,
  });
  const buffered = new Map<string, Buffer[] | "claimed">();
  early.set(socket, buffered);
  socket.on("terminal:output", (id, data) => {
    const list = buffered.get(id) ?? [];
    if (list === "claimed") return;
    list.push(Buffer.from(data as ArrayBuffer));
    buffered.set(id, list);
  });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (err) => {
      socket.close();
      reject((err as Error & { data?: PlaygroundError }).data ?? err);
    });
  });
}

export function call<T>(socket: TestSocket, event: "sandbox:open" | "sandbox:reset" | "sandbox:end" | "sandbox:extend"): Promise<Ack<T>> {
  return new Promise((resolve) => (socket.emit as (e: string, cb: (r: Ack<T>) => void) => void)(event, resolve));
}

export function openTerminal(socket: TestSocket, size: unknown = { cols: 120, rows: 30 }): Promise<Ack<TerminalOpened>> {
  return new Promise((resolve) => socket.emit("terminal:open", size, resolve));
}

/**
 * The output a terminal sent before anyone listened to it; from now on the caller listens, and
 * nothing more is kept here (kept forever, a busy terminal's output would fill the memory).
 */
export function takeEarlyOutput(socket: TestSocket, terminalId: string): Buffer[] {
  const before = early.get(socket)?.get(terminalId);
  early.get(socket)?.set(terminalId, "claimed");
  return Array.isArray(before) ? before : [];
}

/**
 * A shell's prompt at the end of the output. A terminal that had output before anyone attached
 * (a warm sandbox's shell, a reload) arrives as a screen snapshot, whose terminal modes
 * (bracketed paste: ESC[?2004h) follow the prompt instead of preceding it.
 */
export const PROMPT = /\$ (?:\x1b\[\?\d+[hl])*$/m;

/** Collects a terminal's output; `waitFor` resolves when a pattern shows up. */
export class OutputCollector {
  text = "";
  bytes = 0;
  /** Characters trimmed off the front of `text` (marks stay valid across trimming). */
  private dropped = 0;
  private waiters: { test: () => boolean; resolve: () => void }[] = [];

  constructor(socket: TestSocket, terminalId: string, opts: { ack: boolean } = { ack: true }) {
    this.ackEnabled = opts.ack;
    const onOutput = (buf: Buffer) => {
      this.bytes += buf.length;
      this.text += buf.toString("utf8");
      if (this.text.length > 200_000) {
        this.dropped += this.text.length - 100_000;
        this.text = this.text.slice(-100_000);
      }
      if (this.ackEnabled) socket.emit("terminal:ack", terminalId, buf.length);
      else this.unacked += buf.length;
      this.waiters = this.waiters.filter((w) => (w.test() ? (w.resolve(), false) : true));
    };
    for (const buf of takeEarlyOutput(socket, terminalId)) onOutput(buf);
    socket.on("terminal:output", (id, data) => id === terminalId && onOutput(Buffer.from(data as ArrayBuffer)));
  }

  ackEnabled: boolean;
  unacked = 0;

  waitFor(re: RegExp, timeoutMs = 60_000): Promise<void> {
    return this.waitUntil(() => re.test(this.text), `${re}`, timeoutMs);
  }

  /** A position in the output, for waitSince() and since(). */
  mark(): number {
    return this.dropped + this.text.length;
  }

  /** The output after a mark. */
  since(mark: number): string {
    return this.text.slice(Math.max(0, mark - this.dropped));
  }

  /** Waits until the output after `mark` matches (earlier output never counts). */
  waitSince(mark: number, re: RegExp, timeoutMs = 60_000): Promise<void> {
    return this.waitUntil(() => re.test(this.since(mark)), `${re} after mark ${mark}`, timeoutMs);
  }

  private waitUntil(test: () => boolean, what: string, timeoutMs: number): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; last output: ${this.text.slice(-500)}`)), timeoutMs);
      this.waiters.push({ test, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }
}

/** What a terminal of this size shows after these bytes: every line, scrollback included. */
export async function renderScreen(bytes: string, cols: number, rows: number): Promise<string[]> {
  const { Terminal } = await import("@xterm/headless");
  const term = new Terminal({ cols, rows, scrollback: 10_000, allowProposedApi: true });
  await new Promise<void>((resolve) => term.write(bytes, resolve));
  const b = term.buffer.active;
  const lines: string[] = [];
  for (let i = 0; i < b.length; i++) lines.push(b.getLine(i)?.translateToString(true) ?? "");
  term.dispose();
  return lines;
}

/** A new guest with a connected socket, remembered in `sockets` so the test can close it. */
export async function newLearner(baseUrl: string, sockets: { push(socket: TestSocket): unknown }, cookie?: string): Promise<{ socket: TestSocket; cookie: string }> {
  cookie ??= await guestCookie(baseUrl);
  const socket = await connect(baseUrl, cookie);
  sockets.push(socket);
  return { socket, cookie };
}
