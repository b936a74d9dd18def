// A learner's side of a workshop, on their own authenticated socket: what workshop they are
// in (and whether it is recorded), raising and lowering a hand. Messages and answers arrive
// as events in the learner's room (sent by staff-events).
import { z } from "zod";
import type { LearnerWorkshopInfo } from "../../lib/protocol";
import type { Logger } from "../log";
import type { RecordingStore } from "../recordings/store";
import { learnerErrors, onRequest } from "../realtime/requests";
import type { PlayServer } from "../realtime/types";
import { PlaygroundFailure } from "../sandbox/errors";
import type { DashboardFeed } from "./dashboard-feed";
import { HandMessage, type HelpDesk } from "./help-desk";
import type { WorkshopService } from "./service";

const RaiseReq = z.object({ message: HandMessage.default("") }).default({});

function notInWorkshop(): PlaygroundFailure {
  return new PlaygroundFailure("bad_request", "You are not in a workshop right now.", "Join with the code your instructor shows.");
}

export function attachLearnerWorkshopEvents(
  io: PlayServer,
  deps: { workshops: WorkshopService; help: HelpDesk; recordings: RecordingStore; feed: DashboardFeed; log: Logger },
): void {
  io.on("connection", (socket) => {
    const userId = socket.data.userId;
    const errors = learnerErrors(deps.log.child({ userId }), "workshop");
    const currentWorkshop = async () => {
      const current = await deps.workshops.currentFor(userId);
      if (!current) throw notInWorkshop();
      return current.workshop;
    };

    onRequest(socket, "workshop:state", {
      errors,
      run: async (): Promise<{ workshop: LearnerWorkshopInfo | null }> => {
        const current = await deps.workshops.currentFor(userId);
        if (!current) return { workshop: null };
        const w = current.workshop;
        return {
          workshop: {
            id: w.id,
            title: w.title,
            endsAt: w.endsAt.toISOString(),
            recorded: deps.recordings.records(true),
            hand: await deps.help.myHand(w.id, userId),
            messages: await deps.help.messagesFor(w.id, userId),
          },
        };
      },
    });

    onRequest(socket, "hand:raise", {
      schema: z.unknown(),
      errors,
      run: async (req) => {
        // Validated here, so the learner reads what is wrong with their message.
        const parsed = RaiseReq.safeParse(req ?? {});
        if (!parsed.success) {
          throw new PlaygroundFailure("bad_request", parsed.error.issues[0]?.message ?? "bad request", "Shorten the message and try again.");
        }
        const { message } = parsed.data;
        const w = await currentWorkshop();
        await deps.help.raise(w.id, userId, message);
        deps.feed.workshopChanged(w.id);
        return { hand: (await deps.help.myHand(w.id, userId))! };
      },
    });

    onRequest(socket, "hand:lower", {
      errors,
      run: async () => {
        const w = await currentWorkshop();
        await deps.help.lower(w.id, userId);
        deps.feed.workshopChanged(w.id);
        return {};
      },
    });
  });
}
