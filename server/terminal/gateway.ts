// socket.io gateway: authenticates every connection by its guest cookie, then maps socket
// events to the learner's own sandbox and terminals. Sandbox ids never come from the client.
import type { Server, Socket } from "socket.io";
import { z } from "zod";
import {
  END_MESSAGES,
  type ClientToServerEvents,
  type PlaygroundError,
  type SandboxWarning,
  type ServerToClientEvents,
} from "../../lib/protocol";
import type { IdentityService } from "../auth/identity";
import type { Logger } from "../log";
import { AttemptCounter } from "../auth/attempts";
import type { AddressOf } from "../http/client-address";
import { PlaygroundFailure, toFailure } from "../sandbox/errors";
import type { ProgressFn, SandboxDriver } from "../sandbox/driver";
import type { ActiveSandbox, PlaygroundService } from "../sessions/playground-service";
import type { TerminalRegistry } from "./registry";
import { TerminalSession } from "./terminal-session";

type SocketData = { userId: string };
type PlaySocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type PlayServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

// A terminal's size bounds the server's screen mirror (cells × scrollback): 500 × 200 is a
// wall-sized screen; more would only cost memory.
const Size = z.object({ cols: z.number().int().min(2).max(500), rows: z.number().int().min(2).max(200) });
const TerminalId = z.string().uuid();
const Input = z.string().max(64 * 1024);
const AckBytes = z.number().int().min(0).max(1 << 30);
/** A window's resizes while it is dragged are applied once it pauses this long. */
const RESIZE_SETTLE_MS = 50;
/** Re-attaches per socket in ATTACH_WINDOW_MS (a reload needs one per tab). */
const MAX_ATTACHES = 20;
const ATTACH_WINDOW_MS = 10_000;
const NO_SANDBOX: PlaygroundError = { code: "no_sandbox", message: "You have no running sandbox.", action: "Press “Start a new sandbox”." };

function badRequest(what: string): PlaygroundError {
  return { code: "bad_request", message: `The request was not understood (${what}).`, action: "Reload the page." };
}

export function userRoom(userId: string): string {
  return `user:${userId}`;
}

