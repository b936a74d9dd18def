// The warm sandboxes of every app server, on offer in the shared database. A pool's sandboxes
// are its server's (capacity slot, class reservations), but a learner who arrives through
// another server behind the balancer may take one: whoever deletes a sandbox's row has claimed
// it, so no sandbox is ever handed out twice, whichever servers race for it.
import type { Db } from "../db";
import type { Sandbox } from "../sandbox/driver";

/** A warm sandbox claimed from another server's pool. */
export interface ClaimedSandbox {
  sandbox: Sandbox;
  /** The server whose pool started it: it must let go of it (and of its slot). */
  fromServerId: string;
}

/** How many of another server's rows are tried per claim (others may win some of them). */
const CLAIM_CANDIDATES = 5;

export class WarmLedger {
  constructor(
    private readonly prisma: Db,
    readonly serverId: string,
  ) {}

  /** Puts a ready sandbox of this server's pool on offer. */
  async offer(sandbox: Sandbox): Promise<void> {
    const row = { name: sandbox.name, driverState: sandbox.state ?? null, serverId: this.serverId };
    await this.prisma.warmSandbox.upsert({ where: { sandboxId: sandbox.id }, create: { sandboxId: sandbox.id, ...row }, update: row });
  }

  /** Claims a sandbox (one's own pool's, or one row found by `claimFromOthers`); false when another server was first. */
  async claim(sandboxId: string): Promise<boolean> {
    return (await this.prisma.warmSandbox.deleteMany({ where: { sandboxId } })).count === 1;
  }

  /** Whether a sandbox is still on offer (nobody claimed it). */
  async isOffered(sandboxId: string): Promise<boolean> {
    return (await this.prisma.warmSandbox.count({ where: { sandboxId } })) === 1;
  }

  /** Withdraws this server's offers other than these (sandboxes that vanished while it was down). */
  async retainOwn(sandboxIds: string[]): Promise<void> {
    await this.prisma.warmSandbox.deleteMany({ where: { serverId: this.serverId, sandboxId: { notIn: sandboxIds } } });
  }

  /** Claims the oldest warm sandbox of another live server's pool, or null when none is left. */
  async claimFromOthers(liveServers: Set<string>): Promise<ClaimedSandbox | null> {
    const others = [...liveServers].filter((id) => id !== this.serverId);
    if (others.length === 0) return null;
    for (;;) {
      const rows = await this.prisma.warmSandbox.findMany({ where: { serverId: { in: others } }, orderBy: { readyAt: "asc" }, take: CLAIM_CANDIDATES });
      if (rows.length === 0) return null;
      for (const row of rows) {
        if (!(await this.claim(row.sandboxId))) continue; // another server was first
        const sandbox: Sandbox = { id: row.sandboxId, name: row.name, ...(row.driverState ? { state: row.driverState } : {}) };
        return { sandbox, fromServerId: row.serverId };
      }
    }
  }

  /** Forgets the offers of servers that are gone (their sandboxes are removed by the reconcile). */
  async forgetServersOtherThan(liveServers: Set<string>): Promise<number> {
    return (await this.prisma.warmSandbox.deleteMany({ where: { serverId: { notIn: [...liveServers, this.serverId] } } })).count;
  }
}
