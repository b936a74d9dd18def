// The instructor's socket.io namespace /staff (typed in lib/protocol.ts). Every connection is a
// signed-in staff member (realtime/auth.ts), and every event re-checks that the workshop is
// theirs and the learner is in it.
// - watch:*    live, read-only views of learners' terminals (never slow the learner); only
//              while the workshop runs; audited; the learner sees who is watching
// - control:*  typing into a watched terminal; the learner sees a banner; audited
// - dashboard:subscribe  live learner rows and raised hands
// - hand:answer, message:send  answering hands, messages to one learner or everyone
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { WatchStarted } from "../../lib/protocol";
import type { StaffService } from "../auth/staff";
import type { Logger } from "../log";
import { onRequest, staffErrors } from "../realtime/requests";
import { dashboardRoom, userRoom } from "../realtime/rooms";
import type { PlayServer, StaffNamespace, StaffSocket } from "../realtime/types";
import type { ActiveSandbox, PlaygroundService } from "../sessions/playground-service";
import type { TerminalRegistry } from "../terminal/registry";
import type { TerminalSession } from "../terminal/terminal-session";
import type { AuditAction, AuditLog } from "./audit";
import type { DashboardFeed } from "./dashboard-feed";
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

export interface StaffEventDeps {
  staff: StaffService;
  workshops: WorkshopService;
  sessions: PlaygroundService;
  registry: TerminalRegistry;
  help: HelpDesk;
  audit: AuditLog;
  feed: DashboardFeed;
  /**
   * A read-only view of a learner's held shell when another app server serves their page
   * (TERMINAL_HOLDER=tmux; terminal/holder.ts), or absent without a holder.
   */
  heldView?: (active: ActiveSandbox) => Promise<TerminalSession | null>;
  log: Logger;
}

/** Typing goes through the server that serves the learner's page; this one only watches. */
const REMOTE_READ_ONLY = "This learner's shell is served by another app server, so this view is read-only: help the learner by message.";

interface Watch {
  term: TerminalSession;
  workshopId: string;
  userId: string;
  /** A view of a shell another server serves: read-only here, ended with the watch. */
  remote: boolean;
}

/** The /staff namespace (created once, so the dashboard feed can be built before the events). */
export function staffNamespace(io: PlayServer): StaffNamespace {
  return io.of("/staff") as unknown as StaffNamespace;
}

