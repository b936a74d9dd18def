// Output flow control for one terminal: bytes sent but not yet rendered by the client.
// Above the high watermark the source is paused; it resumes below the low watermark.
// Pure accounting, so it is unit-tested on its own.

export interface FlowWindowOptions {
  highWater: number;
  lowWater: number;
}

/**
 * 512 KiB in flight keeps a loaded 2-core machine at ≥ 0.9× the raw exec stream's throughput
 * (256 KiB capped it at about 0.8×: the window, not the CPU, was the limit); a stalled or slow
 * client still costs the server at most this much, and Ctrl-C waits for at most this much.
 */
export const DEFAULT_FLOW: FlowWindowOptions = { highWater: 512 * 1024, lowWater: 128 * 1024 };

export class FlowWindow {
  private unacked = 0;
  private paused = false;

  constructor(private readonly opts: FlowWindowOptions = DEFAULT_FLOW) {
    if (!(opts.lowWater >= 0 && opts.lowWater < opts.highWater)) {
      throw new Error("flow control needs 0 <= lowWater < highWater");
    }
  }

  get inFlight(): number {
    return this.unacked;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Records bytes sent; returns true when the source should pause now. */
  sent(bytes: number): boolean {
    this.unacked += bytes;
    if (!this.paused && this.unacked >= this.opts.highWater) {
      this.paused = true;
      return true;
    }
    return false;
  }

  /**
   * Records bytes the client acknowledged; returns true when the source should resume now.
   * Acks are clamped to what is in flight, so a bad or replayed ack cannot open the window wider.
   */
  acked(bytes: number): boolean {
    if (!Number.isFinite(bytes) || bytes <= 0) return false;
    this.unacked = Math.max(0, this.unacked - Math.floor(bytes));
    if (this.paused && this.unacked <= this.opts.lowWater) {
      this.paused = false;
      return true;
    }
    return false;
  }

  /** Forget everything in flight (the client that owed the acks is gone). */
  reset(): boolean {
    this.unacked = 0;
    const wasPaused = this.paused;
    this.paused = false;
    return wasPaused;
  }
}
