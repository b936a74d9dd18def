// A class's pre-warm behind a balancer: the reservation lives in the pool of the server that
// received it (its sandboxes are on offer to every server through the warm ledger), while the
// instructor's next request may reach any server. Servers ask each other through the cluster
// adapter: "what is your pre-warm for this workshop?" and "drop yours, I hold it now".
import type { SandboxPool } from "../lifecycle/pool";
import type { PrewarmPeers, PrewarmStatus } from "../workshops/service";
import type { PlayServer } from "./types";

/** How long a status request waits for the other servers (a dead one must not hang the page). */
const ASK_TIMEOUT_MS = 3000;

export class PrewarmPeersOverCluster implements PrewarmPeers {
  private io: PlayServer | null = null;

  /** Starts answering the other servers (once socket.io and the workshops exist). */
  bind(io: PlayServer, local: { status(workshopId: string): PrewarmStatus }, pool: SandboxPool): void {
    this.io = io;
    io.on("prewarm:status", (workshopId, reply) => reply(local.status(workshopId)));
    io.on("prewarm:cancel", (workshopId) => void pool.unreserve(workshopId));
  }

  async statuses(workshopId: string): Promise<PrewarmStatus[]> {
    if (!this.io) return [];
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("the other app servers did not answer in time")), ASK_TIMEOUT_MS);
    });
    try {
      return await Promise.race([this.io.serverSideEmitWithAck("prewarm:status", workshopId), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  async cancel(workshopId: string): Promise<void> {
    this.io?.serverSideEmit("prewarm:cancel", workshopId);
  }
}
