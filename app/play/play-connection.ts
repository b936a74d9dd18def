// The learner's socket to the playground: the guest cookie first, then one socket.io
// connection with reconnects, the activity heartbeat, and requests that always answer
// (a request while disconnected resolves with an error the page can show).
import { io, type Socket } from "socket.io-client";
import { ensureGuest } from "../guest";
import type { Ack, ClientToServerEvents, PlaygroundError, ServerToClientEvents } from "../../lib/protocol";

type PlaySocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const HEARTBEAT_MS = 30_000;

const NOT_CONNECTED: PlaygroundError = {
  code: "internal",
  message: "Not connected to the playground.",
  action: "Press Retry, then try again.",
};

const CONNECTION_LOST: PlaygroundError = {
  code: "internal",
  message: "The connection dropped before the playground answered.",
  action: "Wait until the terminal reconnects, then try again.",
};

/** How long a request may wait for its answer (a full server's queue included) before it gives up. */
const REQUEST_TIMEOUT_MS = 15 * 60_000;

export interface ConnectionHandlers {
  /** Connected (first time or after a reconnect): the page re-attaches to its sandbox. */
  onConnected(): void;
  /** The connection dropped and socket.io is retrying. */
  onReconnecting(message: string): void;
  /** The connection is gone for good (refused, or closed by the server); Retry starts over. */
  onFailed(error: PlaygroundError): void;
}

/** Events whose last argument is an acknowledgement callback. */
type RequestEvent = {
  [E in keyof ClientToServerEvents]: Parameters<ClientToServerEvents[E]> extends [...unknown[], (ack: never) => void] ? E : never;
}[keyof ClientToServerEvents];
type RequestArgs<E extends RequestEvent> = Parameters<ClientToServerEvents[E]> extends [...infer A, (ack: never) => void] ? A : never;
type RequestReply<E extends RequestEvent> = Parameters<ClientToServerEvents[E]> extends [...unknown[], (ack: infer R) => void] ? R : never;

export class PlayConnection {
  private socket: PlaySocket | null = null;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private readonly beat = () => {
    if (document.visibilityState === "visible" && this.socket?.connected) this.socket.emit("sandbox:heartbeat");
  };
  private closed = false;

  constructor(private readonly handlers: ConnectionHandlers) {}

  get connected(): boolean {
    return this.socket?.connected ?? false;
  }

  /** Gets a guest cookie if needed, then connects. Listeners added with `on` survive reconnects. */
  async connect(subscribe: (socket: PlaySocket) => void): Promise<void> {
    this.drop();
    if (!(await ensureGuest())) {
      this.handlers.onFailed({ code: "internal", message: "The playground server did not answer.", action: "Check your connection and press Retry." });
      return;
    }
    if (this.closed) return;
    const socket: PlaySocket = io({ transports: ["websocket"], withCredentials: true });
    this.socket = socket;
    socket.on("connect", () => this.handlers.onConnected());
    socket.on("disconnect", (reason) => {
      if (this.closed) return;
      if (reason === "io server disconnect") this.handlers.onFailed({ code: "internal", message: "The server closed the connection.", action: "Press Retry." });
      else this.handlers.onReconnecting("Connection lost. Reconnecting… your sandbox keeps running.");
    });
    socket.on("connect_error", (err) => {
      const data = (err as Error & { data?: PlaygroundError }).data;
      if (data?.code === "unauthorized") {
        socket.disconnect();
        this.handlers.onFailed(data);
      } else if (!socket.active) {
        this.handlers.onFailed({ code: "internal", message: "Could not connect to the playground server.", action: "Press Retry." });
      } else {
        this.handlers.onReconnecting("Cannot reach the server. Retrying…");
      }
    });
    subscribe(socket);
    this.startHeartbeat();
  }

  /** Sends an event that has no reply (input, resize, acks). Dropped while disconnected. */
  send<E extends Exclude<keyof ClientToServerEvents, RequestEvent>>(event: E, ...args: Parameters<ClientToServerEvents[E]>): void {
    if (this.socket?.connected) (this.socket.emit as (e: string, ...a: unknown[]) => void)(event, ...args);
  }

  /**
   * Sends a request and waits for its answer. While reconnecting, socket.io holds it and sends
   * it once connected; if the connection drops after it was sent (its answer is lost) or never
   * comes back, it answers with an error: a request always answers.
   */
  request<E extends RequestEvent>(event: E, ...args: RequestArgs<E>): Promise<RequestReply<E>> {
    const socket = this.socket;
    const failed = (error: PlaygroundError) => ({ ok: false, error }) as Ack<never> as RequestReply<E>;
    if (!socket || (!socket.connected && !socket.active)) return Promise.resolve(failed(NOT_CONNECTED));
    return new Promise((resolve) => {
      const timed = socket.timeout(REQUEST_TIMEOUT_MS);
      (timed.emit as (e: string, ...a: unknown[]) => void).call(timed, event, ...args, (err: Error | null, reply: RequestReply<E>) =>
        resolve(err ? failed(CONNECTION_LOST) : reply),
      );
    });
  }

  /** "I'm still here": counts as activity for the idle timer. */
  heartbeatNow(): void {
    this.beat();
  }

  close(): void {
    this.closed = true;
    this.drop();
  }

  private drop(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    document.removeEventListener("visibilitychange", this.beat);
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
  }

  /** An open, visible page is activity: it keeps the idle timer from running out. */
  private startHeartbeat(): void {
    this.heartbeat = setInterval(this.beat, HEARTBEAT_MS);
    document.addEventListener("visibilitychange", this.beat);
  }
}
