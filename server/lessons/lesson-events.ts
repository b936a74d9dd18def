// Socket events of the lesson player. Sockets are already authenticated by the gateway's
// middleware (socket.data.userId); lessons and steps are looked up by id, checks run in the
// asking learner's own sandbox only.
import { z } from "zod";
import type { PlayServer } from "../terminal/gateway";
import type { Logger } from "../log";
import { toFailure } from "../sandbox/errors";
import type { LessonService } from "./service";

const Id = z.string().min(1).max(100).regex(/^[a-z0-9-]+$/);
const CheckReq = z.object({ lessonId: Id, stepId: Id, answer: z.string().max(1000).optional(), auto: z.boolean().optional() });
const RevealReq = z.object({ lessonId: Id, stepId: Id, what: z.enum(["hint", "solution"]) });
const LessonReq = z.object({ lessonId: Id });

export function attachLessonEvents(io: PlayServer, lessons: LessonService, log: Logger): void {
  io.on("connection", (socket) => {
    const userId = socket.data.userId;
    const respond = <T extends object>(cb: unknown, schema: z.ZodTypeAny, req: unknown, action: (input: never) => Promise<T>) => {
      if (typeof cb !== "function") return;
      const parsed = schema.safeParse(req);
      if (!parsed.success) {
        return cb({ ok: false, error: { code: "bad_request", message: "The request was not understood (lesson).", action: "Reload the page." } });
      }
      action(parsed.data as never).then(
        (result) => cb({ ok: true, ...result }),
        (err) => {
          const f = toFailure(err);
          log.warn({ userId, code: f.code, detail: f.detail ?? (err as Error).message }, f.message);
          cb({ ok: false, error: f.toJSON() });
        },
      );
    };
    socket.on("lesson:check", (req, cb) =>
      respond(cb, CheckReq, req, (r: z.infer<typeof CheckReq>) => lessons.check(userId, r.lessonId, r.stepId, r.answer, r.auto ?? false)),
    );
    socket.on("lesson:reveal", (req, cb) => respond(cb, RevealReq, req, (r: z.infer<typeof RevealReq>) => lessons.reveal(userId, r.lessonId, r.stepId, r.what)));
    socket.on("lesson:reset", (req, cb) => respond(cb, LessonReq, req, async (r: z.infer<typeof LessonReq>) => ({ state: await lessons.reset(userId, r.lessonId) })));
    socket.on("lesson:enter", (req, cb) => respond(cb, LessonReq, req, async (r: z.infer<typeof LessonReq>) => ({ state: await lessons.enter(userId, r.lessonId) })));
  });
}
