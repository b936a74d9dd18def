// The first shell of each warm sandbox, opened ahead of its learner. Opening a shell is an
// engine exec plus a login shell: a fraction of a second of CPU, which a class of 100 arriving
// at once on two cores turns into half a minute of waiting. A warm sandbox's shell is opened
// while the pool fills instead; the learner's first terminal takes it, sitting at its prompt.
// Its welcome text and prompt wait unread in the exec's stream, as any terminal's output
// waits while nobody looks. The stream lives in this server, so a sandbox another server
// claims gets a new shell there, and this one is closed.
import { randomUUID } from "node:crypto";
import type { ShellUser } from "../../lib/protocol";
import type { Logger } from "../log";
import type { Sandbox, SandboxDriver, TtyProcess } from "../sandbox/driver";
import { endHeld, heldShell, loginShell, type TerminalHolderKind } from "./holder";

export interface OpenedShell {
  proc: TtyProcess;
  size: { cols: number; rows: number };
  /** A held shell's id (its tmux session's name); a new id otherwise. */
  id?: string;
  /** Ends what holds the shell inside the sandbox, when it is closed for good. */
  release?: () => Promise<void>;
}

/** A new login shell in the sandbox, held by tmux when so configured (terminal/holder.ts). */
export async function openShell(driver: SandboxDriver, holder: TerminalHolderKind, sandbox: Sandbox, user: ShellUser, size: { cols: number; rows: number }): Promise<OpenedShell> {
  if (holder !== "tmux") return { proc: await driver.openTty(sandbox, loginShell(user), size), size };
  const id = randomUUID();
  const proc = await driver.openTty(sandbox, heldShell(loginShell(user), id, size), size);
  return { proc, size, id, release: () => endHeld(driver, sandbox, id, user) };
}

/** The size a shell is opened at before its learner's window is known (it is resized on arrival). */
export const WARM_SHELL_SIZE = { cols: 120, rows: 30 };
/** How long the shell of a sandbox handed to a learner waits for their first terminal. */
const UNCLAIMED_MS = 10 * 60_000;

export class WarmShells {
  private readonly shells = new Map<string, { shell: OpenedShell; timer?: NodeJS.Timeout }>();

  constructor(
    private readonly open: (sandbox: Sandbox) => Promise<OpenedShell>,
    private readonly log: Logger,
  ) {}

  /** Shells waiting for their learner. */
  get count(): number {
    return this.shells.size;
  }

  /** Opens the sandbox's first shell. A failure only means the learner's first terminal is opened on arrival. */
  async prepare(sandbox: Sandbox): Promise<void> {
    try {
      const shell = await this.open(sandbox);
      this.discard(sandbox.id);
      this.shells.set(sandbox.id, { shell });
    } catch (err) {
      this.log.warn({ sandbox: sandbox.name, err: (err as Error).message }, "could not open a warm sandbox's first shell ahead of its learner");
    }
  }

  /** The sandbox went to a learner of this server: its shell waits a while for their first terminal. */
  handedOut(sandboxId: string): void {
    const entry = this.shells.get(sandboxId);
    if (!entry || entry.timer) return;
    entry.timer = setTimeout(() => this.discard(sandboxId), UNCLAIMED_MS);
    entry.timer.unref();
  }

  /** The sandbox's waiting shell, once; null when there is none or it has ended. */
  take(sandboxId: string): OpenedShell | null {
    const entry = this.remove(sandboxId);
    if (!entry) return null;
    if (entry.proc.stream.destroyed) {
      void this.close(entry);
      return null;
    }
    return entry;
  }

  /** The sandbox leaves this server's pool without a learner here (removed, or claimed elsewhere). */
  discard(sandboxId: string): void {
    const entry = this.remove(sandboxId);
    if (entry) void this.close(entry);
  }

  /** This server stops: every waiting shell ends (its stream is this process's). */
  async closeAll(): Promise<void> {
    const all = [...this.shells.keys()].map((id) => this.remove(id)!);
    await Promise.all(all.map((shell) => this.close(shell)));
  }

  private remove(sandboxId: string): OpenedShell | null {
    const entry = this.shells.get(sandboxId);
    if (!entry) return null;
    this.shells.delete(sandboxId);
    if (entry.timer) clearTimeout(entry.timer);
    return entry.shell;
  }

  private async close(shell: OpenedShell): Promise<void> {
    shell.proc.stream.destroy();
    await shell.release?.().catch((err: Error) => this.log.warn({ err: err.message }, "could not end a warm shell's holder"));
  }
}
