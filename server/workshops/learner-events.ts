// A learner's side of a workshop, on their own authenticated socket: what workshop they are
// in (and whether it is recorded), raising and lowering a hand. Messages and answers arrive
// as events in the learner's room (sent by staff-events).
import { z } from "zod";
import type { Ack, LearnerWorkshopInfo, PlaygroundError, RaisedHand } from "../../lib/protocol";
import type { Logger } from "../log";
import type { RecordingStore } from "../recordings/store";
import type { PlayServer } from "../terminal/gateway";
import type { DashboardFeed } from "./dashboard-feed";
import { HandMessage, type HelpDesk } from "./help-desk";
import type { WorkshopService } from "./service";

const RaiseReq = z.object({ message: HandMessage.default("") });
const NOT_IN_WORKSHOP: PlaygroundError = {
  code: "bad_request",
  message: "You are not in a workshop right now.",
  action: "Join with the code your instructor shows.",
};

export function attachLearnerWorkshopEvents(
  io: PlayServer,
  deps: { workshops: WorkshopService; help: HelpDesk; recordings: RecordingStore; feed: DashboardFeed; log: Logger },
): void {
  io.on("connection", (socket) => {
    const userId = socket.data.userId;
    /** Answers the acknowledgement with the handler's result, or a plain failure. */
    const respond = <T>(cb: unknown, handler: () => Promise<Ack<T>>) => {
      if (typeof cb !== "function") return;
      handler().then(
        (res) => cb(res),
        (err) => {
          deps.log.error({ err, userId }, "workshop event failed");
          cb({ ok: false, error: { code: "internal", message: "That did not work.", action: "Try again in a moment." } });
        },
      );
    };

    socket.on("workshop:state", (cb) =>
      respond(cb, async (): Promise<Ack<{ workshop: LearnerWorkshopInfo | null }>> => {
        const current = await deps.workshops.currentFor(userId);
        if (!current) return { ok: true, workshop: null };
        const w = current.workshop;
        return {
          ok: true,
          workshop: {
            id: w.id,
            title: w.title,
            endsAt: w.endsAt.toISOString(),
            recorded: deps.recordings.records(true),
            hand: await deps.help.myHand(w.id, userId),
            messages: await deps.help.messagesFor(w.id, userId),
          },
        };
      }),
    );

    socket.on("hand:raise", (req, cb) =>
      respond(cb, async (): Promise<Ack<{ hand: RaisedHand }>> => {
        const parsed = RaiseReq.safeParse(req ?? {});
        if (!parsed.success) {
          return { ok: false, error: { code: "bad_request", message: parsed.error.issues[0]?.message ?? "bad request", action: "Shorten the message and try again." } };
        }
        const current = await deps.workshops.currentFor(userId);
        if (!current) return { ok: false, error: NOT_IN_WORKSHOP };
        await deps.help.raise(current.workshop.id, userId, parsed.data.message);
        deps.feed.workshopChanged(current.workshop.id);
        const hand = await deps.help.myHand(current.workshop.id, userId);
        return { ok: true, hand: hand! };
      }),
    );

    socket.on("hand:lower", (cb) =>
      respond(cb, async (): Promise<Ack<object>> => {
        const current = await deps.workshops.currentFor(userId);
        if (!current) return { ok: false, error: NOT_IN_WORKSHOP };
        await deps.help.lower(current.workshop.id, userId);
        deps.feed.workshopChanged(current.workshop.id);
        return { ok: true };
      }),
    );
  });
}
