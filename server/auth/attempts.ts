// Counts attempts per key in a fixed time window, for rate limits on guessing (staff logins,
// recovery codes). In memory: a restart forgets, which only ever lets someone try again.
export class AttemptCounter {
  private readonly counts = new Map<string, { count: number; since: number }>();

  constructor(private readonly windowMs: number) {}

  private current(key: string, now: number) {
    const entry = this.counts.get(key);
    if (entry && now - entry.since > this.windowMs) {
      this.counts.delete(key);
      return undefined;
    }
    return entry;
  }

  /** Whether `key` has used up `max` attempts in the current window. */
  exceeded(key: string, max: number, now = Date.now()): boolean {
    return (this.current(key, now)?.count ?? 0) >= max;
  }

  /** Attempts counted for `key` in the current window. */
  countOf(key: string, now = Date.now()): number {
    return this.current(key, now)?.count ?? 0;
  }

  /** Counts one attempt for `key`. */
  count(key: string, now = Date.now()): void {
    const entry = this.current(key, now);
    if (entry) entry.count++;
    else this.counts.set(key, { count: 1, since: now });
  }

  /** Takes back one attempt (it turned out not to be a failure). */
  uncount(key: string, now = Date.now()): void {
    const entry = this.current(key, now);
    if (entry && --entry.count <= 0) this.counts.delete(key);
  }

  clear(key: string): void {
    this.counts.delete(key);
  }
}
