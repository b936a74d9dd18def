// Starts a new sandbox only while the engine's host keeps a reserve of free memory, so that a
// class larger than the machine queues (with a position) instead of failing, and the kernel
// never has to kill what already runs. The sandbox slots ask it before each start; the app
// feeds it readings of the host's available memory (Linux MemAvailable). Pure bookkeeping on
// a clock, unit-tested on its own.
import type { Clock } from "./clock";

/** How long a started sandbox counts as still growing into its memory (not yet in a reading). */
export const STARTING_WINDOW_MS = 20_000;

export interface MemoryGateOptions {
  /** Memory the host keeps free whatever the playground wants (bytes). */
  reserveBytes: number;
  /** What one more sandbox is expected to take once running (bytes). */
  perSandboxBytes: number;
}

export class MemoryGate {
  private availableBytes: number | null = null;
  private readonly admitted: number[] = [];

  constructor(
    private readonly opts: MemoryGateOptions,
    private readonly clock: Clock,
  ) {}

  /** A fresh reading of the host's available memory; null = unknown (the gate stays open). */
  update(availableBytes: number | null): void {
    this.availableBytes = availableBytes;
  }

  /**
   * Room for one more sandbox now? Sandboxes admitted in the last STARTING_WINDOW_MS count as
   * not yet in the reading (a sandbox takes seconds to grow), so a burst cannot overshoot.
   */
  tryAdmit(): boolean {
    if (this.room() < 1) return false;
    this.admitted.push(this.clock.now().getTime());
    return true;
  }

  /** How many more sandboxes may start now (Infinity when the host cannot tell). */
  room(): number {
    if (this.availableBytes === null) return Infinity;
    const now = this.clock.now().getTime();
    while (this.admitted.length && now - this.admitted[0] >= STARTING_WINDOW_MS) this.admitted.shift();
    const spare = this.availableBytes - this.opts.reserveBytes;
    return Math.max(0, Math.floor(spare / this.opts.perSandboxBytes) - this.admitted.length);
  }
}
