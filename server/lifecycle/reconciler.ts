// Matches what Docker runs (by labels) with what the database says should run, and repairs
// the difference. Runs at start-up (after a restart or crash) and periodically; running it
// twice in a row changes nothing the second time.
// With several app servers on one database and engine, each reconciles what it made; what
// a dead server left (and what predates server ids) is reconciled by the one server that
// holds the "reconciler" lease (`shared`). A live server's pool and starts are its own.
import type { Logger } from "../log";
import type { SandboxDriver } from "../sandbox/driver";
import type { PlaygroundService } from "../sessions/playground-service";
import type { SandboxPool } from "./pool";
import type { ServerPeers } from "./servers";
import { expiredMessage } from "./timers";

export interface ReconcileReport {
  adopted: string[];
  /** Sessions of a dead (or unknown) app server that this one now holds. */
  takenOver: string[];
  poolAdopted: string[];
  expired: string[];
  orphansRemoved: string[];
  stoppedEnded: string[];
  vanishedEnded: string[];
  halfCreatedEnded: string[];
  orphanDisksRemoved: string[];
  /** Pool sandboxes made with another profile, image or way in: removed, never handed out. */
  poolMismatchRemoved: string[];
  /** Learners' sandboxes this server cannot enter safely: replaced, progress kept. */
  outdatedReplaced: string[];
  /** Warm-pool sandboxes of an app server that died: removed, never handed out twice. */
  deadServerPoolRemoved: string[];
}

/** What a learner whose sandbox was replaced because it was outdated is told. */
export const OUTDATED_MESSAGE =
  "The playground was updated, and your sandbox was made the old way, so it was replaced by a fresh one. Your lesson progress is kept.";

export async function reconcile(
  deps: { driver: SandboxDriver; service: PlaygroundService; pool?: SandboxPool; log: Logger; servers?: ServerPeers },
  opts: { adoptPool?: boolean; shared?: boolean } = {},
  now = new Date(),
): Promise<ReconcileReport> {
  const { driver, service, pool, log, servers } = deps;
  const self = servers?.id;
  const live = servers ? await servers.live() : new Set<string>();
  const shared = opts.shared ?? true;
  /** Whether this server reconciles what `serverId` made: its own; a dead or unknown server's when it holds the lease. */
  const handles = (serverId: string | null | undefined) => (serverId ? serverId === self : false) || (shared && !live.has(serverId ?? ""));
  const report: ReconcileReport = {
    adopted: [],
    takenOver: [],
    poolAdopted: [],
    expired: [],
    orphansRemoved: [],
    stoppedEnded: [],
    vanishedEnded: [],
    halfCreatedEnded: [],
    orphanDisksRemoved: [],
    poolMismatchRemoved: [],
    outdatedReplaced: [],
    deadServerPoolRemoved: [],
  };

  const allActive = await service.activeSessions();
  const activeIds = new Set(allActive.map((r) => r.id));
  const activeSandboxIds = new Set(allActive.map((r) => r.sandboxId).filter(Boolean));
  const mine = new Map<string, (typeof allActive)[number]>();
  for (const row of allActive) {
    if (service.isBusy(row.userId) || !handles(row.serverId)) continue;
    if (row.expiresAt <= now) {
      await service.end(row.userId, "expired", undefined, expiredMessage(row));
      report.expired.push(row.sandboxName);
      log.info({ sessionId: row.id, sandbox: row.sandboxName }, "reconcile: session expired, sandbox removed");
    } else {
      mine.set(row.id, row);
      if (servers && row.serverId !== self) report.takenOver.push(row.sandboxName);
    }
  }
  // From now on this server keeps their clocks and hears their sandboxes' events.
  await service.takeOver([...mine.values()].filter((r) => servers && r.serverId !== self).map((r) => r.id));
  const mineBySandbox = new Map([...mine.values()].filter((r) => r.sandboxId).map((r) => [r.sandboxId!, r]));

  const seen = new Set<string>();
  for (const c of await driver.list()) {
    // A pool sandbox handed to a learner keeps its pool labels: its session is found by container id.
    const row = mine.get(c.sessionId) ?? mineBySandbox.get(c.id);
    if (!row) {
      if (pool?.owns(c) || !handles(c.serverId)) continue;
      if (servers && c.role === "pool" && c.serverId && c.serverId !== self && !activeSandboxIds.has(c.id)) {
        // Its server died with it in its pool: only that server could know whether it was
        // being handed out, so nobody hands it out again.
        await driver.remove(c);
        report.deadServerPoolRemoved.push(c.name);
        log.info({ sandbox: c.name, server: c.serverId }, "reconcile: removed a warm sandbox of an app server that is gone");
        continue;
      }
      if (c.role === "pool" && opts.adoptPool && c.running && !activeSandboxIds.has(c.id)) {
        if (driver.fit(c) === "current") {
          // (Not adopted: another server claimed it while this one was down; its session is being written.)
          if (await pool?.adopt(c)) report.poolAdopted.push(c.name);
        } else {
          await driver.remove(c);
          report.poolMismatchRemoved.push(c.name);
          log.info({ sandbox: c.name, profile: c.profile, image: c.image, entry: c.entry }, "reconcile: removed a pool sandbox made with another profile, image or way in");
        }
        continue;
      }
      // Sessions being written right now (an open in flight) are not orphans.
      if (activeIds.has(c.sessionId) || activeSandboxIds.has(c.id) || (c.ownerId && service.isBusy(c.ownerId))) continue;
      await driver.remove(c);
      report.orphansRemoved.push(c.name);
      log.info({ sandbox: c.name, sessionId: c.sessionId, role: c.role }, "reconcile: removed sandbox with no active session (orphan)");
      continue;
    }
    seen.add(row.id);
    if (row.state === "creating") {
      await service.end(row.userId, "error", "left half-created by a previous server");
      report.halfCreatedEnded.push(row.sandboxName);
      log.info({ sessionId: row.id, sandbox: row.sandboxName }, "reconcile: half-created sandbox removed");
    } else if (driver.fit(c) === "outdated") {
      await service.replaceOutdated(row.userId, OUTDATED_MESSAGE);
      report.outdatedReplaced.push(row.sandboxName);
      log.info({ sessionId: row.id, sandbox: row.sandboxName, entry: c.entry }, "reconcile: sandbox made with an unknown way in replaced");
    } else if (!c.running) {
      await service.end(row.userId, "error", "sandbox was found stopped");
      report.stoppedEnded.push(row.sandboxName);
      log.info({ sessionId: row.id, sandbox: row.sandboxName }, "reconcile: stopped sandbox removed, session ended");
    } else {
      report.adopted.push(row.sandboxName);
    }
  }

  for (const row of mine.values()) {
    if (seen.has(row.id) || service.isBusy(row.userId)) continue;
    await service.end(row.userId, "error", "sandbox container vanished");
    report.vanishedEnded.push(row.sandboxName);
    log.info({ sessionId: row.id, sandbox: row.sandboxName }, "reconcile: sandbox vanished, session marked ended");
  }

  if (opts.adoptPool) await pool?.adoptionDone();
  if (shared && servers) await pool?.forgetOffersOfServersOtherThan(live);

  for (const name of (shared && (await driver.removeOrphanDisks?.())) || []) {
    report.orphanDisksRemoved.push(name);
    log.info({ sandbox: name }, "reconcile: removed a sandbox disk with no sandbox");
  }
  return report;
}
