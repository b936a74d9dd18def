// Workshops: an instructor's class. Learners join with a short code and a display name (no
// account); the instructor sees only their own workshops and learners. Ending a workshop
// removes its learners' sandboxes and keeps their progress.
import { randomBytes, randomInt } from "node:crypto";
import { z } from "zod";
import type { Db } from "../db";
import type { Lesson } from "../lessons/parse";
import type { PlaygroundService } from "../sessions/playground-service";
import type { LearnerActivity } from "../terminal/learner-activity";
import type { StaffIdentity } from "../auth/staff";
import type { SandboxSlots } from "../lifecycle/capacity";
import type { SandboxPool } from "../lifecycle/pool";
import { PlaygroundFailure } from "../sandbox/errors";

/** Join codes avoid look-alike characters (0/O, 1/I/L). */
const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const STUCK_AFTER_MS = 10 * 60_000;
const STUCK_FAILED_CHECKS = 5;

export const WorkshopInput = z
  .object({
    title: z.string().trim().min(3, "title: at least 3 characters").max(120),
    // NN-slug lessons and imported scenarios (scenarioSlug: lowercase words with dashes).
    lessonIds: z.array(z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/)).min(1, "choose at least one lesson").max(50),
    startsAt: z.coerce.date(),
    endsAt: z.coerce.date(),
    capacity: z.coerce.number().int().min(1).max(500),
  })
  .refine((w) => w.endsAt > w.startsAt, { message: "the workshop must end after it starts", path: ["endsAt"] });

/** A workshop request that cannot be done: a learner- or instructor-facing failure with its HTTP status. */
export class WorkshopError extends PlaygroundFailure {
  constructor(
    readonly status: number,
    message: string,
    action = "",
  ) {
    super(status === 429 ? "rate_limited" : status >= 500 ? "internal" : status === 409 ? "limit_reached" : "bad_request", message, action);
  }
}

