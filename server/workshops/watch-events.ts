// The instructor's live view of learners' terminals, on the socket.io namespace /staff. Every
// connection is a signed-in staff member; a watch is granted only for a learner of one of
// their own workshops. Watching is read-only and never slows the learner's shell (watchers
// drop frames and get a fresh screen, see TerminalSession.watch).
import { randomUUID } from "node:crypto";
import type { Server } from "socket.io";
import { z } from "zod";
import type { StaffService } from "../auth/staff";
import type { Db } from "../db";
import type { Logger } from "../log";
import type { PlaygroundService } from "../sessions/playground-service";
import type { TerminalRegistry } from "../terminal/registry";
import type { TerminalSession } from "../terminal/terminal-session";
import { WorkshopError, type WorkshopService } from "./service";

const WatchReq = z.object({ workshopId: z.string().min(10).max(40), userId: z.string().min(3).max(80) });
const WatchId = z.string().uuid();
const Bytes = z.number().int().min(0).max(1 << 30);

type Reply = (res: { ok: true; watchId: string; cols: number; rows: number } | { ok: false; error: string }) => void;

export function attachWatchEvents(
  io: Server,
  deps: { staff: StaffService; workshops: WorkshopService; sessions: PlaygroundService; registry: TerminalRegistry; prisma: Db; log: Logger },
): void {
  const nsp = io.of("/staff");
  nsp.use(async (socket, next) => {
    const me = await deps.staff.fromCookieHeader(socket.handshake.headers.cookie).catch(() => null);
    if (!me) return next(Object.assign(new Error("unauthorized"), { data: { message: "Sign in as an instructor first." } }));
    socket.data.staff = me;
    next();
  });

  nsp.on("connection", (socket) => {
    const me = socket.data.staff;
    const watching = new Map<string, TerminalSession>();

    socket.on("watch:start", async (req: unknown, cb: Reply) => {
      if (typeof cb !== "function") return;
      const parsed = WatchReq.safeParse(req);
      if (!parsed.success) return cb({ ok: false, error: "bad request" });
      try {
        await deps.workshops.get(me, parsed.data.workshopId);
        const member = await deps.prisma.workshopMember.findUnique({
          where: { workshopId_userId: { workshopId: parsed.data.workshopId, userId: parsed.data.userId } },
        });
        if (!member) return cb({ ok: false, error: "no such learner in this workshop" });
        const active = await deps.sessions.active(member.userId);
        const term = active ? deps.registry.forSession(active.sessionId).filter((t) => !t.isClosed).at(-1) : undefined;
        if (!term) return cb({ ok: false, error: "This learner has no terminal open right now." });
        const watchId = randomUUID();
        watching.set(watchId, term);
        const { cols, rows } = term.dimensions;
        cb({ ok: true, watchId, cols, rows });
        await term.watch({
          id: watchId,
          output: (data) => socket.emit("watch:output", watchId, data),
          exit: (message) => {
            watching.delete(watchId);
            socket.emit("watch:exit", watchId, message);
          },
        });
        deps.log.info({ staff: me.email, learner: member.userId, workshopId: parsed.data.workshopId }, "instructor watching a terminal");
      } catch (err) {
        cb({ ok: false, error: err instanceof WorkshopError ? err.message : "could not watch this terminal" });
      }
    });

    socket.on("watch:ack", (watchId: unknown, bytes: unknown) => {
      const id = WatchId.safeParse(watchId);
      const n = Bytes.safeParse(bytes);
      if (id.success && n.success) watching.get(id.data)?.watchAck(id.data, n.data);
    });

    socket.on("watch:stop", (watchId: unknown) => {
      const id = WatchId.safeParse(watchId);
      if (!id.success) return;
      watching.get(id.data)?.unwatch(id.data);
      watching.delete(id.data);
    });

    socket.on("disconnect", () => {
      for (const [id, term] of watching) term.unwatch(id);
      watching.clear();
    });
  });
}
