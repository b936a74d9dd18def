// A warm pool of started, ready sandboxes, so a new learner gets a prompt at once. Refilled
// in the background with bounded concurrency; it only takes free capacity (never from the
// queue) and backs off after a failure instead of retrying in a loop.
import type { Logger } from "../log";
import type { Sandbox, SandboxDriver } from "../sandbox/driver";
import { sandboxName } from "../sandbox/names";
import type { SandboxSlots } from "./capacity";

const FAILURE_BACKOFF_MS = 30_000;
const POOL_LIFETIME_MS = 30 * 24 * 3600_000; // label only; pool sandboxes are not timed

export interface PoolOptions {
  size: number;
  concurrency: number;
  image: string;
  /** The app server this pool belongs to (recorded on its sandboxes; others leave them be). */
  serverId?: string;
}

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

  /** Whether this container belongs to the pool (ready or still starting). */
  owns(sandbox: { id: string; name: string }): boolean {
    return this.booting.has(sandbox.name) || this.ready.some((s) => s.id === sandbox.id);
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
    while (this.ready.length > this.target) {
      const extra = this.ready.pop()!;
      await this.driver.remove(extra).catch(() => undefined);
      this.slots.release();
    }
  }

  /** A ready sandbox for a learner (its slot moves with it), or null. Refills behind it. */
  take(): Sandbox | null {
    const sandbox = this.ready.shift() ?? null;
    if (sandbox) {
      const [key, left] = [...this.reservations.entries()].find(([, n]) => n > 0) ?? [];
      if (key !== undefined) this.reserve(key, left! - 1);
      this.log.info({ sandbox: sandbox.name, left: this.ready.length }, "pool: sandbox handed to a learner");
      this.fill();
    }
    return sandbox;
  }

  /** A running pool sandbox found after a restart. */
  adopt(sandbox: Sandbox): void {
    if (!this.ready.some((s) => s.id === sandbox.id)) this.ready.push(sandbox);
  }

  /** A pool sandbox died or vanished: forget it, free its slot, refill. */
  async discard(sandboxId: string): Promise<boolean> {
    const i = this.ready.findIndex((s) => s.id === sandboxId);
    if (i < 0) return false;
    const [gone] = this.ready.splice(i, 1);
    await this.driver.remove(gone).catch(() => undefined);
    this.slots.release();
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
    while (this.ready.length > this.target) {
      const extra = this.ready.pop()!;
      await this.driver.remove(extra);
      this.slots.release();
    }
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
    for (const s of this.ready.splice(0)) {
      await this.driver.remove(s);
      this.slots.release();
    }
  }
}
