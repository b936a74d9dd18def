// A warm pool of started, ready sandboxes, so a new learner gets a prompt at once. Refilled
// in the background with bounded concurrency; it only takes free capacity (never from the
// queue) and backs off after a failure instead of retrying in a loop.
// With several app servers (a WarmLedger), every ready sandbox is also on offer in the
// database: a learner on another server may claim it, and this pool lets go of it.
import type { Logger } from "../log";
import type { Sandbox, SandboxDriver } from "../sandbox/driver";
import { sandboxName } from "../sandbox/names";
import type { SandboxSlots } from "./capacity";
import type { ServerPeers } from "./servers";
import type { WarmLedger } from "./warm-ledger";

const FAILURE_BACKOFF_MS = 30_000;
const POOL_LIFETIME_MS = 30 * 24 * 3600_000; // label only; pool sandboxes are not timed
/**
 * How long a sandbox that left the pool (handed to a learner, here or by another server) stays
 * "ours" to the reconcile: its session is being written, and until it is, nothing else says
 * the sandbox is in use.
 */
const LEFT_POOL_GRACE_MS = 120_000;

export interface PoolOptions {
  size: number;
  concurrency: number;
  image: string;
  /** The app server this pool belongs to (recorded on its sandboxes; others leave them be). */
  serverId?: string;
  /** Several app servers: ready sandboxes are on offer to all of them (see warm-ledger.ts). */
  shared?: { ledger: WarmLedger; peers: ServerPeers };
  /** Each ready sandbox's first shell, opened ahead of its learner (terminal/warm-shells.ts). */
  shells?: WarmShellsOfPool;
}

/** What the pool tells the first shells it opens ahead: when a sandbox goes where. */
export interface WarmShellsOfPool {
  prepare(sandbox: Sandbox): Promise<void>;
  handedOut(sandboxId: string): void;
  discard(sandboxId: string): void;
}

/** A sandbox this server took from another server's pool: that server must let go of it. */
export type TakenFromListener = (ownerServerId: string, sandboxId: string) => void;

export class SandboxPool {
  private readonly ready: Sandbox[] = [];
  /** Names of pool sandboxes being started (the reconciler must leave them be). */
  private readonly booting = new Set<string>();
  private stopped = false;
  private backoffUntil = 0;
  private backoffTimer: NodeJS.Timeout | null = null;
  private idleWaiters: (() => void)[] = [];
  /** Extra sandboxes asked for ahead of a class (workshop id → how many are still wanted). */
  private readonly reservations = new Map<string, number>();
  /** Sandboxes that left the pool lately, to a learner of this or another server (id → until when the reconcile leaves them be). */
  private readonly leftPoolUntil = new Map<string, number>();
  private readonly takenFromListeners: TakenFromListener[] = [];

  constructor(
    private readonly driver: SandboxDriver,
    private readonly slots: SandboxSlots,
    private readonly opts: PoolOptions,
    private readonly log: Logger,
  ) {}

  get readyCount(): number {
    return this.ready.length;
  }

  /** Pool sandboxes holding a slot: ready or starting. */
  get held(): number {
    return this.ready.length + this.booting.size;
  }

  /** Whether this container belongs to the pool (ready or still starting), or left it so lately that its session may not be written yet. */
  owns(sandbox: { id: string; name: string }): boolean {
    const leftUntil = this.leftPoolUntil.get(sandbox.id);
    if (leftUntil !== undefined && leftUntil < Date.now()) this.leftPoolUntil.delete(sandbox.id);
    return this.booting.has(sandbox.name) || this.ready.some((s) => s.id === sandbox.id) || (leftUntil ?? 0) >= Date.now();
  }

  /** The sandbox left the pool: the reconcile leaves it be while its learner's session is written. */
  private leftPool(sandboxId: string): void {
    this.leftPoolUntil.set(sandboxId, Date.now() + LEFT_POOL_GRACE_MS);
  }

  onTakenFromAnotherServer(listener: TakenFromListener): void {
    this.takenFromListeners.push(listener);
  }

  /** How many sandboxes the pool keeps: its configured size plus what classes reserved. */
  get target(): number {
    let extra = 0;
    for (const n of this.reservations.values()) extra += n;
    return this.opts.size + extra;
  }

