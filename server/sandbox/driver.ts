// The SandboxDriver interface: what any engine that runs sandboxes provides (containers,
// limits, readiness, TTYs, events), and nothing about users. Engines: Docker (docker/), an
// in-memory fake (fake/, for pages and fast tests); factory.ts picks one from configuration.
// To add an engine: implement this interface in sandbox/<engine>/, add it to factory.ts, and
// run the driver contract suite (tests/contract) against it.
import type { Duplex } from "node:stream";

export interface SandboxSpec {
  sessionId: string;
  ownerId: string;
  /** Also the hostname, so the learner's prompt names the sandbox. */
  name: string;
  image: string;
  expiresAt: Date;
  role?: "session" | "pool";
  /** The app server making it (several can share an engine); recorded, handed back by list(). */
  serverId?: string;
}

export interface Sandbox {
  /** The engine's own id for it (a container id, an instance name, ...). */
  id: string;
  name: string;
  /**
   * Anything else the engine must remember about this sandbox (which cluster member holds
   * it, say), opaque to everyone else: kept with the session in the database and handed back
   * with the sandbox (JupyterHub's spawner state works the same way).
   */
  state?: string;
}

export interface SandboxListing extends Sandbox {
  sessionId: string;
  role: "session" | "pool";
  ownerId: string;
  running: boolean;
  expiresAt: Date | null;
  /** What it was made with (labels); absent on sandboxes made before they were recorded. */
  profile?: string;
  image?: string;
  entry?: string;
  /** The app server that made it; absent on sandboxes made before servers were recorded. */
  serverId?: string;
}

/**
 * How a sandbox found running relates to this server's configuration: "current" (made as
 * this server would make it: the pool may hand it out), "usable" (another profile or image,
 * but this server knows how to enter it: a learner's keeps working until it ends), or
 * "outdated" (this server cannot safely enter it: it is replaced).
 */
export type SandboxFit = "current" | "usable" | "outdated";

export interface ExecOptions {
  cmd: string[];
  user?: string;
  workingDir?: string;
  env?: string[];
}

/** An interactive process with a TTY: raw bytes both ways. */
export interface TtyProcess {
  stream: Duplex;
  resize(cols: number, rows: number): Promise<void>;
  /** Resolves with the exit code once the process has ended. */
  exitCode(): Promise<number | null>;
}

/** A file for writeFiles: where it goes in the sandbox, what it holds, its permission bits. */
export interface SandboxFile {
  /** Absolute, in the sandbox. */
  path: string;
  content: Buffer;
  /** e.g. 0o644 */
  mode: number;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export type ProgressFn = (phase: "queued" | "creating" | "starting", message: string, position?: number) => void;

/** What the engine reports about sandboxes on its own (crashes, memory exhaustion). */
export type SandboxEvent =
  | { kind: "died"; sandboxId: string; exitCode: number | null; oomKilled: boolean }
  | { kind: "oom"; sandboxId: string };

export interface SandboxDriver {
  /** Which engine this is ("docker", "fake", ...), for logs and health. */
  readonly engine: string;
  /** What sandboxes are made from (recorded with each session). */
  readonly image: string;
  /**
   * Engine start-up, before the first sandbox: checks and reports the engine, starts what
   * sandboxes need (an image build, say). An engine that is down is reported, not thrown;
   * a configuration this engine cannot run is thrown as a ConfigError.
   */
  prepare(): Promise<void>;
  /** What the engine can hold, when it can tell (SANDBOX_MAX=0 derives the capacity from it). */
  capacityHint(): Promise<{ memoryBytes: number } | null>;
  /**
   * Memory the engine's host can still give right now (bytes), or null when the engine cannot
   * tell. New sandboxes wait while it is below the reserve (HOST_MEMORY_RESERVE_MB).
   */
  memoryAvailable(): Promise<number | null>;
  /** Engine shut-down: releases what prepare or create set up on the host, if nothing needs it. */
  dispose(): Promise<void>;
  /** Creates, starts and waits until the sandbox's own Docker answers. Leaves nothing behind on failure. */
  create(spec: SandboxSpec, progress?: ProgressFn): Promise<Sandbox>;
  /** Opens a shell-like process with a TTY. */
  openTty(sandbox: Sandbox, opts: ExecOptions, size: { cols: number; rows: number }): Promise<TtyProcess>;
  /** Runs a command to completion without a TTY (checks, tests). */
  run(sandbox: Sandbox, opts: ExecOptions & { timeoutMs?: number }): Promise<RunResult>;
  /**
   * Puts files into the sandbox, owned by its root, making missing parent folders (0755). A
   * file (or symlink) already at a path is replaced by the new file. Paths are the sandbox's
   * own: a symlink the learner put on the way resolves inside the sandbox, never on the
   * engine's host.
   */
  writeFiles(sandbox: Sandbox, files: SandboxFile[]): Promise<void>;
  isRunning(sandbox: Sandbox): Promise<boolean>;
  /** Removes the sandbox and everything it used; removing a missing sandbox is not an error. */
  remove(sandbox: Sandbox): Promise<void>;
  /** Every sandbox this playground created, found by labels. */
  list(): Promise<SandboxListing[]>;
  /** Whether a listed sandbox fits this server's configuration (see SandboxFit). */
  fit(sandbox: SandboxListing): SandboxFit;
  health(): Promise<{ engine: HealthPart; image: HealthPart }>;
  /** The sandbox's address as this server reaches it (for previews of its web servers). */
  address?(sandbox: Sandbox): Promise<string>;
  /** Removes per-sandbox disks left without a sandbox (drivers with disks of their own). */
  removeOrphanDisks?(): Promise<string[]>;
  /**
   * Streams sandbox events until the returned function is called. Reconnects by itself;
   * `onReconnect` runs after a reconnect, since events may have been missed meanwhile.
   */
  watch(onEvent: (event: SandboxEvent) => void, onReconnect: () => void, onConnected?: () => void): () => void;
}

export interface HealthPart {
  ok: boolean;
  detail: string;
}
