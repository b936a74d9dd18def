// The course as learners use it: lesson views (without check scripts, and with hints and
// solutions only once revealed), checks in the learner's own sandbox, saved progress.
import type { Logger } from "../log";
import type { SandboxDriver } from "../sandbox/driver";
import { PlaygroundFailure } from "../sandbox/errors";
import type { PlaygroundService } from "../sessions/playground-service";
import { AttemptCounter } from "../auth/attempts";
import { cleanAnswer, runCheck, runSetup, type CheckResult } from "./checks";
import type { ShellUser } from "../../lib/protocol";
import { shellUserOf, type Lesson, type LessonSource } from "./parse";
import type { LessonState, ProgressService } from "./progress";

export interface LessonSummary {
  id: string;
  slug: string;
  order: number;
  title: string;
  summary: string;
  minutes: number;
  steps: number;
  done: number;
  /** "native", or the scenario format it was imported from (shown as a label in the course list). */
  source: LessonSource;
}

export interface StepView {
  id: string;
  title: string;
  body: string;
  question?: string;
  /** Typed into the learner's terminal when the step starts (imported scenarios' foreground scripts). */
  foreground?: string;
  /** Nothing to verify: the learner presses Next (never checked automatically). */
  acknowledge?: boolean;
  /** Present once the learner revealed it. */
  hint?: string;
  solution?: string;
}

export interface LessonView extends Omit<LessonSummary, "done" | "steps"> {
  intro: string;
  /** Whose shell the lesson's terminal is (shellUserOf). */
  shell: ShellUser;
  prerequisites: { id: string; slug: string; title: string }[];
  steps: StepView[];
  next: { slug: string; title: string } | null;
  state: LessonState;
}

export class LessonError extends PlaygroundFailure {}

const MAX_CHECKS_PER_MINUTE = 40;
const MAX_ENTERS_PER_MINUTE = 20;

function notFound(what: string): LessonError {
  return new LessonError("bad_request", `There is no ${what} with that name.`, "Go back to the list of lessons.");
}

export class LessonService {
  /** Users with a check running: auto-checks are skipped rather than queued. */
  private readonly checking = new Set<string>();
  /** Checks and step set-ups each start a process in the sandbox: bounded per learner. */
  private readonly checkCount = new AttemptCounter(60_000);
  private readonly enterCount = new AttemptCounter(60_000);
  /** Set-ups in flight, per learner: a second enter waits for the first instead of running it again. */
  private readonly entering = new Map<string, Promise<void>>();
  private readonly progressListeners: ((userId: string) => void)[] = [];

  constructor(
    readonly lessons: Lesson[],
    private readonly deps: { progress: ProgressService; sessions: PlaygroundService; driver: SandboxDriver; log: Logger },
  ) {}

  /** A learner's recorded progress changed (a check was recorded, a lesson reset): the dashboard listens. */
  onProgress(listener: (userId: string) => void): void {
    this.progressListeners.push(listener);
  }

  private progressChanged(userId: string): void {
    for (const l of this.progressListeners) l(userId);
  }

  private byId(lessonId: string): Lesson {
    const lesson = this.lessons.find((l) => l.id === lessonId);
    if (!lesson) throw notFound("lesson");
    return lesson;
  }

  private step(lesson: Lesson, stepId: string) {
    const step = lesson.steps.find((s) => s.id === stepId);
    if (!step) throw notFound("step");
    return step;
  }

  async list(userId: string | null): Promise<LessonSummary[]> {
    const counts = userId ? await this.deps.progress.courseCounts(userId) : new Map<string, number>();
    return this.lessons.map((l) => ({
      id: l.id,
      slug: l.slug,
      order: l.order,
      title: l.title,
      summary: l.summary,
      minutes: l.minutes,
      steps: l.steps.length,
      done: Math.min(counts.get(l.id) ?? 0, l.steps.length),
      source: l.source,
    }));
  }

  /** Whether the course has a lesson with this slug. */
  has(slug: string): boolean {
    return this.lessons.some((l) => l.slug === slug);
  }

  async view(slug: string, userId: string | null): Promise<LessonView> {
    const index = this.lessons.findIndex((l) => l.slug === slug);
    if (index < 0) throw notFound("lesson");
    const l = this.lessons[index];
    const state: LessonState = userId
      ? await this.deps.progress.lessonState(userId, l)
      : { lessonId: l.id, steps: [], current: l.steps[0]?.id ?? null, done: 0, total: l.steps.length };
    const next = this.lessons[index + 1];
    return {
      id: l.id,
      slug: l.slug,
      order: l.order,
      title: l.title,
      summary: l.summary,
      minutes: l.minutes,
      source: l.source,
      shell: shellUserOf(l),
      intro: l.intro,
      prerequisites: l.prerequisites.map((p) => this.lessons.find((x) => x.id === p)).filter((x): x is Lesson => !!x).map((x) => ({ id: x.id, slug: x.slug, title: x.title })),
      steps: l.steps.map((s) => {
        const st = state.steps.find((x) => x.id === s.id);
        return {
          id: s.id,
          title: s.title,
          body: s.body,
          question: s.question,
          foreground: s.foreground,
          acknowledge: s.acknowledge || undefined,
          hint: st?.hintShown ? s.hint : undefined,
          solution: st?.solutionShown ? s.solution : undefined,
        };
      }),
      next: next ? { slug: next.slug, title: next.title } : null,
      state,
    };
  }