  /** Sandboxes being started right now. */
  get startingCount(): number {
    return this.booting.size;
  }

  /**
   * Pre-warms `count` sandboxes for a class on top of the pool's size. Each learner who takes
   * a sandbox uses one up, so the pool shrinks back to its size as the class arrives.
   */
  reserve(key: string, count: number): void {
    if (count > 0) this.reservations.set(key, Math.floor(count));
    else this.reservations.delete(key);
    this.fill();
  }

  reservedFor(key: string): number {
    return this.reservations.get(key) ?? 0;
  }

  /** Cancels a class's reservation and removes ready sandboxes beyond the new target. */
  async unreserve(key: string): Promise<void> {
    if (this.reservations.delete(key)) await this.trim();
  }

  private async trim(): Promise<void> {
    while (this.ready.length > this.target) await this.removeReady(this.ready.pop()!);
  }

  /** Removes a ready sandbox (already out of `ready`), unless another server claimed it first. */
  private async removeReady(sandbox: Sandbox, force = false): Promise<void> {
    this.opts.shells?.discard(sandbox.id);
    const mine = await this.claimBack(sandbox);
    if (!mine && !force) return;
    await this.driver.remove(sandbox).catch(() => undefined);
    if (mine) this.slots.release(); // (when claimed elsewhere, letGo already freed the slot)
  }

  /** Takes an own sandbox off offer; false (and let go of) when another server claimed it first. */
  private async claimBack(sandbox: Sandbox): Promise<boolean> {
    if (!this.opts.shared) return true;
    let mine: boolean;
    try {
      mine = await this.opts.shared.ledger.claim(sandbox.id);
    } catch (err) {
      this.ready.unshift(sandbox); // the database is unreachable: keep it, nothing is lost
      throw err;
    }
    if (!mine) this.letGo(sandbox.id);
    return mine;
  }

  /** Another server claimed one of this pool's sandboxes: its slot and a reservation go with it. */
  private letGo(sandboxId: string): void {
    this.opts.shells?.discard(sandboxId);
    this.leftPool(sandboxId);
    this.slots.release();
    this.useReservation();
    this.log.info({ sandboxId }, "pool: sandbox claimed by another app server");
    this.fill();
  }

  private useReservation(): void {
    const [key, left] = [...this.reservations.entries()].find(([, n]) => n > 0) ?? [];
    if (key !== undefined) this.reserve(key, left! - 1);
  }

  /**
   * A ready sandbox for a learner (its slot moves with it), or null. Refills behind it. With
   * several servers, when this pool has none, one of another server's pool (a class pre-warmed
   * through the other server) if this server has a free slot for it.
   */
  async take(): Promise<Sandbox | null> {
    for (let sandbox = this.ready.shift(); sandbox; sandbox = this.ready.shift()) {
      // Out of `ready` from here on, and in no session yet: a reconcile running meanwhile
      // would take it for an orphan and remove it under its learner (seen at 100 learners).
      this.leftPool(sandbox.id);
      if (!(await this.claimBack(sandbox))) continue;
      this.useReservation();
      this.opts.shells?.handedOut(sandbox.id);
      this.log.info({ sandbox: sandbox.name, left: this.ready.length }, "pool: sandbox handed to a learner");
      this.fill();
      return sandbox;
    }
    return this.takeFromAnotherServer();
  }

  private async takeFromAnotherServer(): Promise<Sandbox | null> {
    const shared = this.opts.shared;
    if (!shared || !this.slots.tryAcquire()) return null;
    try {
      const claimed = await shared.ledger.claimFromOthers(await shared.peers.live());
      if (!claimed) {
        this.slots.release();
        return null;
      }
      this.leftPool(claimed.sandbox.id);
      this.log.info({ sandbox: claimed.sandbox.name, from: claimed.fromServerId }, "pool: sandbox taken from another app server's pool");
      for (const l of this.takenFromListeners) l(claimed.fromServerId, claimed.sandbox.id);
      return claimed.sandbox;
    } catch (err) {
      this.slots.release();
      throw err;
    }
  }

  /** Another server says it took this sandbox from this pool (it claimed it in the ledger). */
  claimedElsewhere(sandboxId: string): void {
    const i = this.ready.findIndex((s) => s.id === sandboxId);
    if (i < 0) return; // already let go of (this pool lost the claim itself)
    this.ready.splice(i, 1);
    this.letGo(sandboxId);
  }

