// A learner's progress through the course, in the database: which steps passed and when,
// attempts, hints and solutions revealed. Independent of sandboxes (a reset keeps it).
import type { LessonStateInfo, StepStateInfo } from "../../lib/protocol";
import type { Db } from "../db";
import type { Lesson } from "./parse";

/** The shapes the browser receives (lib/protocol.ts). */
export type StepState = StepStateInfo;
export type LessonState = LessonStateInfo;

export class ProgressService {
  constructor(private readonly prisma: Db) {}

  async lessonState(userId: string, lesson: Lesson): Promise<LessonState> {
    const rows = await this.prisma.stepProgress.findMany({ where: { userId, lessonId: lesson.id } });
    const byStep = new Map(rows.map((r) => [r.stepId, r]));
    const steps = lesson.steps.map((s): StepState => {
      const r = byStep.get(s.id);
      return {
        id: s.id,
        passed: !!r?.passedAt,
        passedAt: r?.passedAt?.toISOString() ?? null,
        attempts: r?.attempts ?? 0,
        hintShown: r?.hintShown ?? false,
        solutionShown: r?.solutionShown ?? false,
        lastFeedback: r?.lastFeedback ?? null,
      };
    });
    const done = steps.filter((s) => s.passed).length;
    return { lessonId: lesson.id, steps, current: steps.find((s) => !s.passed)?.id ?? null, done, total: steps.length };
  }

  /** Passed steps per lesson id, for the course overview. */
  async courseCounts(userId: string): Promise<Map<string, number>> {
    const rows = await this.prisma.stepProgress.findMany({ where: { userId, passedAt: { not: null } }, select: { lessonId: true } });
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(r.lessonId, (counts.get(r.lessonId) ?? 0) + 1);
    return counts;
  }

  /** Records one check; a pass is kept (a later failing check never un-passes a step). */
  async recordCheck(userId: string, lessonId: string, stepId: string, passed: boolean, feedback: string): Promise<void> {
    const now = new Date();
    const key = { userId_lessonId_stepId: { userId, lessonId, stepId } };
    const existing = await this.prisma.stepProgress.findUnique({ where: key });
    const lastFeedback = passed ? null : feedback.slice(0, 300);
    if (!existing) {
      await this.prisma.stepProgress.create({ data: { userId, lessonId, stepId, attempts: 1, passedAt: passed ? now : null, lastCheckedAt: now, lastFeedback } });
      return;
    }
    await this.prisma.stepProgress.update({
      where: key,
      data: { attempts: { increment: 1 }, lastCheckedAt: now, lastFeedback, passedAt: existing.passedAt ?? (passed ? now : null) },
    });
  }

  async reveal(userId: string, lessonId: string, stepId: string, what: "hint" | "solution"): Promise<void> {
    const data = what === "hint" ? { hintShown: true } : { solutionShown: true };
    await this.prisma.stepProgress.upsert({
      where: { userId_lessonId_stepId: { userId, lessonId, stepId } },
      create: { userId, lessonId, stepId, ...data },
      update: data,
    });
  }

  /** Starts a lesson over (the learner asked); other lessons keep their progress. */
  async resetLesson(userId: string, lessonId: string): Promise<void> {
    await this.prisma.stepProgress.deleteMany({ where: { userId, lessonId } });
  }
}