  /** Runs a step's check in the learner's sandbox and records the result. */
  async check(userId: string, lessonId: string, stepId: string, rawAnswer: unknown, auto: boolean): Promise<{ result: CheckResult | null; state: LessonState }> {
    const lesson = this.byId(lessonId);
    const step = this.step(lesson, stepId);
    let answer: string | undefined;
    // A step without a verify script (imported scenarios) passes only when the learner says Next.
    if (step.acknowledge && auto) return { result: null, state: await this.deps.progress.lessonState(userId, lesson) };
    if (step.question) {
      if (auto) return { result: null, state: await this.deps.progress.lessonState(userId, lesson) }; // questions are answered, not watched
      const cleaned = cleanAnswer(rawAnswer);
      if (cleaned === null) return { result: { passed: false, feedback: "Type a one-line answer (up to 200 characters), then press Check." }, state: await this.deps.progress.lessonState(userId, lesson) };
      answer = cleaned;
    }
    const active = await this.deps.sessions.active(userId);
    if (!active) throw new LessonError("no_sandbox", "Checks run in your sandbox, and it is not running.", "Press “Start a new sandbox”, then check again.");
    if (this.checking.has(userId) || this.checkCount.exceeded(userId, MAX_CHECKS_PER_MINUTE)) {
      if (auto) return { result: null, state: await this.deps.progress.lessonState(userId, lesson) };
      if (this.checking.has(userId)) throw new LessonError("busy", "A check is already running.", "Wait a moment and press Check again.");
      throw new LessonError("rate_limited", "That was a lot of checks in one minute.", "Wait a few seconds, then press Check again.");
    }
    this.checkCount.count(userId);
    this.checking.add(userId);
    try {
      const result = await runCheck(this.deps.driver, active.sandbox, step, answer);
      // An automatic check that fails is not an attempt: the learner may just be exploring.
      if (result.passed || !auto) {
        await this.deps.progress.recordCheck(userId, lessonId, stepId, result.passed, result.feedback);
        this.progressChanged(userId);
      }
      this.deps.log.info({ userId, lessonId, stepId, passed: result.passed, auto }, "lesson check");
      const state = await this.deps.progress.lessonState(userId, lesson);
      if (result.passed && state.current) await this.prepare(userId, lesson, state.current);
      return { result, state };
    } finally {
      this.checking.delete(userId);
    }
  }

  async reveal(userId: string, lessonId: string, stepId: string, what: "hint" | "solution"): Promise<{ text: string; state: LessonState }> {
    const lesson = this.byId(lessonId);
    const step = this.step(lesson, stepId);
    await this.deps.progress.reveal(userId, lessonId, stepId, what);
    return { text: what === "hint" ? step.hint : step.solution, state: await this.deps.progress.lessonState(userId, lesson) };
  }

  async reset(userId: string, lessonId: string): Promise<LessonState> {
    const lesson = this.byId(lessonId);
    await this.deps.progress.resetLesson(userId, lessonId);
    this.progressChanged(userId);
    return this.deps.progress.lessonState(userId, lesson);
  }

  /** The learner opened the lesson (or got a new sandbox): prepares the current step. */
  async enter(userId: string, lessonId: string): Promise<LessonState> {
    const lesson = this.byId(lessonId);
    const state = await this.deps.progress.lessonState(userId, lesson);
    // A step's set-up runs once at a time per learner, and only so often. Opening the lesson
    // again meanwhile (a second tab, a reconnect) waits for the set-up in flight, so the reply
    // always means "the step is ready": the page types a foreground script or queued commands
    // only then.
    if (!state.current) return state;
    const inFlight = this.entering.get(userId);
    if (inFlight) {
      await inFlight;
      return state;
    }
    if (this.enterCount.exceeded(userId, MAX_ENTERS_PER_MINUTE)) return state;
    this.enterCount.count(userId);
    const preparing = this.prepare(userId, lesson, state.current).finally(() => this.entering.delete(userId));
    this.entering.set(userId, preparing);
    await preparing;
    return state;
  }

  private async prepare(userId: string, lesson: Lesson, stepId: string): Promise<void> {
    const step = this.step(lesson, stepId);
    if (!step.setup && !step.files?.length) return;
    const active = await this.deps.sessions.active(userId);
    if (!active) return;
    await runSetup(this.deps.driver, active.sandbox, step).catch((err) =>
      this.deps.log.warn({ userId, lessonId: lesson.id, stepId, err: (err as Error).message }, "lesson step setup failed"),
    );
  }
}
