// Processes in an LXD sandbox through the exec API: a TTY (LXD's pty, sized before the command
// starts, resized on the control websocket) or a command run to completion (stdout and stderr
// on their own websockets). The whole system container is the learner's world (root in it is
// an unprivileged uid range on the host), so unlike the Docker engine there is no privileged
// side to leave: the command starts as the container's root and, for another user, lowers
// itself with setpriv, as sandbox-enter does for Docker sandboxes.
import type { Duplex } from "node:stream";
import WebSocket, { createWebSocketStream } from "ws";
import type { ExecOptions, RunResult, TtyProcess } from "../driver";
import type { LxdClient, LxdOperation } from "./client";

const LOGIN_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/**
 * The command LXD runs for `opts`: the environment is ours alone (`env -i`), with the caller's
 * NAME=VALUE pairs; a user other than root is entered by name with setpriv (their groups and
 * home from the sandbox's own passwd, read inside).
 */
export function commandFor(opts: ExecOptions, tty: boolean): string[] {
  const user = opts.user ?? "root";
  if (!/^[a-z_][a-z0-9_-]*$/.test(user)) throw new Error(`not a user name: ${user.slice(0, 40)}`);
  for (const pair of opts.env ?? []) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(pair)) throw new Error(`not an environment assignment: ${pair.slice(0, 40)}`);
  }
  const env = [LOGIN_PATH, "LANG=C.UTF-8", ...(tty && !(opts.env ?? []).some((p) => p.startsWith("TERM=")) ? ["TERM=xterm"] : []), ...(opts.env ?? [])];
  if (user === "root") return ["/usr/bin/env", "-i", ...env, "HOME=/root", "USER=root", "LOGNAME=root", "SHELL=/bin/bash", ...opts.cmd];
  return [
    "/usr/bin/env",
    "-i",
    ...env,
    "/bin/sh",
    "-c",
    `user="$1"; shift
entry="$(getent passwd "$user")" || { echo "sandbox: no user $user" >&2; exit 125; }
IFS=: read -r _ _ _ gid _ home shell <<EOF
$entry
EOF
HOME="$home" USER="$user" LOGNAME="$user" SHELL="\${shell:-/bin/sh}"
export HOME USER LOGNAME SHELL
exec setpriv --reuid="$user" --regid="$gid" --init-groups "$@"`,
    "sandbox-exec",
    user,
    ...opts.cmd,
  ];
}

interface ExecStarted {
  operation: string;
  fds: Record<string, string>;
}

async function startExec(client: LxdClient, instance: string, body: Record<string, unknown>): Promise<ExecStarted> {
  const { metadata, operation } = await client.request<LxdOperation>("POST", `/1.0/instances/${encodeURIComponent(instance)}/exec`, body);
  const fds = (metadata.metadata as { fds?: Record<string, string> } | null)?.fds;
  if (!operation || !fds) throw new Error("LXD started the exec without websockets");
  return { operation, fds };
}

/** The exit code LXD recorded for an ended exec (metadata.return). */
async function exitCodeOf(client: LxdClient, operation: string, timeoutSec: number): Promise<number> {
  const op = await client.wait(operation, timeoutSec);
  const code = (op.metadata as { return?: number } | null)?.return;
  return typeof code === "number" ? code : -1;
}

export async function openTty(client: LxdClient, instance: string, opts: ExecOptions, size: { cols: number; rows: number }): Promise<TtyProcess> {
  const exec = await startExec(client, instance, {
    command: commandFor(opts, true),
    cwd: opts.workingDir ?? "/",
    "wait-for-websocket": true,
    interactive: true,
    width: size.cols,
    height: size.rows,
    // LXD's own variables would otherwise be added; env -i replaces them anyway.
    environment: {},
  });
  const control = await client.websocket(exec.operation, exec.fds.control);
  const data = await client.websocket(exec.operation, exec.fds["0"]);
  // The stream that the gateway reads and writes (with backpressure through the socket).
  const stream: Duplex = createWebSocketStream(data);
  // Once the output has all been read the process is over: end the stream both ways (a Docker
  // exec's socket closes so; the wrapper alone would wait for our side to end too).
  stream.on("end", () => stream.destroy());
  let ended = false;
  data.once("close", () => {
    ended = true;
    control.close();
  });
  control.on("error", () => undefined);
  // When the command has ended and its output is all sent, LXD sends a text message (its
  // "message barrier"; output is binary) and answers no closing handshake: the stream ends
  // there, so the socket is dropped rather than closed politely.
  data.on("message", (_message: Buffer, isBinary: boolean) => {
    if (!isBinary) data.terminate();
  });
  let exit: Promise<number> | null = null;
  return {
    stream,
    resize: async (cols: number, rows: number) => {
      if (control.readyState !== WebSocket.OPEN) return;
      control.send(JSON.stringify({ command: "window-resize", args: { width: String(cols), height: String(rows) } }));
    },
    exitCode: async () => {
      if (!ended) return null;
      exit ??= exitCodeOf(client, exec.operation, 30);
      return exit;
    },
  };
}

export async function run(client: LxdClient, instance: string, opts: ExecOptions & { timeoutMs?: number }): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const exec = await startExec(client, instance, {
    command: commandFor(opts, false),
    cwd: opts.workingDir ?? "/",
    "wait-for-websocket": true,
    interactive: false,
    environment: {},
  });
  const control = await client.websocket(exec.operation, exec.fds.control);
  const [stdin, stdout, stderr] = await Promise.all(["0", "1", "2"].map((fd) => client.websocket(exec.operation, exec.fds[fd])));
  control.on("error", () => undefined);
  // No input: a text message is LXD's end of file on stdin (data is binary).
  stdin.send("");
  const collect = (ws: WebSocket) => {
    const chunks: Buffer[] = [];
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      if (!isBinary) return ws.terminate(); // LXD's end of this output
      chunks.push(data);
    });
    return {
      done: new Promise<void>((resolve) => ws.once("close", () => resolve())),
      text: () => Buffer.concat(chunks).toString(),
    };
  };
  const out = collect(stdout);
  const err = collect(stderr);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // Kill the command, then drop the streams (the control socket may be gone already).
      if (control.readyState === WebSocket.OPEN) control.send(JSON.stringify({ command: "signal", signal: 9 }));
      for (const ws of [stdin, stdout, stderr, control]) ws.terminate();
      reject(new Error(`command timed out after ${timeoutMs} ms: ${opts.cmd.join(" ")}`));
    }, timeoutMs);
  });
  try {
    await Promise.race([Promise.all([out.done, err.done]), timeout]);
    const exitCode = await Promise.race([exitCodeOf(client, exec.operation, Math.ceil(timeoutMs / 1000)), timeout]);
    return { exitCode, stdout: out.text(), stderr: err.text() };
  } finally {
    clearTimeout(timer);
    for (const ws of [stdin, control]) if (ws.readyState === WebSocket.OPEN) ws.close();
  }
}