  /**
   * A running pool sandbox found after a restart. With several servers, only while it is still
   * on offer: gone from the ledger means another server claimed it.
   */
  async adopt(sandbox: Sandbox): Promise<boolean> {
    if (this.ready.some((s) => s.id === sandbox.id)) return true;
    if (this.opts.shared && !(await this.opts.shared.ledger.isOffered(sandbox.id))) {
      this.leftPool(sandbox.id);
      return false;
    }
    this.ready.push(sandbox);
    return true;
  }

  /** After a restart's adoption: offers of this server whose sandbox was not found are withdrawn. */
  async adoptionDone(): Promise<void> {
    await this.opts.shared?.ledger.retainOwn(this.ready.map((s) => s.id));
  }

  /** Withdraws the offers of app servers that are gone (the reconcile removes their sandboxes). */
  async forgetOffersOfServersOtherThan(liveServers: Set<string>): Promise<void> {
    await this.opts.shared?.ledger.forgetServersOtherThan(liveServers);
  }

  /** A pool sandbox died or vanished: forget it, free its slot, refill. */
  async discard(sandboxId: string): Promise<boolean> {
    const i = this.ready.findIndex((s) => s.id === sandboxId);
    if (i < 0) return false;
    const [gone] = this.ready.splice(i, 1);
    await this.removeReady(gone, true);
    this.fill();
    return true;
  }

  /** Starts as many sandboxes as the pool lacks, a few at a time, within free capacity. */
  fill(): void {
    if (this.stopped || Date.now() < this.backoffUntil) return;
    while (this.held < this.target && this.booting.size < this.opts.concurrency && this.slots.tryAcquire()) {
      const name = sandboxName();
      this.booting.add(name);
      void this.driver
        .create({ sessionId: "", ownerId: "", name, image: this.opts.image, expiresAt: new Date(Date.now() + POOL_LIFETIME_MS), role: "pool", serverId: this.opts.serverId })
        .then(async (sandbox) => {
          // Its first shell is opened now, so that a learner's arrival costs no exec (never fails).
          await this.opts.shells?.prepare(sandbox);
          // On offer to every server before anyone can take it (a claim deletes the offer).
          await this.opts.shared?.ledger.offer(sandbox).catch(async (err: Error) => {
            this.opts.shells?.discard(sandbox.id);
            await this.driver.remove(sandbox).catch(() => undefined);
            throw err;
          });
          return sandbox;
        })
        .then(
          (sandbox) => {
            this.booting.delete(name);
            this.ready.push(sandbox); // even when stopped: kept for the next server, or drained
            this.log.info({ sandbox: name, ready: this.ready.length }, "pool: sandbox ready");
            if (!this.stopped) void this.trim(); // a reservation was cancelled while it started
          },
          (err) => {
            this.booting.delete(name);
            this.slots.release();
            this.backoffUntil = Date.now() + FAILURE_BACKOFF_MS;
            this.log.warn({ err: (err as Error).message }, "pool: could not start a sandbox; backing off");
            this.backoffTimer ??= setTimeout(() => {
              this.backoffTimer = null;
              this.fill();
            }, FAILURE_BACKOFF_MS);
            this.backoffTimer.unref();
          },
        )
        .finally(() => {
          this.fill();
          if (this.booting.size === 0) for (const w of this.idleWaiters.splice(0)) w();
        });
    }
  }

  /** Changes the pool's size: shrinking removes ready sandboxes beyond it, growing refills. */
  async resize(size: number): Promise<void> {
    this.opts.size = Math.max(0, Math.floor(size));
    this.stopped = false;
    await this.trim();
    this.fill();
  }

  /** Stops refilling (pool sandboxes keep running for the next server start). */
  stop(): void {
    this.stopped = true;
    if (this.backoffTimer) clearTimeout(this.backoffTimer);
  }

  /** Stops refilling and removes every pool sandbox (tests, and shrinking the pool to zero). */
  async drain(): Promise<void> {
    this.stop();
    if (this.booting.size > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    for (const s of this.ready.splice(0)) await this.removeReady(s);
  }
}
