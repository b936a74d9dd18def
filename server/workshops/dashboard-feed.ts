// Pushes a workshop's dashboard (learner rows and raised hands) to the instructors watching
// it, when something changes: progress, a sandbox starting or ending, a join, a hand. Changes
// within a short window are coalesced into one push; a slow periodic push keeps time-based
// flags (stuck after N minutes) current. With several app servers the change happens on one
// server and the instructor may watch on another: each server tells the others which
// workshops changed, and each pushes only to the instructors connected to itself.
import { dashboardRoom } from "../realtime/rooms";
import type { StaffNamespace } from "../realtime/types";
import type { Logger } from "../log";
import type { HandInfo, HelpDesk } from "./help-desk";
import type { LearnerRow, WorkshopService } from "./service";

const COALESCE_MS = 300;
const REFRESH_MS = 15_000;

import type { DashboardUpdate } from "../../lib/protocol";
export type { DashboardUpdate };


export class DashboardFeed {
  private readonly due = new Map<string, NodeJS.Timeout>();
  private readonly refresh: NodeJS.Timeout;
  /** Workshops changed here, to tell the other servers about in one message. */
  private readonly toAnnounce = new Set<string>();
  private announceTimer: NodeJS.Timeout | null = null;

  private readonly clustered: boolean;

  /**
   * `clustered`: other app servers share the database and hear this one (realtime/cluster.ts).
   * `refreshMs`: the periodic push (tests lengthen it to see that changes alone push).
   */
  constructor(
    private readonly nsp: StaffNamespace,
    private readonly deps: { workshops: WorkshopService; help: HelpDesk; log: Logger },
    opts: { clustered?: boolean; refreshMs?: number } = {},
  ) {
    this.clustered = opts.clustered ?? false;
    this.refresh = setInterval(() => {
      for (const id of this.watchedWorkshops()) this.pushSoon(id);
    }, opts.refreshMs ?? REFRESH_MS);
    this.refresh.unref();
    if (this.clustered) {
      nsp.on("dashboard:changed", (ids) => {
        if (Array.isArray(ids)) for (const id of ids) if (typeof id === "string") this.pushSoon(id);
      });
    }
  }

  /** The current dashboard of a workshop (the caller has authorized it). */
  async snapshot(w: { id: string; lessonIds: string }): Promise<DashboardUpdate> {
    const [learners, hands] = await Promise.all([this.deps.workshops.rowsOf(w), this.deps.help.openHands(w.id)]);
    return { workshopId: w.id, learners, hands };
  }

  /** Something about this learner changed: every watched workshop of theirs gets a push. */
  learnerChanged(userId: string): void {
    // Nobody is looking here (and no other server could be): skip the query.
    if (!this.clustered && this.watchedWorkshops().length === 0) return;
    this.deps.workshops.workshopIdsOf(userId).then(
      (ids) => ids.forEach((id) => this.workshopChanged(id)),
      (err) => this.deps.log.warn({ err: (err as Error).message }, "dashboard feed: could not look up a learner's workshops"),
    );
  }

  workshopChanged(workshopId: string): void {
    this.pushSoon(workshopId);
    if (this.clustered) this.announce(workshopId);
  }

  stop(): void {
    clearInterval(this.refresh);
    for (const t of this.due.values()) clearTimeout(t);
    this.due.clear();
    if (this.announceTimer) clearTimeout(this.announceTimer);
  }

  /** Tells the other servers, once per coalescing window, which workshops changed here. */
  private announce(workshopId: string): void {
    this.toAnnounce.add(workshopId);
    if (this.announceTimer) return;
    this.announceTimer = setTimeout(() => {
      this.announceTimer = null;
      const ids = [...this.toAnnounce];
      this.toAnnounce.clear();
      try {
        this.nsp.serverSideEmit("dashboard:changed", ids);
      } catch (err) {
        this.deps.log.warn({ err: (err as Error).message }, "dashboard feed: could not tell the other app servers");
      }
    }, COALESCE_MS);
    this.announceTimer.unref();
  }

  /** A push to this server's instructors watching the workshop, after the coalescing window. */
  private pushSoon(workshopId: string): void {
    if (this.due.has(workshopId) || !this.isWatched(workshopId)) return;
    const timer = setTimeout(() => {
      this.due.delete(workshopId);
      void this.push(workshopId);
    }, COALESCE_MS);
    timer.unref();
    this.due.set(workshopId, timer);
  }

  private async push(workshopId: string): Promise<void> {
    try {
      const w = await this.deps.workshops.byId(workshopId);
      if (!w) return;
      // `local`: every server pushes to its own watchers; through the adapter they would get one per server.
      this.nsp.local.to(dashboardRoom(workshopId)).emit("dashboard:update", await this.snapshot(w));
    } catch (err) {
      this.deps.log.warn({ err: (err as Error).message, workshopId }, "dashboard feed: push failed");
    }
  }

  private isWatched(workshopId: string): boolean {
    return (this.nsp.adapter.rooms.get(dashboardRoom(workshopId))?.size ?? 0) > 0;
  }

  private watchedWorkshops(): string[] {
    return [...this.nsp.adapter.rooms.keys()].filter((r) => r.startsWith("workshop:")).map((r) => r.slice("workshop:".length));
  }
}
