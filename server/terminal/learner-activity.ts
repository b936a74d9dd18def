// When each learner last typed and last saw output in a terminal, so an instructor can tell
// an idle learner from a busy one ("typed 20 s ago · output 3 s ago"). Kept in memory by the
// server that holds the learner's terminals (a few bytes per learner); after a restart it is
// empty until the learner types again (the dashboard then says "typed not yet").
import type { Clock } from "../lifecycle/clock";
import type { TerminalActivity } from "./terminal-session";

export interface ActivityTimes {
  lastInputAt: Date | null;
  lastOutputAt: Date | null;
}

export class LearnerActivity {
  private readonly times = new Map<string, ActivityTimes>();

  constructor(private readonly clock: Clock) {}

  record(userId: string, kind: TerminalActivity): void {
    const at = this.clock.now();
    const t = this.times.get(userId) ?? { lastInputAt: null, lastOutputAt: null };
    if (kind === "input") t.lastInputAt = at;
    else t.lastOutputAt = at;
    this.times.set(userId, t);
  }

  of(userId: string): ActivityTimes {
    return this.times.get(userId) ?? { lastInputAt: null, lastOutputAt: null };
  }
}
