// The session clock: ends sessions at their hard time limit or after inactivity, and warns
// their learners beforehand. One pass over active sessions per tick (not one timer each).
import type { SandboxWarning } from "../../lib/protocol";
import type { Config } from "../config";
import type { Logger } from "../log";
import type { PlaygroundService } from "../sessions/playground-service";

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  if (s < 120) return unit(s, "second");
  const m = Math.round(s / 60);
  if (m < 120) return unit(m, "minute");
  const h = Math.floor(m / 60);
  return m % 60 ? `${unit(h, "hour")} ${unit(m % 60, "minute")}` : unit(h, "hour");
}

/** What a learner reads when the hard time limit ends their session. */
export function expiredMessage(row: { createdAt: Date; expiresAt: Date }): string {
  return `Your sandbox reached its time limit of ${formatDuration(row.expiresAt.getTime() - row.createdAt.getTime())} and was removed.`;
}

export type WarningSink = (userId: string, warning: SandboxWarning) => void;

type ClockRow = { createdAt: Date; expiresAt: Date; id: string; lastActiveAt: Date; readyAt?: Date | null };

/** The warnings a running session is due at `now`: its time limit is near, its idle end is near. */
export function dueWarnings(service: PlaygroundService, limits: Config["session"], row: ClockRow, now: Date): SandboxWarning[] {
  const due: SandboxWarning[] = [];
  const idleEndsAt = service.lastActive(row).getTime() + limits.idleMs;
  if (row.expiresAt.getTime() - now.getTime() <= limits.warnMs) {
    due.push({ kind: "expiry", endsAt: row.expiresAt.toISOString(), canExtend: service.canExtend(row) });
  }
  if (idleEndsAt - now.getTime() <= limits.warnMs) {
    due.push({ kind: "idle", endsAt: new Date(idleEndsAt).toISOString(), canExtend: false });
  }
  return due;
}

/** One pass: end what is due, warn what is near. Returns what it did, for logs and tests. */
export async function checkSessionClocks(
  deps: { service: PlaygroundService; limits: Config["session"]; warn: WarningSink; log: Logger },
  now = new Date(),
): Promise<{ expired: string[]; idle: string[]; warned: string[] }> {
  const { service, limits, warn } = deps;
  const done = { expired: [] as string[], idle: [] as string[], warned: [] as string[] };
  await service.flushActivity();
  for (const row of await service.ownSessions()) {
    if (row.state !== "ready" || service.isBusy(row.userId)) continue;
    const idleEndsAt = service.lastActive(row).getTime() + limits.idleMs;
    if (now >= row.expiresAt) {
      await service.end(row.userId, "expired", undefined, expiredMessage(row));
      done.expired.push(row.sandboxName);
    } else if (now.getTime() >= idleEndsAt) {
      await service.end(row.userId, "idle", undefined, `Your sandbox was stopped after ${formatDuration(limits.idleMs)} without activity.`);
      done.idle.push(row.sandboxName);
    } else {
      for (const warning of dueWarnings(service, limits, row, now)) {
        warn(row.userId, warning);
        done.warned.push(row.sandboxName);
      }
    }
  }
  return done;
}
