// The instructor's socket.io namespace /staff. Every connection is a signed-in staff member,
// and every event re-checks that the workshop is theirs and the learner is in it.
// - watch:*    live, read-only views of learners' terminals (never slow the learner)
// - control:*  typing into a watched terminal; the learner sees a banner; audited
// - dashboard:subscribe  live learner rows and raised hands
// - hand:answer, message:send  answering hands, messages to one learner or everyone
import { randomUUID } from "node:crypto";
import type { Server, Socket } from "socket.io";
import { z } from "zod";
import type { StaffIdentity, StaffService } from "../auth/staff";
import type { Logger } from "../log";
import type { PlaygroundService } from "../sessions/playground-service";
import { userRoom } from "../terminal/gateway";
import type { TerminalRegistry } from "../terminal/registry";
import type { TerminalSession } from "../terminal/terminal-session";
import type { AuditLog } from "./audit";
import { dashboardRoom, type DashboardFeed } from "./dashboard-feed";
import { MessageBody, type HelpDesk } from "./help-desk";
import { WorkshopError, type WorkshopService } from "./service";

const WorkshopId = z.string().min(10).max(40);
const LearnerId = z.string().min(3).max(80);
const WatchReq = z.object({ workshopId: WorkshopId, userId: LearnerId });
const WatchId = z.string().uuid();
const Bytes = z.number().int().min(0).max(1 << 30);
const Input = z.string().max(64 * 1024);
const AnswerReq = z.object({ workshopId: WorkshopId, handId: z.string().min(8).max(40) });
const MessageReq = z.object({ workshopId: WorkshopId, toUserId: LearnerId.nullable().default(null), body: MessageBody });

type Fail = { ok: false; error: string };
/** Every reply is { ok: true, ...result } or { ok: false, error } (a sentence for the instructor). */
type Result = { ok: boolean } & Record<string, unknown>;

export interface StaffEventDeps {
  staff: StaffService;
  workshops: WorkshopService;
  sessions: PlaygroundService;
  registry: TerminalRegistry;
  help: HelpDesk;
  audit: AuditLog;
  feed: DashboardFeed;
  log: Logger;
}

interface Watch {
  term: TerminalSession;
  workshopId: string;
  userId: string;
}

/** The namespace the dashboard feed pushes to (created here so the feed can be built first). */
export function staffNamespace(io: Server) {
  return io.of("/staff");
}

/** The room of one staff session's sockets: signing out or expiring disconnects them. */
function staffSessionRoom(sessionId: string): string {
  return `staff-session:${sessionId}`;
}

