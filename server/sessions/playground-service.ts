// Playground sessions: gives each learner one sandbox, ends it, replaces it.
// The database row is the durable truth; the driver owns what runs.
import { randomUUID } from "node:crypto";
import pLimit, { type LimitFunction } from "p-limit";
import type { EndReason } from "../../lib/protocol";
import type { Config } from "../config";
import type { Db } from "../db";
import type { Logger } from "../log";
import type { ProgressFn, Sandbox, SandboxDriver } from "../sandbox/driver";
import { PlaygroundFailure, toFailure } from "../sandbox/errors";
import { QueueCancelled, SandboxSlots } from "../lifecycle/capacity";
import { systemClock, type Clock } from "../lifecycle/clock";
import type { SandboxPool } from "../lifecycle/pool";
import { othersToManage, type ServerPeers } from "../lifecycle/servers";
import { sandboxName } from "../sandbox/names";

export interface ActiveSandbox {
  sessionId: string;
  userId: string;
  sandbox: Sandbox;
  expiresAt: Date;
}

export type NoticeListener = (userId: string, message: string) => void;
export type EndedListener = (userId: string, sessionId: string, reason: EndReason, message?: string) => void;

const ACTIVE_STATES = ["creating", "ready"];

function toActive(row: { id: string; userId: string; sandboxName: string; expiresAt: Date; driverState?: string | null }, sandboxId: string): ActiveSandbox {
  const sandbox = { id: sandboxId, name: row.sandboxName, ...(row.driverState ? { state: row.driverState } : {}) };
  return { sessionId: row.id, userId: row.userId, sandbox, expiresAt: row.expiresAt };
}

export class PlaygroundService {
  /** One open/reset at a time per learner, so two tabs never create two sandboxes. */
  private readonly userLocks = new Map<string, Promise<unknown>>();
  private readonly listeners: EndedListener[] = [];
  private readonly slotFreedListeners: ((serverId: string) => void)[] = [];
  private readonly noticeListeners: NoticeListener[] = [];
  /** Learners waiting for a free sandbox slot, and their place in the queue. */
  private readonly queued = new Map<string, number>();
  private readonly queueListeners: ((userId: string) => void)[] = [];
  private readonly activity = new Map<string, Date>();
  /** Learners whose outdated sandbox was replaced: told so when they next open one. */
  private readonly replacedNotices = new Map<string, string>();

  private readonly prisma: Db;
  private readonly driver: SandboxDriver;
  private readonly imageRef: string;
  private readonly limits: Pick<Config["session"], "maxMs" | "extendMs" | "maxTotalMs">;
  private readonly log: Logger;
  private readonly slots: SandboxSlots;
  private readonly pool: SandboxPool | null;
  private readonly starting: LimitFunction;
  private readonly clock: Clock;
  private readonly servers: ServerPeers | null;

  constructor(deps: {
    prisma: Db;
    driver: SandboxDriver;
    imageRef: string;
    limits: Pick<Config["session"], "maxMs" | "extendMs" | "maxTotalMs">;
    log: Logger;
    /** Capacity shared with the pool; unlimited when not given. */
    slots?: SandboxSlots;
    pool?: SandboxPool | null;
    /** How many learner sandboxes may boot at once (more only makes all of them slower). */
    startConcurrency?: number;
    /** Session time (tests set it). */
    clock?: Clock;
    /** This app server and who else is alive (several can share the database). */
    servers?: ServerPeers;
  }) {
    this.servers = deps.servers ?? null;
    this.clock = deps.clock ?? systemClock;
    this.starting = pLimit(deps.startConcurrency ?? 4);
    this.prisma = deps.prisma;
    this.driver = deps.driver;
    this.imageRef = deps.imageRef;
    this.limits = deps.limits;
    this.log = deps.log;
    this.slots = deps.slots ?? new SandboxSlots(Number.MAX_SAFE_INTEGER);
    this.pool = deps.pool ?? null;
  }

  onEnded(listener: EndedListener): void {
    this.listeners.push(listener);
  }

  /** A session that another app server holds ended here: that server should free its slot. */
  onOtherServersSlotFreed(listener: (serverId: string) => void): void {
    this.slotFreedListeners.push(listener);
  }

