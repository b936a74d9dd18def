// How many sandboxes may exist at once on the engine, and the fair queue of learners waiting
// for one. Slots are held by learners' sandboxes and by warm-pool sandboxes alike; an
// optional gate (the host's free memory) can hold back a start even below the maximum.
// Pure bookkeeping (no Docker), unit-tested on its own.

/** Asked before each start; false keeps the slot closed until `retry()`. */
export interface AdmissionGate {
  tryAdmit(): boolean;
}

export class QueueCancelled extends Error {
  constructor() {
    super("left the queue");
  }
}

interface Waiter {
  grant: () => void;
  cancel: () => void;
  onPosition: (position: number) => void;
}

export class SandboxSlots {
  private used = 0;
  private readonly queue: Waiter[] = [];

  constructor(
    readonly max: number,
    private readonly gate: AdmissionGate = { tryAdmit: () => true },
  ) {
    if (!Number.isInteger(max) || max < 1) throw new Error("capacity must be a whole number of at least 1");
  }

  get inUse(): number {
    return this.used;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** Takes a slot only if one is free and nobody waits (the pool never jumps the queue). */
  tryAcquire(): boolean {
    if (this.used >= this.max || this.queue.length > 0 || !this.gate.tryAdmit()) return false;
    this.used++;
    return true;
  }

  /**
   * Waits for a slot in arrival order. `onPosition` hears the position (1 = next) whenever
   * it changes; an aborted signal leaves the queue and rejects with QueueCancelled.
   */
  acquire(onPosition: (position: number) => void = () => undefined, signal?: AbortSignal): Promise<void> {
    if (this.tryAcquire()) return Promise.resolve();
    if (signal?.aborted) return Promise.reject(new QueueCancelled());
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        cancel: () => reject(new QueueCancelled()),
        onPosition,
      };
      const onAbort = () => {
        const i = this.queue.indexOf(waiter);
        if (i >= 0) {
          this.queue.splice(i, 1);
          this.announce(i);
        }
        waiter.cancel();
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.queue.push(waiter);
      onPosition(this.queue.length);
    });
  }

  /** Frees a slot; the first waiter, if any, gets it at once. */
  release(): void {
    if (this.used > 0) this.used--;
    this.grantWaiting();
  }

  /** The gate may have opened (memory was freed): serve waiters it now admits. */
  retry(): void {
    this.grantWaiting();
  }

  /** Sets the count from ground truth (after a restart's reconcile). */
  resync(used: number): void {
    this.used = Math.max(0, used);
    this.grantWaiting();
  }

  private grantWaiting(): void {
    let granted = 0;
    while (this.queue.length > 0 && this.used < this.max && this.gate.tryAdmit()) {
      this.used++;
      this.queue.shift()!.grant();
      granted++;
    }
    if (granted > 0) this.announce(0);
  }

  private announce(from: number): void {
    for (let i = from; i < this.queue.length; i++) this.queue[i].onPosition(i + 1);
  }
}

/** Default capacity: what the engine's memory holds at the per-sandbox limit, keeping 10% spare. */
export function defaultCapacity(engineMemoryBytes: number, sandboxMemoryBytes: number): number {
  return Math.max(1, Math.floor((engineMemoryBytes * 0.9) / sandboxMemoryBytes));
}