export function attachStaffEvents(io: Server, deps: StaffEventDeps): { endSession(sessionId: string): void } {
  const nsp = staffNamespace(io);
  nsp.use(async (socket, next) => {
    const session = await deps.staff.sessionFromCookieHeader(socket.handshake.headers.cookie).catch(() => null);
    if (!session) return next(Object.assign(new Error("unauthorized"), { data: { message: "Sign in as an instructor first." } }));
    socket.data.staff = session.staff;
    socket.data.staffSessionId = session.sessionId;
    socket.data.staffSessionEnds = session.expiresAt.getTime();
    next();
  });

  nsp.on("connection", (socket: Socket) => {
    const me = socket.data.staff as StaffIdentity;
    void socket.join(staffSessionRoom(socket.data.staffSessionId as string));
    // The session's end ends its sockets too (a timer beyond 24 days would overflow; sessions last 12 h).
    const expiry = setTimeout(() => socket.disconnect(true), Math.min(2 ** 31 - 1, Math.max(0, (socket.data.staffSessionEnds as number) - Date.now())));
    expiry.unref();
    const watching = new Map<string, Watch>();
    const failure = (err: unknown, what: string): Fail => {
      if (err instanceof WorkshopError) return { ok: false, error: err.message };
      deps.log.error({ err, staff: me.email }, `staff event failed: ${what}`);
      return { ok: false, error: `could not ${what}; see the server log` };
    };
    /** Runs an event handler with a validated payload; answers bad requests and failures. */
    const handle = <S extends z.ZodTypeAny>(event: string, schema: S, what: string, fn: (req: z.infer<S>) => Promise<Result>) => {
      socket.on(event, (req: unknown, cb: (res: Result) => void) => {
        if (typeof cb !== "function") return;
        const parsed = schema.safeParse(req);
        if (!parsed.success) return cb({ ok: false, error: "bad request" });
        fn(parsed.data).then(cb, (err) => cb(failure(err, what)));
      });
    };
    /** The learner's membership of one of my workshops, or a refusal. */
    const myLearner = async (workshopId: string, userId: string) => {
      const w = await deps.workshops.get(me, workshopId);
      const member = await deps.workshops.member(w.id, userId);
      if (!member) throw new WorkshopError(404, "no such learner in this workshop");
      return { workshop: w, member };
    };
    /** As myLearner, and the workshop is still running: only then may a terminal be watched. */
    const myLearnerNow = async (workshopId: string, userId: string) => {
      const found = await myLearner(workshopId, userId);
      if (found.workshop.endedAt || found.workshop.endsAt.getTime() <= Date.now()) {
        throw new WorkshopError(410, "This workshop is over: its learners' terminals are their own again.");
      }
      return found;
    };
    const stopWatch = (watchId: string, why: string) => {
      const w = watching.get(watchId);
      if (!w) return;
      watching.delete(watchId);
      if (w.term.unwatch(watchId)) auditControl(w, "control:stop", why);
      auditControl(w, "watch:stop", why);
    };
    const auditControl = (w: Watch, action: "control:start" | "control:stop" | "watch:start" | "watch:stop", detail: string) => {
      deps.audit.record(me, action, { workshopId: w.workshopId, userId: w.userId }, detail).catch((err) => deps.log.error({ err }, "could not write the audit log"));
      deps.log.info({ staff: me.email, learner: w.userId, workshopId: w.workshopId, detail }, action);
      deps.feed.workshopChanged(w.workshopId); // the audit log on the dashboard
    };

    handle("watch:start", WatchReq, "watch this terminal", async ({ workshopId, userId }) => {
      await myLearnerNow(workshopId, userId);
      const active = await deps.sessions.active(userId);
      const term = active ? deps.registry.forSession(active.sessionId).filter((t) => !t.isClosed).at(-1) : undefined;
      if (!term) return { ok: false, error: "This learner has no terminal open right now." };
      const watchId = randomUUID();
      const watch = { term, workshopId, userId };
      watching.set(watchId, watch);
      auditControl(watch, "watch:start", "");
      const { cols, rows } = term.dimensions;
      // The reply goes out before the first frame, so the view exists when output arrives.
      setImmediate(() => {
        if (!watching.has(watchId)) return; // stopped (or disconnected) before it began
        term
          .watch({
            id: watchId,
            name: me.email,
            output: (data) => socket.emit("watch:output", watchId, data),
            exit: (message) => {
              watching.delete(watchId);
              socket.emit("watch:exit", watchId, message);
            },
          })
          .catch(() => socket.emit("watch:exit", watchId, "The shell has ended."));
      });
      return { ok: true, watchId, cols, rows, controlledBy: term.controlledBy };
    });

    socket.on("watch:ack", (watchId: unknown, bytes: unknown) => {
      const id = WatchId.safeParse(watchId);
      const n = Bytes.safeParse(bytes);
      if (id.success && n.success) watching.get(id.data)?.term.watchAck(id.data, n.data);
    });

    socket.on("watch:stop", (watchId: unknown) => {
      const id = WatchId.safeParse(watchId);
      if (id.success) stopWatch(id.data, "closed the view");
    });

    handle("control:start", WatchId, "take control", async (watchId) => {
      const w = watching.get(watchId);
      if (!w) return { ok: false, error: "Open the learner's terminal first." };
      await myLearnerNow(w.workshopId, w.userId); // the workshop may have changed hands or ended
      if (!w.term.takeControl(watchId, me.email)) {
        return { ok: false, error: `${w.term.controlledBy ?? "Someone"} already has control of this terminal.` };
      }
      auditControl(w, "control:start", "");
      return { ok: true };
    });

    socket.on("control:input", (watchId: unknown, data: unknown) => {
      const id = WatchId.safeParse(watchId);
      const text = Input.safeParse(data);
      if (id.success && text.success) watching.get(id.data)?.term.controlWrite(id.data, text.data);
    });

    handle("control:stop", WatchId, "give control back", async (watchId) => {
      const w = watching.get(watchId);
      if (w?.term.releaseControl(watchId)) auditControl(w, "control:stop", "gave control back");
      return { ok: true };
    });

    handle("dashboard:subscribe", WorkshopId, "load the dashboard", async (workshopId) => {
      const w = await deps.workshops.get(me, workshopId);
      await socket.join(dashboardRoom(w.id));
      return { ok: true, ...(await deps.feed.snapshot(w)) };
    });

    socket.on("dashboard:unsubscribe", (workshopId: unknown) => {
      const id = WorkshopId.safeParse(workshopId);
      if (id.success) void socket.leave(dashboardRoom(id.data));
    });

    handle("hand:answer", AnswerReq, "answer the hand", async ({ workshopId, handId }) => {
      const w = await deps.workshops.get(me, workshopId);
      const userId = await deps.help.answer(w.id, handId, me.email);
      if (!userId) return { ok: false, error: "That hand was already answered or lowered." };
      io.to(userRoom(userId)).emit("hand:answered", { by: me.email });
      deps.feed.workshopChanged(w.id);
      return { ok: true };
    });

    handle("message:send", MessageReq, "send the message", async ({ workshopId, toUserId, body }) => {
      const w = await deps.workshops.get(me, workshopId);
      if (w.endedAt) return { ok: false, error: "This workshop has ended; its learners no longer see messages." };
      if (toUserId && !(await deps.workshops.member(w.id, toUserId))) return { ok: false, error: "no such learner in this workshop" };
      const message = await deps.help.send(w.id, me.email, body, toUserId);
      const to = toUserId ? [toUserId] : await deps.workshops.memberIds(w.id);
      if (to.length) io.to(to.map(userRoom)).emit("workshop:message", message);
      deps.log.info({ staff: me.email, workshopId: w.id, direct: !!toUserId, recipients: to.length }, "workshop message sent");
      return { ok: true, recipients: to.length };
    });

    socket.on("disconnect", () => {
      clearTimeout(expiry);
      for (const id of [...watching.keys()]) stopWatch(id, "instructor disconnected");
    });
  });

  return { endSession: (sessionId) => void nsp.in(staffSessionRoom(sessionId)).disconnectSockets(true) };
}
