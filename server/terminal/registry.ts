// Live terminals by id. A terminal without viewers keeps running for a grace period (reload,
// closed lid, lost Wi-Fi), then is closed. Ending a session closes all of its terminals.
import type { Logger } from "../log";
import type { TerminalSession } from "./terminal-session";

export class TerminalRegistry {
  private readonly terminals = new Map<string, TerminalSession>();
  private readonly graceTimers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly graceMs: number,
    private readonly log: Logger,
  ) {}

  add(term: TerminalSession): void {
    this.terminals.set(term.id, term);
    term.onExit(() => this.forget(term.id));
  }

  /** The terminal if it is alive and belongs to this user's current session. */
  find(id: string, owner: { userId: string; sessionId: string }): TerminalSession | undefined {
    const term = this.terminals.get(id);
    if (!term || term.isClosed) return undefined;
    if (term.owner.userId !== owner.userId || term.owner.sessionId !== owner.sessionId) return undefined;
    return term;
  }

  /** Whether any terminal (anyone's) has this id here. */
  has(id: string): boolean {
    return this.terminals.has(id);
  }

  attached(id: string): void {
    const timer = this.graceTimers.get(id);
    if (timer) clearTimeout(timer);
    this.graceTimers.delete(id);
  }

  /** Call after a viewer detached: starts the grace period when nobody watches. */
  detached(term: TerminalSession): void {
    if (term.viewerCount > 0 || term.isClosed || this.graceTimers.has(term.id)) return;
    const timer = setTimeout(() => {
      this.graceTimers.delete(term.id);
      if (term.viewerCount === 0) {
        this.log.info({ terminalId: term.id, sessionId: term.owner.sessionId }, "terminal closed after its grace period");
        term.close();
      }
    }, this.graceMs);
    timer.unref();
    this.graceTimers.set(term.id, timer);
  }

  /** How many live terminals a learner has, over all their tabs and sockets. */
  countFor(userId: string): number {
    let n = 0;
    for (const t of this.terminals.values()) if (t.owner.userId === userId && !t.isClosed) n++;
    return n;
  }

  /** A learner's live terminals. */
  forUser(userId: string): TerminalSession[] {
    return [...this.terminals.values()].filter((t) => t.owner.userId === userId && !t.isClosed);
  }

  forSession(sessionId: string): TerminalSession[] {
    return [...this.terminals.values()].filter((t) => t.owner.sessionId === sessionId);
  }

  /** The session ended: its sandbox, and every shell in it, is being removed anyway. */
  closeSession(sessionId: string): void {
    for (const t of this.forSession(sessionId)) t.letGo();
  }

  /** This app server stops: held shells keep running for the next one (terminal/holder.ts). */
  letGoOfAll(): void {
    for (const t of this.terminals.values()) t.letGo();
  }

  private forget(id: string): void {
    this.terminals.delete(id);
    const timer = this.graceTimers.get(id);
    if (timer) clearTimeout(timer);
    this.graceTimers.delete(id);
  }
}
