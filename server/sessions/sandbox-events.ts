// A learner's sandbox over their socket: open (queueing with a live position, within the
// per-address limit), reset (one at a time), extend, end, and the heartbeat of a visible page.
// Sandbox ids never come from the client: everything acts on the asker's own session.
import { END_MESSAGES, type SandboxWarning } from "../../lib/protocol";
import type { Logger } from "../log";
import { learnerErrors, onRequest } from "../realtime/requests";
import { userRoom } from "../realtime/rooms";
import type { PlayServer } from "../realtime/types";
import type { ProgressFn } from "../sandbox/driver";
import { PlaygroundFailure } from "../sandbox/errors";
import type { ActiveSandbox, PlaygroundService } from "./playground-service";

export interface SandboxEventDeps {
  service: PlaygroundService;
  /** The client address behind a socket's handshake (TRUST_PROXY aware). */
  addressOf: (req: import("node:http").IncomingMessage) => string;
  /**
   * Lets this learner at this address start a sandbox, or throws the refusal (the
   * per-address limit). Returns the release function for the reservation.
   */
  reserveSandbox: (userId: string, address: string) => Promise<() => void>;
  /** A learner's sandbox started or ended (the instructor dashboard listens). */
  sandboxChanged: (userId: string) => void;
  /** The learner's sandbox ended: its terminals close. */
  sandboxEnded: (sessionId: string) => void;
  /**
   * The warning this session is due now (the most urgent), so a page that (re)opens its
   * sandbox shows it at once instead of after the next clock tick.
   */
  dueWarning: (sessionId: string) => Promise<SandboxWarning | null>;
  log: Logger;
}

export function attachSandboxEvents(io: PlayServer, deps: SandboxEventDeps): { warn(userId: string, warning: SandboxWarning): void } {
  const { service, log } = deps;
  /** Learners whose reset is running: a second one is refused, not queued. */
  const resetting = new Set<string>();

  service.onEnded((userId, sessionId, reason, message) => {
    deps.sandboxEnded(sessionId);
    deps.sandboxChanged(userId);
    io.to(userRoom(userId)).emit("sandbox:ended", { reason, message: message ?? END_MESSAGES[reason] });
  });
  service.onNotice((userId, message) => io.to(userRoom(userId)).emit("sandbox:notice", { message }));

  io.on("connection", (socket) => {
    const userId = socket.data.userId;
    const slog = log.child({ socketId: socket.id, userId });
    const errors = learnerErrors(slog, "sandbox");
    const address = deps.addressOf(socket.request);
    const progress: ProgressFn = (phase, message, position) => socket.emit("sandbox:status", { phase, message, position });
    // Leaving (closing the tab) while queued gives the place to the next learner.
    const gone = new AbortController();
    socket.on("disconnect", () => gone.abort());
    const info = (a: ActiveSandbox) => ({ name: a.sandbox.name, expiresAt: a.expiresAt.toISOString() });
    const opened = async (a: ActiveSandbox) => {
      deps.sandboxChanged(userId);
      service.touch(a.sessionId); // a page opening its sandbox is the learner, present

      return { sandbox: info(a), warning: await deps.dueWarning(a.sessionId) };
    };

    onRequest(socket, "sandbox:open", {
      errors,
      run: async () => {
        const release = await deps.reserveSandbox(userId, address);
        try {
          return opened(await service.open(userId, progress, gone.signal, address));
        } finally {
          release();
        }
      },
    });
    onRequest(socket, "sandbox:reset", {
      errors,
      run: async () => {
        if (resetting.has(userId)) throw new PlaygroundFailure("busy", "Your sandbox is being reset already.", "Wait for the new sandbox; it appears in a moment.");
        resetting.add(userId);
        try {
          return opened(await service.reset(userId, progress, gone.signal, address));
        } finally {
          resetting.delete(userId);
        }
      },
    });
    onRequest(socket, "sandbox:extend", { errors, run: async () => ({ sandbox: info(await service.extend(userId)) }) });
    onRequest(socket, "sandbox:end", {
      errors,
      run: async () => {
        await service.end(userId, "user");
        return {};
      },
    });
    socket.on("sandbox:heartbeat", () => {
      service.active(userId).then(
        (a) => a && service.touch(a.sessionId),
        (err) => slog.warn({ err: (err as Error).message }, "heartbeat failed"),
      );
    });
  });

  return { warn: (userId, warning) => io.to(userRoom(userId)).emit("sandbox:warning", warning) };
}
