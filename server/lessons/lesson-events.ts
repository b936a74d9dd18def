// Socket events of the lesson player. Sockets are already authenticated (realtime/auth.ts);
// lessons and steps are looked up by id, and checks run in the asking learner's own sandbox.
import { z } from "zod";
import type { Logger } from "../log";
import { learnerErrors, onRequest } from "../realtime/requests";
import type { PlayServer } from "../realtime/types";
import type { LessonService } from "./service";

const Id = z.string().min(1).max(100).regex(/^[a-z0-9-]+$/);
const CheckReq = z.object({ lessonId: Id, stepId: Id, answer: z.string().max(1000).optional(), auto: z.boolean().optional() });
const RevealReq = z.object({ lessonId: Id, stepId: Id, what: z.enum(["hint", "solution"]) });
const LessonReq = z.object({ lessonId: Id });

export function attachLessonEvents(io: PlayServer, lessons: LessonService, log: Logger): void {
  io.on("connection", (socket) => {
    const userId = socket.data.userId;
    const errors = learnerErrors(log.child({ userId }), "lesson");
    onRequest(socket, "lesson:check", { schema: CheckReq, errors, run: (r) => lessons.check(userId, r.lessonId, r.stepId, r.answer, r.auto ?? false) });
    onRequest(socket, "lesson:reveal", { schema: RevealReq, errors, run: (r) => lessons.reveal(userId, r.lessonId, r.stepId, r.what) });
    onRequest(socket, "lesson:reset", { schema: LessonReq, errors, run: async (r) => ({ state: await lessons.reset(userId, r.lessonId) }) });
    onRequest(socket, "lesson:enter", { schema: LessonReq, errors, run: async (r) => ({ state: await lessons.enter(userId, r.lessonId) }) });
  });
}
