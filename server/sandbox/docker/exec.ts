// Processes in a sandbox through the Engine API's exec: a TTY (raw bytes both ways, resized
// after start) or a command run to completion (stdout and stderr demultiplexed). Every exec
// enters the learner's world through sandbox-enter (see execFor).
import type { Duplex } from "node:stream";
import { PassThrough } from "node:stream";
import type Docker from "dockerode";
import type { ExecOptions, RunResult, Sandbox, TtyProcess } from "../driver";

/**
 * Every exec enters the learner's world through this helper (sandbox-images/rootfs), a
 * read-only image path that nothing of the learner's can shadow (SECURITY.md).
 */
export const ENTER = "/usr/lib/container-playground/sandbox-enter";

/**
 * Docker exec options for a command in the learner's world, in every profile: the exec
 * starts as the container's root with an environment of our own making (none of the
 * caller's), and sandbox-enter moves it into the learner's namespaces, as `user` there,
 * with `env` given as arguments, before the command runs.
 */
export function execFor(opts: ExecOptions): { Cmd: string[]; User: string; WorkingDir: string; Env: string[] } {
  for (const pair of opts.env ?? []) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(pair)) throw new Error(`not an environment assignment: ${pair.slice(0, 40)}`);
  }
  return {
    Cmd: [ENTER, opts.user ?? "root", opts.workingDir ?? "/", ...(opts.env ?? []), "--", ...opts.cmd],
    User: "root",
    WorkingDir: "/",
    Env: [],
  };
}

/**
 * Docker's default detach keys (Ctrl-P Ctrl-Q) would end the learner's shell from the engine's
 * side, and hold every Ctrl-P (bash's "previous command") until the next key. The engine has
 * no "none", so the playground's own terminals use a sequence nobody types; Ctrl-P Ctrl-Q then
 * reach the learner's own `docker run -it` inside, as the lessons teach.
 */
export const UNTYPABLE_DETACH_KEYS = "ctrl-^,ctrl-@,ctrl-^,ctrl-@,ctrl-^,ctrl-@,ctrl-^,ctrl-@";

export async function openTty(docker: Docker, sandbox: Sandbox, opts: ExecOptions, size: { cols: number; rows: number }): Promise<TtyProcess> {
  // sandbox-enter sizes the terminal before the shell starts (the engine's API can only resize
  // after start, which would make a shell that already drew its prompt draw it again).
  const sized = { ...opts, env: [...(opts.env ?? []), `CP_TTY_SIZE=${size.cols}x${size.rows}`] };
  const exec = await docker.getContainer(sandbox.id).exec({ ...execFor(sized), AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: true, DetachKeys: UNTYPABLE_DETACH_KEYS });
  // With Tty the stream is raw bytes (no demux). Resize only after start.
  const stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as unknown as Duplex;
  const resize = async (cols: number, rows: number) => {
    await exec.resize({ w: cols, h: rows }).catch(() => undefined);
  };
  await resize(size.cols, size.rows);
  return {
    stream,
    resize,
    exitCode: async () => {
      const info = await exec.inspect();
      return info.Running ? null : info.ExitCode;
    },
  };
}

/** Runs a command to completion; `stdin`, when given, is its whole input (then end of file). */
export async function run(docker: Docker, sandbox: Sandbox, opts: ExecOptions & { timeoutMs?: number; stdin?: Buffer }): Promise<RunResult> {
  const withInput = opts.stdin !== undefined;
  const exec = await docker.getContainer(sandbox.id).exec({ ...execFor(opts), AttachStdin: withInput, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: withInput });
  // Half-closing the connection is the command's end of file; its output still comes back.
  if (withInput) stream.end(opts.stdin);
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on("data", (b: Buffer) => out.push(b));
  stderr.on("data", (b: Buffer) => err.push(b));
  docker.modem.demuxStream(stream, stdout, stderr);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      stream.destroy();
      reject(new Error(`command timed out after ${opts.timeoutMs} ms: ${opts.cmd.join(" ")}`));
    }, opts.timeoutMs ?? 120_000);
    stream.on("end", () => (clearTimeout(timer), resolve()));
    stream.on("close", () => (clearTimeout(timer), resolve()));
    stream.on("error", (e) => (clearTimeout(timer), reject(e)));
  });
  const info = await exec.inspect();
  return { exitCode: info.ExitCode ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}
