// What keeps a learner's shell running inside the sandbox. Without a holder ("none") the
// shell is the Docker exec's own process: when the app server holding the exec goes, the
// shell goes with it. With "tmux", the exec runs a tmux *client*; the shell lives in a tmux
// server inside the learner's world, in a tmux session named after the terminal id. Any app
// server can attach to it again (after a restart, or on another server behind the balancer)
// and tmux redraws the screen, so the learner finds their shell as they left it.
//
// Everything here runs as the learner, inside their world (sandbox-enter), exactly like the
// shell itself: tmux, its socket and its configuration are the learner's, and the worst a
// learner can do to them is break their own terminals. The privileged side only passes
// argument arrays (the terminal id is a UUID it made or validated).
import type { ShellUser } from "../../lib/protocol";
import type { ExecOptions, Sandbox, SandboxDriver } from "../sandbox/driver";

export type TerminalHolderKind = "none" | "tmux";

/** The image's configuration that makes tmux invisible (sandbox-images/rootfs). */
const TMUX_CONF = "/etc/container-playground/tmux.conf";
/** tmux's socket name (per uid, under the learner's /tmp). */
const TMUX_SOCKET = "cp";
const tmux = (...args: string[]) => ["tmux", "-L", TMUX_SOCKET, "-f", TMUX_CONF, ...args];
/** `=id` matches that session name exactly (not a prefix). */
const exactly = (terminalId: string) => `=${terminalId}`;

/** A new shell, held by tmux under the terminal's id (`shell` is the command, e.g. bash -l). */
export function heldShell(opts: ExecOptions, terminalId: string, size: { cols: number; rows: number }): ExecOptions {
  return {
    ...opts,
    cmd: tmux("new-session", "-s", terminalId, "-x", String(size.cols), "-y", String(size.rows), "-c", opts.workingDir ?? "/", "--", ...opts.cmd),
  };
}

/** Attaches to a held shell again (the caller checked it exists: `findHeld`). */
export function reattach(opts: ExecOptions, terminalId: string): ExecOptions {
  return { ...opts, cmd: tmux("attach-session", "-t", exactly(terminalId)) };
}

/**
 * Which user's tmux holds this terminal in the sandbox, or null when it is gone (the shell
 * exited, or the id was never one of this sandbox's terminals).
 */
export async function findHeld(driver: SandboxDriver, sandbox: Sandbox, terminalId: string, users: ShellUser[]): Promise<ShellUser | null> {
  for (const user of users) {
    const r = await driver.run(sandbox, { cmd: tmux("has-session", "-t", exactly(terminalId)), user, timeoutMs: 15_000 });
    if (r.exitCode === 0) return user;
  }
  return null;
}

/** Ends a held shell (the learner closed it, or nobody came back within the grace period). */
export async function endHeld(driver: SandboxDriver, sandbox: Sandbox, terminalId: string, user: ShellUser): Promise<void> {
  await driver.run(sandbox, { cmd: tmux("kill-session", "-t", exactly(terminalId)), user, timeoutMs: 15_000 });
}
