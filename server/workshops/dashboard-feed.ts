// Pushes a workshop's dashboard (learner rows and raised hands) to the instructors watching
// it, when something changes: progress, a sandbox starting or ending, a join, a hand. Changes
// within a short window are coalesced into one push; a slow periodic push keeps time-based
// flags (stuck after N minutes) current.
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

  constructor(
    private readonly nsp: StaffNamespace,
    private readonly deps: { workshops: WorkshopService; help: HelpDesk; log: Logger },
  ) {
    this.refresh = setInterval(() => {
      for (const id of this.watchedWorkshops()) this.workshopChanged(id);
    }, REFRESH_MS);
    this.refresh.unref();
  }

  /** The current dashboard of a workshop (the caller has authorized it). */
  async snapshot(w: { id: string; lessonIds: string }): Promise<DashboardUpdate> {
    const [learners, hands] = await Promise.all([this.deps.workshops.rowsOf(w), this.deps.help.openHands(w.id)]);
    return { workshopId: w.id, learners, hands };
  }

  /** Something about this learner changed: every watched workshop of theirs gets a push. */
  learnerChanged(userId: string): void {
    if (this.watchedWorkshops().length === 0) return; // nobody is looking: skip the query
    this.deps.workshops.workshopIdsOf(userId).then(
      (ids) => ids.forEach((id) => this.workshopChanged(id)),
      (err) => this.deps.log.warn({ err: (err as Error).message }, "dashboard feed: could not look up a learner's workshops"),
    );
  }

  workshopChanged(workshopId: string): void {
    if (this.due.has(workshopId) || !this.isWatched(workshopId)) return;
    const timer = setTimeout(() => {
      this.due.delete(workshopId);
      void this.push(workshopId);
    }, COALESCE_MS);
    timer.unref();
    this.due.set(workshopId, timer);
  }

  stop(): void {
    clearInterval(this.refresh);
    for (const t of this.due.values()) clearTimeout(t);
    this.due.clear();
  }

  private async push(workshopId: string): Promise<void> {
    try {
      const w = await this.deps.workshops.byId(workshopId);
      if (!w) return;
      this.nsp.to(dashboardRoom(workshopId)).emit("dashboard:update", await this.snapshot(w));
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