function newJoinCode(): string {
  let code = "";
  for (let i = 0; i < 6; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return `${code.slice(0, 3)}-${code.slice(3)}`;
}

export function normalizeJoinCode(raw: string): string {
  const letters = raw.toUpperCase().replace(/[^A-Z0-9]/g, "");
  return letters.length === 6 ? `${letters.slice(0, 3)}-${letters.slice(3)}` : letters;
}

import type { LearnerRow, ProgressMatrix } from "../../lib/protocol";
export type { LearnerRow, ProgressMatrix };

/**
 * The other app servers' pre-warms (several servers behind a balancer): a class's reservation
 * lives in the pool of the server that received it, whichever server the instructor asks next.
 */
export interface PrewarmPeers {
  /** Other servers' status for this workshop (only those holding a reservation answer with one). */
  statuses(workshopId: string): Promise<PrewarmStatus[]>;
  /** Cancels other servers' reservations for this workshop: this server takes the class's pre-warm over. */
  cancel(workshopId: string): Promise<void>;
}

/** A workshop's pre-warm, counted for this class alone (not the server-wide pool). */
export interface PrewarmStatus {
  /** Pre-warmed sandboxes this workshop still has reserved (each arriving learner uses one). */
  reserved: number;
  /** Of those, ready now, and starting now. */
  ready: number;
  starting: number;
  /** How many of them the server can hold now (SANDBOX_MAX or memory, after everyone else). */
  fits: number;
}

export class WorkshopService {
  constructor(
    private readonly prisma: Db,
    private readonly deps: { lessons: Lesson[]; sessions: PlaygroundService; pool: SandboxPool; slots: SandboxSlots; activity: LearnerActivity; memory?: { room(): number }; peers?: PrewarmPeers },
  ) {}

  async create(owner: StaffIdentity, input: unknown) {
    const parsed = WorkshopInput.safeParse(input);
    if (!parsed.success) throw new WorkshopError(400, parsed.error.issues.map((i) => i.message).join("; "));
    const unknown = parsed.data.lessonIds.filter((id) => !this.deps.lessons.some((l) => l.id === id));
    if (unknown.length) throw new WorkshopError(400, `not lessons of this course: ${unknown.join(", ")}`);
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        return await this.prisma.workshop.create({
          data: {
            id: randomBytes(16).toString("base64url"),
            ownerId: owner.staffId,
            title: parsed.data.title,
            lessonIds: JSON.stringify(parsed.data.lessonIds),
            startsAt: parsed.data.startsAt,
            endsAt: parsed.data.endsAt,
            capacity: parsed.data.capacity,
            joinCode: newJoinCode(),
          },
        });
      } catch (err) {
        if ((err as { code?: string }).code !== "P2002") throw err; // a join code collision: draw again
      }
    }
    throw new WorkshopError(503, "could not draw a free join code; try again");
  }

  /** The instructor's own workshops (an admin sees everyone's). */
  async list(staff: StaffIdentity) {
    return this.prisma.workshop.findMany({
      where: staff.role === "admin" ? {} : { ownerId: staff.staffId },
      orderBy: { startsAt: "desc" },
      include: { _count: { select: { members: true } } },
    });
  }

  /** A workshop the staff member may see, or a 404 that looks like any missing one. */
  async get(staff: StaffIdentity, id: string) {
    const w = await this.prisma.workshop.findUnique({ where: { id } });
    if (!w || (w.ownerId !== staff.staffId && staff.role !== "admin")) throw new WorkshopError(404, "no workshop of yours with that id");
    return w;
  }

  /** Internal lookup without an authorization check (the caller has done it). */
  async byId(id: string) {
    return this.prisma.workshop.findUnique({ where: { id } });
  }

  lessonsOf(w: { lessonIds: string }): Lesson[] {
    const ids = JSON.parse(w.lessonIds) as string[];
    return ids.map((id) => this.deps.lessons.find((l) => l.id === id)).filter((l): l is Lesson => !!l);
  }

  /** The dashboard's learner rows: where each learner is, and whether they look stuck. */
  async learners(staff: StaffIdentity, id: string, now = new Date()): Promise<LearnerRow[]> {
    return this.rowsOf(await this.get(staff, id), now);
  }

  /** Learner rows of a workshop the caller has already authorized. */
  async rowsOf(w: { id: string; lessonIds: string }, now = new Date()): Promise<LearnerRow[]> {
    const { lessons, members, progress: allProgress } = await this.classProgress(w);
    const running = new Set(
      (await this.deps.sessions.activeSessions()).filter((r) => r.state === "ready" && r.sandboxId).map((r) => r.userId),
    );
    const rows: LearnerRow[] = [];
    for (const m of members) {
      const progress = allProgress.filter((p) => p.userId === m.userId);
      const passed = new Set(progress.filter((p) => p.passedAt).map((p) => `${p.lessonId}/${p.stepId}`));
      let current: LearnerRow["currentLesson"] = null;
      for (const l of lessons) {
        const index = l.steps.findIndex((s) => !passed.has(`${l.id}/${s.id}`));
        if (index >= 0) {
          current = { id: l.id, title: l.title, stepIndex: index, steps: l.steps.length };
          break;
        }
      }
      const lastPass = progress.map((p) => p.passedAt?.getTime() ?? 0).reduce((a, b) => Math.max(a, b), 0);
      const lastProgress = Math.max(lastPass, m.joinedAt.getTime());
      const currentStep = current ? lessons.find((l) => l.id === current!.id)!.steps[current.stepIndex] : null;
      const activity = this.deps.activity.of(m.userId);
      const failedChecks = currentStep ? (progress.find((p) => p.lessonId === current!.id && p.stepId === currentStep.id)?.attempts ?? 0) : 0;
      rows.push({
        userId: m.userId,
        displayName: m.displayName,
        joinedAt: m.joinedAt.toISOString(),
        currentLesson: current,
        doneSteps: passed.size,
        totalSteps: lessons.reduce((n, l) => n + l.steps.length, 0),
        lastProgressAt: lastPass ? new Date(lastPass).toISOString() : null,
        failedChecks,
        stuck: !!current && (now.getTime() - lastProgress > STUCK_AFTER_MS || failedChecks >= STUCK_FAILED_CHECKS),
        sandboxRunning: running.has(m.userId),
        queuePosition: this.deps.sessions.queuePosition(m.userId),
        lastInputAt: activity.lastInputAt?.toISOString() ?? null,
        lastOutputAt: activity.lastOutputAt?.toISOString() ?? null,
      });
    }
    return rows;
  }

  /**
   * The workshop's lessons, members and their progress on those lessons: two queries for the
   * whole class (the dashboard asks often), not two per learner.
   */
  private async classProgress(w: { id: string; lessonIds: string }) {
    const lessons = this.lessonsOf(w);
    const members = await this.prisma.workshopMember.findMany({ where: { workshopId: w.id }, orderBy: { joinedAt: "asc" } });
    const progress = await this.prisma.stepProgress.findMany({
      where: { userId: { in: members.map((m) => m.userId) }, lessonId: { in: lessons.map((l) => l.id) } },
    });
    return { lessons, members, progress };
  }

  /** Learners by steps: who passed, tried or has not reached each step of the workshop. */
  async matrix(staff: StaffIdentity, id: string): Promise<ProgressMatrix> {
    const w = await this.get(staff, id);
    const { lessons, members, progress } = await this.classProgress(w);
    const byKey = new Map(progress.map((p) => [`${p.userId}/${p.lessonId}/${p.stepId}`, p]));
    const steps = lessons.flatMap((l) => l.steps.map((s, i) => ({ lessonId: l.id, lessonTitle: l.title, stepId: s.id, stepTitle: s.title, index: i })));
    return {
      title: w.title,
      steps,
      learners: members.map((m) => ({
        userId: m.userId,
        displayName: m.displayName,
        joinedAt: m.joinedAt.toISOString(),
        cells: steps.map((s) => {
          const p = byKey.get(`${m.userId}/${s.lessonId}/${s.stepId}`);
          return { passedAt: p?.passedAt?.toISOString() ?? null, attempts: p?.attempts ?? 0 };
        }),
      })),
    };
  }

  /** The workshop a learner is in now: their latest membership of one that has not ended. */
  async currentFor(userId: string, now = new Date()) {
    const m = await this.prisma.workshopMember.findFirst({
      where: { userId, workshop: { endedAt: null, endsAt: { gt: now } } },
      orderBy: { joinedAt: "desc" },
      include: { workshop: true },
    });
    return m ? { workshop: m.workshop, displayName: m.displayName } : null;
  }

  /** Workshops (ended or not) that this learner belongs to. */
  async workshopIdsOf(userId: string): Promise<string[]> {
    const rows = await this.prisma.workshopMember.findMany({ where: { userId }, select: { workshopId: true } });
    return rows.map((r) => r.workshopId);
  }

  async memberIds(workshopId: string): Promise<string[]> {
    const rows = await this.prisma.workshopMember.findMany({ where: { workshopId }, select: { userId: true } });
    return rows.map((r) => r.userId);
  }

  /** The membership, if this learner belongs to this workshop (the caller owns the workshop). */
  async member(workshopId: string, userId: string) {
    return this.prisma.workshopMember.findUnique({ where: { workshopId_userId: { workshopId, userId } } });
  }

  /** What /join/<code> shows before the learner joins. */
  async byCode(rawCode: string, now = new Date()) {
    const w = await this.prisma.workshop.findUnique({ where: { joinCode: normalizeJoinCode(rawCode) }, include: { _count: { select: { members: true } } } });
    if (!w) throw new WorkshopError(404, "There is no workshop with that code. Check the code with your instructor.");
    if (w.endedAt || w.endsAt <= now) throw new WorkshopError(410, "This workshop has ended. Your progress is kept; ask your instructor for a new code.");
    return w;
  }

  /** Joins (or re-joins: same browser, same membership) and returns the first lesson. */
  async join(rawCode: string, userId: string, rawName: unknown, now = new Date()) {
    const w = await this.byCode(rawCode, now);
    const name = z.string().trim().min(1).max(40).safeParse(rawName);
    if (!name.success) throw new WorkshopError(400, "Type a display name (up to 40 characters) so your instructor knows who you are.");
    const existing = await this.prisma.workshopMember.findUnique({ where: { workshopId_userId: { workshopId: w.id, userId } } });
    if (existing) {
      await this.prisma.workshopMember.update({ where: { workshopId_userId: { workshopId: w.id, userId } }, data: { displayName: name.data } });
    } else {
      if (w._count.members >= w.capacity) throw new WorkshopError(409, "This workshop is full. Ask your instructor to raise its capacity.");
      await this.prisma.workshopMember.create({ data: { workshopId: w.id, userId, displayName: name.data } });
    }
    const first = this.lessonsOf(w)[0];
    return { workshopId: w.id, title: w.title, firstLesson: first ? first.slug : null };
  }

  /** Starts sandboxes ahead of the class (into the warm pool); `count` 0 cancels. */
  async prewarm(staff: StaffIdentity, id: string, rawCount: unknown): Promise<PrewarmStatus> {
    const w = await this.get(staff, id);
    if (w.endedAt) throw new WorkshopError(409, "This workshop has ended.");
    const count = z.coerce.number().int().min(0).max(w.capacity).safeParse(rawCount);
    if (!count.success) throw new WorkshopError(400, `Choose how many sandboxes to pre-warm: 0 to ${w.capacity} (the workshop's capacity).`);
    await this.deps.peers?.cancel(w.id); // one server holds a class's pre-warm: this one, from now on
    if (count.data === 0) await this.deps.pool.unreserve(w.id);
    else this.deps.pool.reserve(w.id, count.data);
    return this.localPrewarmStatus(w);
  }

  /** The class's pre-warm, on this server or on the one that holds it. */
  async prewarmStatus(w: { id: string }): Promise<PrewarmStatus> {
    const here = this.localPrewarmStatus(w);
    if (here.reserved > 0 || !this.deps.peers) return here;
    const there = await this.deps.peers.statuses(w.id).catch(() => []);
    return there.find((s) => s.reserved > 0) ?? here;
  }

  /** The pre-warm this server's pool holds for the class (nothing reserved: zeros). */
  localPrewarmStatus(w: { id: string }): PrewarmStatus {
    const { pool, slots } = this.deps;
    const reserved = pool.reservedFor(w.id);
    // Warm sandboxes are interchangeable: count the pool's own size and other classes'
    // reservations as served first, so this class never sees sandboxes that are not its own.
    const others = pool.target - reserved;
    const clamp = (n: number) => Math.max(0, Math.min(reserved, n));
    const ready = clamp(pool.readyCount - others);
    // Sandboxes already in the pool hold their slots and memory; new ones need both.
    const room = Math.min(slots.max - (slots.inUse - pool.held), pool.held + (this.deps.memory?.room() ?? Infinity));
    return { reserved, ready, starting: clamp(pool.readyCount + pool.startingCount - others) - ready, fits: clamp(room - others) };
  }

  /** Ends the workshop: its learners' sandboxes go, their progress stays. */
  async end(staff: StaffIdentity, id: string): Promise<number> {
    const w = await this.get(staff, id);
    await this.prisma.workshop.update({ where: { id: w.id }, data: { endedAt: new Date() } });
    await this.deps.peers?.cancel(w.id); // its pre-warm may be held by another app server
    await this.deps.pool.unreserve(w.id);
    const members = await this.prisma.workshopMember.findMany({ where: { workshopId: w.id } });
    let ended = 0;
    for (const m of members) {
      if (await this.deps.sessions.active(m.userId)) {
        await this.deps.sessions.end(m.userId, "admin", undefined, `The workshop “${w.title}” has ended. Your progress is saved.`);
        ended++;
      }
    }
    return ended;
  }
}
