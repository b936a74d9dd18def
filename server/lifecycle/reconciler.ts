// Matches what Docker runs (by labels) with what the database says should run, and repairs
// the difference. Runs at start-up (after a restart or crash) and periodically; running it
// twice in a row changes nothing the second time.
import type { Logger } from "../log";
import type { SandboxDriver } from "../sandbox/driver";
import type { PlaygroundService } from "../sessions/playground-service";

export interface ReconcileReport {
  adopted: string[];
  expired: string[];
  orphansRemoved: string[];
  stoppedEnded: string[];
  vanishedEnded: string[];
  halfCreatedEnded: string[];
}

export async function reconcile(
  deps: { driver: SandboxDriver; service: PlaygroundService; log: Logger },
  now = new Date(),
): Promise<ReconcileReport> {
  const { driver, service, log } = deps;
  const report: ReconcileReport = { adopted: [], expired: [], orphansRemoved: [], stoppedEnded: [], vanishedEnded: [], halfCreatedEnded: [] };

  const allActive = await service.activeSessions();
  const activeIds = new Set(allActive.map((r) => r.id));
  const rows = allActive.filter((r) => !service.isBusy(r.userId));
  const live = new Map<string, (typeof rows)[number]>();
  for (const row of rows) {
    if (row.expiresAt <= now) {
      await service.end(row.userId, "expired");
      report.expired.push(row.sandboxName);
      log.info({ sessionId: row.id, sandbox: row.sandboxName }, "reconcile: session expired, sandbox removed");
    } else {
      live.set(row.id, row);
    }
  }

  const containers = await driver.list();
  const seen = new Set<string>();
  for (const c of containers) {
    const row = live.get(c.sessionId);
    if (!row) {
      // No active session owns it: an orphan, or a session that ended while we were away.
      // Skip sandboxes of learners with an operation in flight (their row is being written).
      if (activeIds.has(c.sessionId) || (c.ownerId && service.isBusy(c.ownerId))) continue;
      await driver.remove(c);
      report.orphansRemoved.push(c.name);
      log.info({ sandbox: c.name, sessionId: c.sessionId }, "reconcile: removed sandbox with no active session (orphan)");
      continue;
    }
    seen.add(row.id);
    if (row.state === "creating") {
      await service.end(row.userId, "error", "left half-created by a previous server");
      report.halfCreatedEnded.push(row.sandboxName);
      log.info({ sessionId: row.id, sandbox: row.sandboxName }, "reconcile: half-created sandbox removed");
    } else if (!c.running) {
      await service.end(row.userId, "error", "sandbox was found stopped");
      report.stoppedEnded.push(row.sandboxName);
      log.info({ sessionId: row.id, sandbox: row.sandboxName }, "reconcile: stopped sandbox removed, session ended");
    } else {
      report.adopted.push(row.sandboxName);
    }
  }

  for (const row of live.values()) {
    if (seen.has(row.id) || service.isBusy(row.userId)) continue;
    await service.end(row.userId, "error", "sandbox container vanished");
    report.vanishedEnded.push(row.sandboxName);
    log.info({ sessionId: row.id, sandbox: row.sandboxName }, "reconcile: sandbox vanished, session marked ended");
  }
  return report;
}
