// Limits per client address, so that one visitor (or one script) cannot take the service
// from everyone else: new guests per hour, sandboxes at once, and joins per workshop code per
// hour. Workshop learners are bounded by their workshop (its capacity and the join limit), not
// by the sandbox limit, so a class behind one school router works.
import { AttemptCounter } from "../auth/attempts";
import type { Config } from "../config";
import { PlaygroundFailure } from "../sandbox/errors";

const HOUR = 3600_000;

export class ClientLimits {
  private readonly guests = new AttemptCounter(HOUR);
  private readonly joins = new AttemptCounter(HOUR);
  /** Learners whose sandbox open is in flight, per address (their rows may not exist yet). */
  private readonly opening = new Map<string, Set<string>>();

  constructor(private readonly limits: Config["limits"]) {}

  /** Throws the learner-facing refusal when this address made too many guests this hour. */
  checkNewGuest(address: string): void {
    if (this.guests.exceeded(address, this.limits.guestsPerHour)) {
      throw new PlaygroundFailure(
        "rate_limited",
        "Too many new visitors came from your network in the last hour.",
        "Try again later, or ask your instructor for a workshop code.",
        `${this.limits.guestsPerHour} new guests per hour per address (LIMIT_GUESTS_PER_HOUR)`,
      );
    }
  }

  guestCreated(address: string): void {
    this.guests.count(address);
  }

  checkJoin(code: string, address: string): void {
    if (this.joins.exceeded(`${code}:${address}`, this.limits.joinsPerCodePerHour)) {
      throw new PlaygroundFailure(
        "rate_limited",
        "Too many people joined this workshop from your network in the last hour.",
        "Ask your instructor: the operator can raise LIMIT_JOINS_PER_CODE_PER_HOUR.",
        `${this.limits.joinsPerCodePerHour} joins per code per hour per address`,
      );
    }
  }

  joined(code: string, address: string): void {
    this.joins.count(`${code}:${address}`);
  }

  /**
   * Reserves one sandbox start for a learner at an address. `countActive(except)` counts the
   * address's sandboxes in the database, leaving out the learners whose opens are in flight
   * (they are counted here instead, so each sandbox counts exactly once even while its row is
   * being written). Returns the release function (call it when the open is over, whatever
   * happened), or throws the refusal. The reservation is taken before counting, so a burst of
   * parallel opens cannot slip past the limit.
   */
  async reserveSandbox(address: string, userId: string, countActive: (except: string[]) => Promise<number>): Promise<() => void> {
    const pending = this.opening.get(address) ?? new Set<string>();
    this.opening.set(address, pending);
    const already = pending.has(userId);
    pending.add(userId);
    let released = false;
    const release = () => {
      if (released || already) return;
      released = true;
      pending.delete(userId);
      if (pending.size === 0 && this.opening.get(address) === pending) this.opening.delete(address);
    };
    try {
      const held = (await countActive([...pending])) + pending.size;
      if (held > this.limits.sandboxesPerAddress) {
        throw new PlaygroundFailure(
          "rate_limited",
          `Your network already has ${held - 1} sandboxes running, the most this playground gives one address.`,
          "End a sandbox you no longer use (in another tab or browser), or ask your instructor for a workshop code.",
          `${this.limits.sandboxesPerAddress} sandboxes per address (LIMIT_SANDBOXES_PER_ADDRESS)`,
        );
      }
      return release;
    } catch (err) {
      release();
      throw err;
    }
  }
}