export function attachStaffEvents(io: PlayServer, nsp: StaffNamespace, deps: StaffEventDeps): void {
  nsp.on("connection", (socket: StaffSocket) => {
    const me = socket.data.staff;
    const watching = new Map<string, Watch>();
    const request = <S extends z.ZodTypeAny, R extends object>(event: string, schema: S | undefined, what: string, run: (input: z.infer<S>) => Promise<R>) =>
      onRequest(socket, event, { schema, errors: staffErrors(deps.log.child({ staff: me.email }), what), run });

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
    const audit = (w: Watch, action: AuditAction, detail: string) => {
      deps.audit.record(me, action, { workshopId: w.workshopId, userId: w.userId }, detail).catch((err) => deps.log.error({ err }, "could not write the audit log"));
      deps.log.info({ staff: me.email, learner: w.userId, workshopId: w.workshopId, detail }, action);
      deps.feed.workshopChanged(w.workshopId); // the audit log on the dashboard
    };
    /** The learner sees who watches a shell that another server serves (its page is there). */
    const tellLearner = (w: Watch, by: string[]) => io.to(userRoom(w.userId)).emit("terminal:watched", w.term.id, { by });
    const stopWatch = (watchId: string, why: string) => {
      const w = watching.get(watchId);
      if (!w) return;
      watching.delete(watchId);
      if (w.term.unwatch(watchId)) audit(w, "control:stop", why);
      if (w.remote) {
        w.term.letGo(); // this view's own tmux client; the learner's shell runs on
        tellLearner(w, []);
      }
      audit(w, "watch:stop", why);
    };

    request("watch:start", WatchReq, "watch this terminal", async ({ workshopId, userId }): Promise<WatchStarted> => {
      await myLearnerNow(workshopId, userId);
      const active = await deps.sessions.active(userId);
      const local = active ? deps.registry.forSession(active.sessionId).filter((t) => !t.isClosed).at(-1) : undefined;
      // Not served here: the learner's page is on another app server; watch their held shell.
      const remote = !local && active && deps.heldView ? await deps.heldView(active).catch(() => null) : null;
      const term = local ?? remote;
      if (!term) throw new WorkshopError(404, "This learner has no terminal open right now.");
      const watchId = randomUUID();
      const watch = { term, workshopId, userId, remote: !!remote };
      watching.set(watchId, watch);
      audit(watch, "watch:start", remote ? "read-only: the learner's shell is served by another app server" : "");
      if (remote) tellLearner(watch, [me.displayName]);
      const { cols, rows } = term.dimensions;
      // The reply goes out before the first frame, so the view exists when output arrives.
      setImmediate(() => {
        if (!watching.has(watchId)) return; // stopped (or disconnected) before it began
        term
          .watch({
            id: watchId,
            name: me.displayName, // learners see who watches: a name, never the email
            output: (data) => socket.emit("watch:output", watchId, data),
            exit: (message) => {
              watching.delete(watchId);
              socket.emit("watch:exit", watchId, message);
            },
          })
          .catch(() => socket.emit("watch:exit", watchId, "The shell has ended."));
      });
      return { watchId, cols, rows, controlledBy: term.controlledBy, readOnlyBecause: remote ? REMOTE_READ_ONLY : null };
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

    request("control:start", WatchId, "take control", async (watchId) => {
      const w = watching.get(watchId);
      if (!w) throw new WorkshopError(409, "Open the learner's terminal first.");
      if (w.remote) throw new WorkshopError(409, REMOTE_READ_ONLY);
      await myLearnerNow(w.workshopId, w.userId); // the workshop may have changed hands or ended
      if (!w.term.takeControl(watchId, me.displayName)) throw new WorkshopError(409, `${w.term.controlledBy ?? "Someone"} already has control of this terminal.`);
      audit(w, "control:start", "");
      return {};
    });

    socket.on("control:input", (watchId: unknown, data: unknown) => {
      const id = WatchId.safeParse(watchId);
      const text = Input.safeParse(data);
      if (id.success && text.success) watching.get(id.data)?.term.controlWrite(id.data, text.data);
    });

    request("control:stop", WatchId, "give control back", async (watchId) => {
      const w = watching.get(watchId);
      if (w?.term.releaseControl(watchId)) audit(w, "control:stop", "gave control back");
      return {};
    });

    request("dashboard:subscribe", WorkshopId, "load the dashboard", async (workshopId) => {
      const w = await deps.workshops.get(me, workshopId);
      await socket.join(dashboardRoom(w.id));
      return deps.feed.snapshot(w);
    });

    socket.on("dashboard:unsubscribe", (workshopId: unknown) => {
      const id = WorkshopId.safeParse(workshopId);
      if (id.success) void socket.leave(dashboardRoom(id.data));
    });

    request("hand:answer", AnswerReq, "answer the hand", async ({ workshopId, handId }) => {
      const w = await deps.workshops.get(me, workshopId);
      const userId = await deps.help.answer(w.id, handId, me.email);
      if (!userId) throw new WorkshopError(409, "That hand was already answered or lowered.");
      io.to(userRoom(userId)).emit("hand:answered", { by: me.displayName });
      deps.feed.workshopChanged(w.id);
      return {};
    });

    request("message:send", MessageReq, "send the message", async ({ workshopId, toUserId, body }) => {
      const w = await deps.workshops.get(me, workshopId);
      if (w.endedAt) throw new WorkshopError(409, "This workshop has ended; its learners no longer see messages.");
      if (toUserId && !(await deps.workshops.member(w.id, toUserId))) throw new WorkshopError(409, "no such learner in this workshop");
      const message = await deps.help.send(w.id, me.displayName, body, toUserId);
      const to = toUserId ? [toUserId] : await deps.workshops.memberIds(w.id);
      if (to.length) io.to(to.map(userRoom)).emit("workshop:message", message);
      deps.log.info({ staff: me.email, workshopId: w.id, direct: !!toUserId, recipients: to.length }, "workshop message sent");
      return { recipients: to.length };
    });

    socket.on("disconnect", () => {
      for (const id of [...watching.keys()]) stopWatch(id, "instructor disconnected");
    });
  });
}
