// Who is on a socket, decided once at the handshake: a learner by their signed guest cookie
// (default namespace), an instructor by their staff session (/staff). Every event handler can
// then rely on socket.data; nothing else ever names a user.
import type { PlaygroundError } from "../../lib/protocol";
import type { IdentityService } from "../auth/identity";
import type { StaffService } from "../auth/staff";
import type { Logger } from "../log";
import { staffSessionRoom, userRoom } from "./rooms";
import type { PlayServer, StaffNamespace } from "./types";

export function authenticateLearners(io: PlayServer, identities: IdentityService, log: Logger): void {
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
  io.on("connection", (socket) => void socket.join(userRoom(socket.data.userId)));
}

/**
 * Staff sockets: a valid staff session, joined to its session's room. The session's end
 * (expiry, or signing out through `endSession`) disconnects its sockets.
 */
export function authenticateStaff(nsp: StaffNamespace, staff: StaffService): { endSession(sessionId: string): void } {
  nsp.use(async (socket, next) => {
    const session = await staff.sessionFromCookieHeader(socket.handshake.headers.cookie).catch(() => null);
    if (!session) return next(Object.assign(new Error("unauthorized"), { data: { message: "Sign in as an instructor first." } }));
    socket.data.staff = session.staff;
    socket.data.sessionId = session.sessionId;
    socket.data.sessionEndsAt = session.expiresAt.getTime();
    next();
  });
  nsp.on("connection", (socket) => {
    void socket.join(staffSessionRoom(socket.data.sessionId));
    // Sessions last 12 h; a timer beyond 24 days would overflow.
    const expiry = setTimeout(() => socket.disconnect(true), Math.min(2 ** 31 - 1, Math.max(0, socket.data.sessionEndsAt - Date.now())));
    expiry.unref();
    socket.on("disconnect", () => clearTimeout(expiry));
  });
  return { endSession: (sessionId) => void nsp.in(staffSessionRoom(sessionId)).disconnectSockets(true) };
}
