// The three terminals a benchmark compares, behind one interface, driven by the same code:
// - raw:  a Node client on the Docker exec stream itself (no browser transport, no gateway):
//         the limit a web terminal can approach.
// - peer: wetty (an open-source web terminal, socket.io + node-pty) running `docker exec -it`
//         into the same sandbox, with a client that acknowledges like wetty's own page.
// - ours: the playground's socket.io gateway, with a client that acknowledges like our page.
import type { Duplex } from "node:stream";
import Docker from "dockerode";
import { io, type Socket } from "socket.io-client";
import type { Ack } from "../../lib/protocol";
import { call, connect, takeEarlyOutput, type TestSocket, PROMPT } from "../../tests/helpers/client";

export type TerminalKind = "raw" | "peer" | "ours";

export const SHELL_ENV = ["TERM=xterm-256color", "COLORTERM=truecolor", "LANG=C.UTF-8"];
const TAIL = 8192;

/** Counts what arrives and keeps the last few KB as text, for markers. */
export abstract class BenchTerminal {
  abstract readonly kind: TerminalKind;
  bytes = 0;
  private tail = "";
  private waiters: { re: RegExp; resolve: () => void }[] = [];
  private byteWaiters: (() => void)[] = [];

  protected received(chunk: Buffer | string): void {
    this.bytes += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.length;
    for (const w of this.byteWaiters.splice(0)) w();
    const text = typeof chunk === "string" ? chunk : chunk.toString("latin1");
    this.tail = (this.tail.length + text.length > TAIL * 2 ? this.tail.slice(-TAIL) : this.tail) + (text.length > TAIL ? text.slice(-TAIL) : text);
    if (this.waiters.length) this.waiters = this.waiters.filter((w) => (w.re.test(this.tail) ? (w.resolve(), false) : true));
  }

