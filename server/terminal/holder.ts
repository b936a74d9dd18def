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
import type { ActiveSandbox } from "../sessions/playground-service";
import { TerminalSession } from "./terminal-session";

export type TerminalHolderKind = "none" | "tmux";

/** The image's configuration that makes tmux invisible (sandbox-images/rootfs). */
const TMUX_CONF = "/etc/container-playground/tmux.conf";
/** tmux's socket name (per uid, under the learner's /tmp). */
const TMUX_SOCKET = "cp";
const tmux = (...args: string[]) => ["tmux", "-L", TMUX_SOCKET, "-f", TMUX_CONF, ...args];
/** `=id` matches that session name exactly (not a prefix). */
const exactly = (terminalId: string) => `=${terminalId}`;

/** A learner's login shell: `ubuntu`'s in its home, or `root`'s in /root (imported scenarios). */
export function loginShell(user: ShellUser): ExecOptions {
  return {
    cmd: ["bash", "-l"],
    user,
    workingDir: user === "root" ? "/root" : `/home/${user}`,
    env: ["TERM=xterm-256color", "COLORTERM=truecolor", "LANG=C.UTF-8"],
  };
}

/** A new shell, held by tmux under the terminal's id (`shell` is the command, e.g. bash -l). */
export function heldShell(opts: ExecOptions, terminalId: string, size: { cols: number; rows: number }): ExecOptions {
  return {
    ...opts,
    cmd: tmux("new-session", "-s", terminalId, "-x", String(size.cols), "-y", String(size.rows), "-c", opts.workingDir ?? "/", "--", ...opts.cmd),
  };
}

/** Attaches to a held shell again (the caller checked it exists: `findHeld`); `readOnly` for a view. */
export function reattach(opts: ExecOptions, terminalId: string, readOnly = false): ExecOptions {
  // A view neither types nor sizes the learner's window (the learner's page stays "latest").
  return { ...opts, cmd: tmux("attach-session", ...(readOnly ? ["-f", "read-only,ignore-size"] : []), "-t", exactly(terminalId)) };
}

export interface HeldShell {
  terminalId: string;
  user: ShellUser;
  /** When tmux made it (seconds since the epoch). */
  createdAt: number;
  cols: number;
  rows: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The held shells in a sandbox, newest last. The list comes from inside the learner's world,
 * so every line is checked: only UUID names and sizes in range count.
 */
export async function listHeld(driver: SandboxDriver, sandbox: Sandbox, users: ShellUser[]): Promise<HeldShell[]> {
  const found: HeldShell[] = [];
  for (const user of users) {
    const r = await driver.run(sandbox, { cmd: tmux("list-sessions", "-F", "#{session_created} #{session_name} #{window_width} #{window_height}"), user, timeoutMs: 15_000 });
    if (r.exitCode !== 0) continue; // no tmux server for this user: no held shells
    for (const line of r.stdout.split("\n").slice(0, 100)) {
      const [created, name, cols, rows] = line.trim().split(" ");
      const size = { cols: Number(cols), rows: Number(rows) };
      if (!UUID.test(name ?? "") || !Number.isInteger(size.cols) || !Number.isInteger(size.rows)) continue;
      if (size.cols < 2 || size.cols > 500 || size.rows < 2 || size.rows > 200) continue;
      found.push({ terminalId: name!, user, createdAt: Number(created) || 0, ...size });
    }
  }
  return found.sort((a, b) => a.createdAt - b.createdAt);
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

/**
 * A read-only view of the learner's newest held shell, opened by this server for an
 * instructor when another server serves the learner's page. tmux's own read-only client at the
 * shell's current size (so the learner's window is not resized). Never listed in the
 * registry: it is the instructor's alone, and ends with the watch.
 */
export async function openHeldView(driver: SandboxDriver, active: ActiveSandbox): Promise<TerminalSession | null> {
  const held = (await listHeld(driver, active.sandbox, ["ubuntu", "root"]).catch(() => [])).at(-1);
  if (!held) return null;
  const size = { cols: held.cols, rows: held.rows };
  const proc = await driver.openTty(active.sandbox, reattach(loginShell(held.user), held.terminalId, true), size);
  return new TerminalSession({ sessionId: active.sessionId, userId: active.userId }, proc, size, { id: held.terminalId });
}