  private withUserLock<T>(userId: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.userLocks.get(userId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(fn);
    const tail = next.catch(() => undefined);
    this.userLocks.set(userId, tail);
    void tail.then(() => {
      if (this.userLocks.get(userId) === tail) this.userLocks.delete(userId);
    });
    return next;
  }

  /** The learner's running sandbox, or null. Never creates one. */
  async active(userId: string): Promise<ActiveSandbox | null> {
    const row = await this.prisma.playgroundSession.findFirst({
      where: { userId, state: "ready" },
      orderBy: { createdAt: "desc" },
    });
    return row && row.sandboxId ? toActive(row, row.sandboxId) : null;
  }

  /** Returns the learner's sandbox, creating one if they have none (or theirs is gone). */
  open(userId: string, progress?: ProgressFn, signal?: AbortSignal, clientAddress?: string): Promise<ActiveSandbox> {
    return this.withUserLock(userId, async () => {
      const existing = await this.active(userId);
      if (existing) {
        if (await this.driver.isRunning(existing.sandbox)) return existing;
        await this.finish(existing.sessionId, userId, existing.sandbox, "error", "sandbox container was gone");
      }
      await this.endStale(userId);
      const created = await this.create(userId, progress, signal, clientAddress);
      const why = this.replacedNotices.get(userId);
      if (why) {
        this.replacedNotices.delete(userId);
        for (const l of this.noticeListeners) l(userId, why);
      }
      return created;
    });
  }

  /**
   * Ends a learner's sandbox that this server cannot enter safely (made by an older
   * playground); their next open gets a fresh one and is told why. Progress is untouched.
   */
  replaceOutdated(userId: string, message: string): Promise<boolean> {
    this.replacedNotices.set(userId, message);
    return this.withUserLock(userId, () => this.endAll(userId, "reset", "replaced: made with an unknown way in", message));
  }

  /** Replaces the learner's sandbox with a fresh one. */
  reset(userId: string, progress?: ProgressFn, signal?: AbortSignal, clientAddress?: string): Promise<ActiveSandbox> {
    return this.withUserLock(userId, async () => {
      await this.endAll(userId, "reset");
      return this.create(userId, progress, signal, clientAddress);
    });
  }

  /** Removes the learner's sandbox; returns whether there was one. */
  end(userId: string, reason: EndReason = "user", detail?: string, message?: string): Promise<boolean> {
    return this.withUserLock(userId, () => this.endAll(userId, reason, detail, message));
  }

  /**
   * A sandbox container stopped without the playground asking (Docker events). Ends its
   * session if this server holds it (every server hears the engine) and it was not already
   * ended on purpose; serialized with the learner's other actions, so a removal we started
   * ourselves is never mistaken for a crash.
   */
  async sandboxDied(sandboxId: string, info: { oomKilled: boolean; exitCode: number | null }): Promise<boolean> {
    const row = await this.prisma.playgroundSession.findFirst({ where: { sandboxId, state: { in: ACTIVE_STATES }, ...this.ownWhere() } });
    if (!row) return false;
    return this.withUserLock(row.userId, async () => {
      const current = await this.prisma.playgroundSession.findUnique({ where: { id: row.id } });
      if (!current || current.state === "ended") return false;
      // Docker's OOMKilled also stays set when only a program inside ran out of memory earlier,
      // so say what is known: it stopped, and it had run out of memory.
      const detail = `sandbox stopped (exit code ${info.exitCode ?? "unknown"})${info.oomKilled ? " after running out of memory" : ""}`;
      const message = info.oomKilled
        ? "Your sandbox stopped unexpectedly after running out of memory. Start a new one, and run fewer or smaller programs at once."
        : "Your sandbox stopped unexpectedly. Start a new one to continue.";
      await this.finish(row.id, row.userId, { id: sandboxId, name: row.sandboxName }, "error", detail, message);
      return true;
    });
  }

  /** How many sandboxes clients at this address hold or are getting right now. */
  activeFromAddress(clientAddress: string, except: string[] = []): Promise<number> {
    return this.prisma.playgroundSession.count({ where: { clientAddress, state: { in: ACTIVE_STATES }, userId: { notIn: except } } });
  }

  /** One session's row (clocks included), or null. */
  session(sessionId: string) {
    return this.prisma.playgroundSession.findUnique({ where: { id: sessionId } });
  }

  /** Sessions that should have a sandbox right now, whichever app server holds them. */
  activeSessions() {
    return this.prisma.playgroundSession.findMany({ where: { state: { in: ACTIVE_STATES } } });
  }

  /**
   * The active sessions this app server holds: the ones it alone keeps the clocks of and
   * hears the engine's events for (so a learner is warned, told and ended once, not once per
   * server). A dead server's sessions become another's through `takeOver`.
   */
  ownSessions() {
    return this.prisma.playgroundSession.findMany({ where: { state: { in: ACTIVE_STATES }, ...this.ownWhere() } });
  }

  /** Makes sessions of a dead (or unknown) app server this server's; returns how many. */
  async takeOver(sessionIds: string[]): Promise<number> {
    if (!this.servers || sessionIds.length === 0) return 0;
    const r = await this.prisma.playgroundSession.updateMany({ where: { id: { in: sessionIds }, state: { in: ACTIVE_STATES } }, data: { serverId: this.servers.id } });
    return r.count;
  }

  private ownWhere(): { serverId?: string } {
    return this.servers ? { serverId: this.servers.id } : {};
  }

  /**
   * Pushes the hard time limit back by the configured step, never past the maximum total
   * time after the session started. Returns the new end.
   */
  extend(userId: string): Promise<ActiveSandbox> {
    return this.withUserLock(userId, async () => {
      const row = await this.prisma.playgroundSession.findFirst({ where: { userId, state: "ready" } });
      if (!row || !row.sandboxId) {
        throw new PlaygroundFailure("no_sandbox", "You have no running sandbox.", "Start a new sandbox.");
      }
      if (!this.canExtend(row)) {
        throw new PlaygroundFailure(
          "limit_reached",
          "Your sandbox already has the most time it can get.",
          "Save anything you need (copy it out of the terminal) before it ends.",
        );
      }
      const cap = row.createdAt.getTime() + this.limits.maxTotalMs;
      const expiresAt = new Date(Math.min(row.expiresAt.getTime() + this.limits.extendMs, cap));
      await this.prisma.playgroundSession.update({ where: { id: row.id }, data: { expiresAt } });
      this.log.info({ sessionId: row.id, userId, expiresAt }, "session extended");
      return toActive({ ...row, expiresAt }, row.sandboxId);
    });
  }

  /** Whether this session can still be extended. */
  canExtend(row: { createdAt: Date; expiresAt: Date }): boolean {
    return row.expiresAt.getTime() < row.createdAt.getTime() + this.limits.maxTotalMs;
  }

  /** Records activity (terminal I/O, a visible page); written to the database in batches. */
  touch(sessionId: string, at = this.clock.now()): void {
    this.activity.set(sessionId, at);
  }

  /**
   * When this session was last active, counting activity not yet written; the wait for its
   * sandbox to start never counts as idle.
   */
  lastActive(row: { id: string; lastActiveAt: Date; readyAt?: Date | null }): Date {
    const recent = this.activity.get(row.id);
    const candidates = [row.lastActiveAt, recent, row.readyAt].filter((d): d is Date => d instanceof Date);
    return new Date(Math.max(...candidates.map((d) => d.getTime())));
  }

  /** Writes recorded activity to the database (survives a restart). */
  async flushActivity(): Promise<void> {
    const batch = [...this.activity.entries()];
    this.activity.clear();
    for (const [id, at] of batch) {
      await this.prisma.playgroundSession.updateMany({ where: { id, lastActiveAt: { lt: at } }, data: { lastActiveAt: at } });
    }
  }

  /** Whether an open, reset or end is in flight for this learner (the reconciler leaves them be). */
  isBusy(userId: string): boolean {
    return this.userLocks.has(userId);
  }

  /** A learner joined, moved in or left the queue for a sandbox (the instructor dashboard listens). */
  onQueueChanged(listener: (userId: string) => void): void {
    this.queueListeners.push(listener);
  }

  /** The learner's place in the queue for a sandbox, or null when they are not waiting. */
  queuePosition(userId: string): number | null {
    return this.queued.get(userId) ?? null;
  }

  private setQueued(userId: string, position: number | null): void {
    if (position === null ? !this.queued.delete(userId) : this.queued.get(userId) === position) return;
    if (position !== null) this.queued.set(userId, position);
    for (const l of this.queueListeners) l(userId);
  }

  onNotice(listener: NoticeListener): void {
    this.noticeListeners.push(listener);
  }

  /** Tells the owner of a sandbox something happened to it (it keeps running), if this server holds its session. */
  async notice(sandboxId: string, message: string): Promise<void> {
    const row = await this.prisma.playgroundSession.findFirst({ where: { sandboxId, state: "ready", ...this.ownWhere() } });
    if (!row) return;
    this.log.info({ sessionId: row.id, userId: row.userId, sandbox: row.sandboxName, message }, "sandbox notice");
    for (const l of this.noticeListeners) l(row.userId, message);
  }

  private async create(userId: string, progress?: ProgressFn, signal?: AbortSignal, clientAddress?: string): Promise<ActiveSandbox> {
    const sessionId = randomUUID();
    const createdAt = this.clock.now();
    const expiresAt = new Date(createdAt.getTime() + this.limits.maxMs);
    const times = { createdAt, expiresAt, lastActiveAt: createdAt, clientAddress: clientAddress ?? null };

    const warm = await this.pool?.take();
    if (warm) {
      await this.prisma.playgroundSession.create({
        data: { id: sessionId, userId, sandboxId: warm.id, sandboxName: warm.name, driverState: warm.state ?? null, imageRef: this.imageRef, state: "ready", readyAt: createdAt, serverId: this.servers?.id, ...times },
      });
      this.log.info({ sessionId, userId, sandbox: warm.name }, "session ready (from the warm pool)");
      return { sessionId, userId, sandbox: warm, expiresAt };
    }

    try {
      await this.slots.acquire((position) => {
        this.setQueued(userId, position);
        progress?.("queued", `The server is full right now. You are number ${position} in the queue; yours starts as soon as there is room.`, position);
      }, signal);
    } catch (err) {
      if (err instanceof QueueCancelled) {
        throw new PlaygroundFailure("cancelled", "You left the queue.", "Reload the page to queue again.");
      }
      throw err;
    } finally {
      this.setQueued(userId, null);
    }

    const name = sandboxName();
    await this.prisma.playgroundSession.create({
      data: { id: sessionId, userId, sandboxName: name, imageRef: this.imageRef, state: "creating", serverId: this.servers?.id, ...times },
    });
    const log = this.log.child({ sessionId, userId, sandbox: name });
    try {
      const sandbox = await this.starting(() =>
        this.driver.create({ sessionId, ownerId: userId, name, image: this.imageRef, expiresAt, serverId: this.servers?.id }, progress),
      );
      await this.prisma.playgroundSession.update({
        where: { id: sessionId },
        data: { sandboxId: sandbox.id, driverState: sandbox.state ?? null, state: "ready", readyAt: this.clock.now() },
      });
      log.info("session ready");
      return { sessionId, userId, sandbox, expiresAt };
    } catch (err) {
      this.slots.release();
      const failure = toFailure(err);
      await this.prisma.playgroundSession.update({
        where: { id: sessionId },
        data: { state: "ended", endedAt: this.clock.now(), endReason: "error", errorDetail: failure.detail ?? failure.message },
      });
      log.error({ code: failure.code, detail: failure.detail }, "session failed to start");
      throw failure;
    }
  }

  /** A "creating" row with no create in flight is left from a crash: clean it up. */
  private async endStale(userId: string): Promise<void> {
    const stale = await this.prisma.playgroundSession.findMany({ where: { userId, state: "creating" } });
    const live = stale.length && this.servers ? await this.servers.live() : new Set<string>();
    for (const row of stale) {
      // Another live server is starting it (the learner's page reached this one meanwhile).
      if (othersToManage(row.serverId, this.servers?.id, live)) continue;
      await this.finish(row.id, userId, { id: row.sandboxId ?? "", name: row.sandboxName }, "error", "left half-created by a previous server");
    }
  }

  private async endAll(userId: string, reason: EndReason, detail?: string, message?: string): Promise<boolean> {
    const rows = await this.prisma.playgroundSession.findMany({ where: { userId, state: { in: ACTIVE_STATES } } });
    for (const row of rows) {
      await this.finish(row.id, userId, { id: row.sandboxId ?? "", name: row.sandboxName }, reason, detail, message);
    }
    return rows.length > 0;
  }

  private async finish(
    sessionId: string,
    userId: string,
    sandbox: Sandbox,
    reason: EndReason,
    detail?: string,
    message?: string,
  ): Promise<void> {
    await this.driver.remove(sandbox);
    const ended = await this.prisma.playgroundSession.update({
      where: { id: sessionId },
      data: { state: "ended", endedAt: this.clock.now(), endReason: reason, errorDetail: detail ?? null },
    });
    // The slot is the holding server's: a learner whose page reached this server ended a
    // session another one started, so that one is told to free it.
    if (!this.servers || !ended.serverId || ended.serverId === this.servers.id) this.slots.release();
    else for (const l of this.slotFreedListeners) l(ended.serverId);
    this.log.info({ sessionId, userId, sandbox: sandbox.name, reason, detail }, "session ended");
    for (const l of this.listeners) l(userId, sessionId, reason, message);
  }
}