  /** Resolves when `re` matches the recent output (markers are computed by the shell, so the echoed command never matches). */
  waitFor(re: RegExp, timeoutMs = 120_000): Promise<void> {
    if (re.test(this.tail)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.kind}: timed out waiting for ${re}; last output: ${JSON.stringify(this.tail.slice(-300))}${this.dropsText()}`)), timeoutMs);
      this.waiters.push({ re, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  /** What a failure message adds about the connection (only ours can drop and resume). */
  protected dropsText(): string {
    return "";
  }

  /** Calls `listener` once, when the next bytes arrive (an echo sample waits on it instead of polling). */
  onceBytes(listener: () => void): void {
    this.byteWaiters.push(listener);
  }

  /** Forget the recent text (so an old marker cannot match again). */
  clearTail(): void {
    this.tail = "";
  }

  abstract write(data: string): void;
  /** Stops reading (and acknowledging) output, as a frozen browser tab would; false resumes. */
  abstract stall(on: boolean): void;
  abstract close(): Promise<void>;
}

/** Pauses the socket.io connection's TCP socket (Node's ws transport), so nothing is read. */
function pauseTransport(socket: Socket, on: boolean): void {
  const ws = (socket.io.engine as unknown as { transport?: { ws?: { _socket?: { pause(): void; resume(): void } } } }).transport?.ws;
  if (on) ws?._socket?.pause();
  else ws?._socket?.resume();
}

export class RawTerminal extends BenchTerminal {
  readonly kind = "raw";
  private constructor(private readonly stream: Duplex) {
    super();
    stream.on("data", (b: Buffer) => this.received(b));
  }

  /** A login shell as the learner, exactly as the gateway opens it, on the exec stream. */
  static async open(containerName: string, size = { cols: 120, rows: 30 }): Promise<RawTerminal> {
    const exec = await new Docker().getContainer(containerName).exec({
      Cmd: ["bash", "-l"],
      User: "ubuntu",
      WorkingDir: "/home/ubuntu",
      Env: SHELL_ENV,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: true,
    });
    const stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as unknown as Duplex;
    await exec.resize({ w: size.cols, h: size.rows }).catch(() => undefined);
    return new RawTerminal(stream);
  }

  write(data: string): void {
    this.stream.write(data);
  }

  stall(on: boolean): void {
    if (on) this.stream.pause();
    else this.stream.resume();
  }

  async close(): Promise<void> {
    this.stream.destroy();
  }
}

export class OursTerminal extends BenchTerminal {
  readonly kind = "ours";
  private stalled = false;
  private unacked = 0;
  /** Each time the connection dropped: when (ms since open), why, and whether it came back. */
  readonly drops: { atMs: number; reason: string; resumed: boolean }[] = [];
  private readonly openedAt = performance.now();

  private constructor(
    readonly socket: Socket,
    readonly terminalId: string,
    private readonly size: { cols: number; rows: number },
  ) {
    super();
    // As the page does (app/play/play-connection.ts): reconnect, then re-attach to the shell,
    // whose screen comes back; input typed meanwhile waits in socket.io's send buffer.
    socket.on("disconnect", (reason: string) => {
      const drop = { atMs: Math.round(performance.now() - this.openedAt), reason, resumed: false };
      this.drops.push(drop);
      if (reason === "io client disconnect") return; // closed on purpose
      setTimeout(() => {
        socket.once("connect", () =>
          socket.emit("terminal:attach", terminalId, this.size, (res: Ack<unknown>) => {
            drop.resumed = res.ok;
          }),
        );
        socket.connect();
      }, 1000);
    });
    const onOutput = (buf: Buffer) => {
      this.received(buf);
      // The page acknowledges once xterm has drawn the bytes; a fast client, at once.
      if (this.stalled) this.unacked += buf.length;
      else socket.emit("terminal:ack", terminalId, buf.length);
    };
    // (Claimed, so the test client's early buffer stops keeping this terminal's output.)
    for (const buf of takeEarlyOutput(socket as unknown as TestSocket, terminalId)) onOutput(buf);
    socket.on("terminal:output", (id: string, data: ArrayBuffer) => id === terminalId && onOutput(Buffer.from(data)));
  }

  /**
   * A learner of this server (cookie) with a sandbox and a shell; returns the sandbox's name too.
   * `phase` is told when each step is done (connected, sandbox, terminal), for a benchmark's breakdown.
   */
  static async open(url: string, cookie: string, size = { cols: 120, rows: 30 }, headers: Record<string, string> = {}, phase: (name: Phase) => void = () => {}): Promise<{ term: OursTerminal; sandbox: string }> {
    const socket = await connect(url, cookie, headers);
    phase("connected");
    const opened = await call<{ sandbox: { name: string } }>(socket, "sandbox:open");
    if (!opened.ok) throw new Error(`sandbox:open: ${opened.error.message}`);
    phase("sandbox");
    const res = await new Promise<Ack<{ terminalId: string }>>((resolve) => socket.emit("terminal:open", size, resolve));
    if (!res.ok) throw new Error(`terminal:open: ${res.error.message}`);
    phase("terminal");
    return { term: new OursTerminal(socket as unknown as Socket, res.terminalId, size), sandbox: opened.sandbox.name };
  }

  protected dropsText(): string {
    return this.drops.length ? `; connection dropped: ${this.drops.map((d) => `at ${d.atMs} ms (${d.reason}), ${d.resumed ? "resumed" : "not resumed"}`).join("; ")}` : "";
  }

  write(data: string): void {
    this.socket.emit("terminal:input", this.terminalId, data);
  }

  stall(on: boolean): void {
    this.stalled = on;
    pauseTransport(this.socket, on);
    if (!on && this.unacked) {
      this.socket.emit("terminal:ack", this.terminalId, this.unacked);
      this.unacked = 0;
    }
  }

  async close(): Promise<void> {
    this.socket.close();
  }
}

/** wetty's browser protocol: 'input', 'resize', 'data' (text), and 'commit' every 256 KiB drawn. */
export class PeerTerminal extends BenchTerminal {
  readonly kind = "peer";
  private static readonly ACK_BYTES = 262144;
  private counter = 0;
  private stalled = false;
  private owed = 0;

  private constructor(private readonly socket: Socket) {
    super();
    socket.on("data", (data: string) => {
      this.received(data);
      this.counter += data.length;
      while (this.counter >= PeerTerminal.ACK_BYTES) {
        this.counter -= PeerTerminal.ACK_BYTES;
        if (this.stalled) this.owed++;
        else socket.emit("commit", PeerTerminal.ACK_BYTES);
      }
    });
  }

  static async open(url: string, size = { cols: 120, rows: 30 }): Promise<PeerTerminal> {
    const socket = io(url, { path: "/wetty/socket.io", transports: ["websocket"], reconnection: false, forceNew: true });
    const term = new PeerTerminal(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once("login", () => resolve());
      socket.once("connect_error", reject);
      setTimeout(() => reject(new Error("wetty did not start a shell")), 30_000);
    });
    socket.emit("resize", size);
    return term;
  }

  write(data: string): void {
    this.socket.emit("input", data);
  }

  stall(on: boolean): void {
    this.stalled = on;
    pauseTransport(this.socket, on);
    if (!on) for (; this.owed > 0; this.owed--) this.socket.emit("commit", PeerTerminal.ACK_BYTES);
  }

  async close(): Promise<void> {
    this.socket.close();
  }
}

/** The steps of a learner's arrival, in order (a benchmark times each). */
export const PHASES = ["joined", "connected", "sandbox", "terminal", "prompt"] as const;
export type Phase = (typeof PHASES)[number];

/** A learner who joins a workshop with its code, with a sandbox and a shell at its prompt. */
export async function joinWorkshop(url: string, code: string, displayName: string, phase: (name: Phase) => void = () => {}): Promise<OursTerminal> {
  const joined = await fetch(`${url}/api/join/${code}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ displayName }) });
  if (!joined.ok) throw new Error(`join: ${joined.status} ${await joined.text()}`);
  phase("joined");
  const { term } = await OursTerminal.open(url, joined.headers.get("set-cookie")!.split(";")[0], undefined, {}, phase);
  await term.waitFor(PROMPT, 120_000);
  phase("prompt");
  return term;
}
