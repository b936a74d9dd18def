// Several app servers can share one database (and one engine) behind a balancer. Each says
// it is alive with a heartbeat row; a server's warm pool and the sandboxes it is starting are
// its own while it lives, and a job that must run once at a time (the periodic reconcile)
// is held by one server through a lease with an expiry. A single server sees none of this:
// it is the only live one, and always gets the lease.
import os from "node:os";
import type { Db } from "../db";
import type { Clock } from "./clock";

export const SERVER_HEARTBEAT_MS = 10_000;
/** A server whose heartbeat is older than this is dead: its pool and starts are up for grabs. */
export const SERVER_DEAD_AFTER_MS = 45_000;

/**
 * This server's id: SERVER_ID, or the host's name. It must stay the same across restarts
 * (a restarted server takes back its warm pool) and differ between servers sharing a
 * database (compose replicas have their own host names; two servers on one host set it).
 */
export function serverIdFrom(configured: string | undefined): string {
  return configured ?? os.hostname();
}

/** What other parts need to know: this server, and which servers are alive. */
export interface ServerPeers {
  readonly id: string;
  live(): Promise<Set<string>>;
}

/** Whether a sandbox or session made by `serverId` is another live server's to manage. */
export function othersToManage(serverId: string | null | undefined, self: string | undefined, live: Set<string>): boolean {
  return !!serverId && serverId !== self && live.has(serverId);
}

export class ServerRegistry implements ServerPeers {
  constructor(
    private readonly prisma: Db,
    readonly id: string,
    private readonly clock: Clock,
  ) {}

  /** Says this server is alive (at start, then every SERVER_HEARTBEAT_MS). */
  async beat(): Promise<void> {
    const seenAt = this.clock.now();
    await this.prisma.appServer.upsert({ where: { id: this.id }, create: { id: this.id, seenAt }, update: { seenAt } });
  }

  /** The servers alive now (this one included once it has beaten). */
  async live(): Promise<Set<string>> {
    const since = new Date(this.clock.now().getTime() - SERVER_DEAD_AFTER_MS);
    const rows = await this.prisma.appServer.findMany({ where: { seenAt: { gt: since } }, select: { id: true } });
    return new Set(rows.map((r) => r.id));
  }

  /**
   * Takes or renews the lease `name` for `ttlMs`; false while another server holds it.
   * One statement decides (an update that only matches a free or own lease, or an insert
   * that only one server can win), so two servers never both hold it.
   */
  async acquire(name: string, ttlMs: number): Promise<boolean> {
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + ttlMs);
    const taken = await this.prisma.lease.updateMany({
      where: { name, OR: [{ holder: this.id }, { expiresAt: { lte: now } }] },
      data: { holder: this.id, expiresAt },
    });
    if (taken.count === 1) return true;
    return this.prisma.lease.create({ data: { name, holder: this.id, expiresAt } }).then(
      () => true,
      (err: { code?: string }) => {
        if (err.code === "P2002") return false; // the row exists: another server holds it
        throw err;
      },
    );
  }

  /** A clean stop: this server's leases and heartbeat go at once, so the others need not wait. */
  async leave(): Promise<void> {
    await this.prisma.lease.deleteMany({ where: { holder: this.id } });
    await this.prisma.appServer.deleteMany({ where: { id: this.id } });
  }
}