export function attachGateway(
  io: PlayServer,
  deps: {
    identities: IdentityService;
    service: PlaygroundService;
    driver: SandboxDriver;
    registry: TerminalRegistry;
    /** Starts recording a new terminal (knowing the learner's workshop, if any). */
    record: (term: TerminalSession) => Promise<void>;
    /** A learner's sandbox started or ended (the instructor dashboard listens). */
    sandboxChanged: (userId: string) => void;
    /** The client address behind a socket's handshake (TRUST_PROXY aware). */
    addressOf: AddressOf;
    /**
     * Lets this learner at this address start a sandbox, or throws the refusal (the
     * per-address limit). Returns the release function for the reservation.
     */
    reserveSandbox: (userId: string, address: string) => Promise<() => void>;
    /** Most terminals one learner may have open, over all tabs. */
    terminalsPerLearner: number;
    log: Logger;
  },
): { warn(userId: string, warning: SandboxWarning): void } {
  const { identities, service, driver, registry, log } = deps;
  /** Learners whose reset is running: a second one is refused, not queued. */
  const resetting = new Set<string>();

  io.use(async (socket, next) => {
    try {
      const identity = await identities.fromCookieHeader(socket.handshake.headers.cookie);
      if (!identity) {
        const err = new Error("unauthorized") as Error & { data: PlaygroundError };
        err.data = { code: "unauthorized", message: "Your browser has no valid playground identity.", action: "Reload the page to get one." };
        return next(err);
      }
      socket.data.userId = identity.userId;
      next();
    } catch (err) {
      log.error({ err }, "socket authentication failed");
      next(new Error("internal"));
    }
  });

  service.onEnded((userId, sessionId, reason, message) => {
    registry.closeSession(sessionId);
    deps.sandboxChanged(userId);
    io.to(userRoom(userId)).emit("sandbox:ended", { reason, message: message ?? END_MESSAGES[reason] });
  });

  service.onNotice((userId, message) => io.to(userRoom(userId)).emit("sandbox:notice", { message }));

  io.on("connection", (raw) => {
    const socket = raw as PlaySocket;
    const userId = socket.data.userId;
    const slog = log.child({ socketId: socket.id, userId });
    void socket.join(userRoom(userId));
    slog.debug("socket connected");

    const progress: ProgressFn = (phase, message, position) => socket.emit("sandbox:status", { phase, message, position });
    // Leaving (closing the tab) while queued gives the place to the next learner.
    const gone = new AbortController();
    const info = (a: ActiveSandbox) => ({ name: a.sandbox.name, expiresAt: a.expiresAt.toISOString() });
    const fail = (err: unknown) => {
      const f = toFailure(err);
      slog.warn({ code: f.code, detail: f.detail }, f.message);
      return { ok: false as const, error: f.toJSON() };
    };

    /** Runs a sandbox action and answers its acknowledgement with the result or a failure. */
    const respond = <T extends object>(cb: unknown, action: () => Promise<T>) => {
      if (typeof cb !== "function") return;
      action().then(
        (result) => cb({ ok: true, ...result }),
        (err) => cb(fail(err)),
      );
    };

    const opened = (a: ActiveSandbox) => {
      deps.sandboxChanged(userId);
      return { sandbox: info(a) };
    };
    const address = deps.addressOf(socket.request);
    socket.on("sandbox:open", (cb) =>
      respond(cb, async () => {
        const release = await deps.reserveSandbox(userId, address);
        try {
          return opened(await service.open(userId, progress, gone.signal, address));
        } finally {
          release();
        }
      }),
    );
    socket.on("sandbox:reset", (cb) =>
      respond(cb, async () => {
        if (resetting.has(userId)) {
          throw new PlaygroundFailure("busy", "Your sandbox is being reset already.", "Wait for the new sandbox; it appears in a moment.");
        }
        resetting.add(userId);
        try {
          return opened(await service.reset(userId, progress, gone.signal, address));
        } finally {
          resetting.delete(userId);
        }
      }),
    );
    socket.on("sandbox:extend", (cb) => respond(cb, async () => ({ sandbox: info(await service.extend(userId)) })));

    socket.on("sandbox:heartbeat", () => {
      service.active(userId).then(
        (a) => a && service.touch(a.sessionId),
        (err) => slog.warn({ err: (err as Error).message }, "heartbeat failed"),
      );
    });

    socket.on("sandbox:end", (cb) =>
      respond(cb, async () => {
        await service.end(userId, "user");
        return {};
      }),
    );

    /** Terminals this socket is attached to. */
    const mine = new Map<string, TerminalSession>();

    const attachTo = async (term: TerminalSession) => {
      mine.set(term.id, term);
      registry.attached(term.id);
      await term.attach({
        id: socket.id,
        output: (data) => socket.emit("terminal:output", term.id, data),
        exit: (message) => {
          mine.delete(term.id);
          socket.emit("terminal:exit", term.id, { message });
        },
        control: (by) => socket.emit("terminal:control", term.id, { by }),
        watched: (by) => socket.emit("terminal:watched", term.id, { by }),
      });
    };

    socket.on("terminal:open", async (size, cb) => {
      if (typeof cb !== "function") return;
      const parsed = Size.safeParse(size);
      if (!parsed.success) return cb({ ok: false, error: badRequest("terminal size") });
      if (registry.countFor(userId) >= deps.terminalsPerLearner) {
        return cb({
          ok: false,
          error: { code: "limit_reached", message: `You have ${deps.terminalsPerLearner} terminals open, the most one learner may have.`, action: "Close a terminal tab you no longer use, then try again." },
        });
      }
      try {
        const active = await service.active(userId);
        if (!active) return cb({ ok: false, error: NO_SANDBOX });
        const proc = await driver.openTty(
          active.sandbox,
          { cmd: ["bash", "-l"], user: "ubuntu", workingDir: "/home/ubuntu", env: ["TERM=xterm-256color", "COLORTERM=truecolor", "LANG=C.UTF-8"] },
          parsed.data,
        );
        const term = new TerminalSession({ sessionId: active.sessionId, userId }, proc, parsed.data);
        term.onActivity(() => service.touch(active.sessionId));
        registry.add(term);
        // A recording that cannot start (database or disk trouble) must not cost the learner a shell.
        await deps.record(term).catch((err) => slog.error({ err }, "could not start recording this terminal"));
        slog.info({ terminalId: term.id, sandbox: active.sandbox.name, recording: term.recordingId }, "terminal opened");
        cb({ ok: true, terminalId: term.id, recordingId: term.recordingId });
        await attachTo(term);
      } catch (err) {
        const f = toFailure(err);
        cb({
          ok: false,
          error: { code: "terminal_failed", message: "The terminal could not be opened.", action: "Press Retry; if that fails, reset the sandbox.", detail: f.detail },
        });
      }
    });

    const attaches = new AttemptCounter(ATTACH_WINDOW_MS);
    socket.on("terminal:attach", async (id, size, cb) => {
      if (typeof cb !== "function") return;
      attaches.count("attach");
      if (attaches.exceeded("attach", MAX_ATTACHES + 1)) {
        return cb({ ok: false, error: { code: "rate_limited", message: "The page re-attached too often.", action: "Wait a few seconds, then reload the page." } });
      }
      const parsedId = TerminalId.safeParse(id);
      const parsedSize = Size.safeParse(size);
      if (!parsedId.success || !parsedSize.success) return cb({ ok: false, error: badRequest("terminal attach") });
      let answered = false;
      try {
        const active = await service.active(userId);
        const term = active && registry.find(parsedId.data, { userId, sessionId: active.sessionId });
        if (!term) {
          return cb({ ok: false, error: { code: "terminal_gone", message: "That shell has ended.", action: "A new shell will be opened." } });
        }
        term.resize(parsedSize.data.cols, parsedSize.data.rows);
        cb({ ok: true, terminalId: term.id, recordingId: term.recordingId });
        answered = true;
        await attachTo(term);
        slog.info({ terminalId: term.id }, "terminal re-attached");
      } catch (err) {
        slog.warn({ err: (err as Error).message }, "terminal re-attach failed");
        if (!answered) cb(fail(err));
        else socket.emit("terminal:exit", parsedId.data, { message: "The shell could not be re-attached." });
      }
    });

    const lookup = (id: unknown) => {
      const parsed = TerminalId.safeParse(id);
      const term = parsed.success ? mine.get(parsed.data) : undefined;
      return term && term.isAttached(socket.id) ? term : undefined;
    };

    socket.on("terminal:input", (id, data) => {
      const term = lookup(id);
      const parsed = Input.safeParse(data);
      if (term && parsed.success) term.write(parsed.data);
    });

    // Dragging a window sends a resize per frame: apply the last one once it settles.
    const resizes = new Map<string, NodeJS.Timeout>();
    socket.on("terminal:resize", (id, size) => {
      const term = lookup(id);
      const parsed = Size.safeParse(size);
      if (!term || !parsed.success) return;
      clearTimeout(resizes.get(term.id));
      resizes.set(
        term.id,
        setTimeout(() => {
          resizes.delete(term.id);
          if (!term.isClosed) term.resize(parsed.data.cols, parsed.data.rows);
        }, RESIZE_SETTLE_MS),
      );
    });

    socket.on("terminal:ack", (id, bytes) => {
      const term = lookup(id);
      const parsed = AckBytes.safeParse(bytes);
      if (term && parsed.success) term.ack(socket.id, parsed.data);
    });

    socket.on("disconnect", (reason) => {
      gone.abort();
      for (const timer of resizes.values()) clearTimeout(timer);
      // Shells keep running for the grace period, so a reload or a blip loses nothing.
      for (const term of mine.values()) {
        term.detach(socket.id);
        registry.detached(term);
      }
      mine.clear();
      slog.debug({ reason }, "socket disconnected");
    });
  });

  return { warn: (userId, warning) => io.to(userRoom(userId)).emit("sandbox:warning", warning) };
}
