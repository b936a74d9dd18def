// A SandboxDriver that keeps its sandboxes in memory: no engine, no processes. Shells are
// FakeShells (a pretend TTY), run() answers from scripts a test registers, and the test can
// make sandboxes die, slow their start, or fail it. It serves the fast test tier, the driver
// contract suite (which the real engines pass too), and SANDBOX_ENGINE=fake for working on
// the pages without Docker.
import type {
  ExecOptions,
  HealthPart,
  ProgressFn,
  RunResult,
  Sandbox,
  SandboxDriver,
  SandboxEvent,
  SandboxFile,
  SandboxFit,
  SandboxListing,
  SandboxSpec,
  TtyProcess,
} from "../driver";
import { PlaygroundFailure } from "../errors";
import { checkSandboxFiles } from "../files";
import { FakeShell, type FakeCommand } from "./shell";

/** The way in a fake sandbox records (compared like the Docker driver's entry protocol). */
const FAKE_ENTRY = "fake-1";

interface FakeSandbox extends SandboxListing {
  spec: SandboxSpec;
  shells: FakeShell[];
}

/** Answers run(): return a result to take the command, undefined to pass it on. */
export type RunScript = (cmd: string[], opts: ExecOptions, sandbox: Sandbox) => RunResult | undefined | Promise<RunResult | undefined>;

export interface FakeDriverOptions {
  instanceId: string;
  profile: string;
  image: string;
}

export class FakeDriver implements SandboxDriver {
  readonly engine = "fake";
  readonly image: string;
  private readonly sandboxes = new Map<string, FakeSandbox>();
  private readonly listeners = new Set<(e: SandboxEvent) => void>();
  private nextId = 1;
  /** Scripts for run(), tried in order; the default answers exit 0 with no output. */
  readonly scripts: RunScript[] = [];
  /** Commands every new shell knows, besides echo, yes, stty size and exit. */
  readonly commands = new Map<string, FakeCommand>();
  /** While set, create() waits for it (tests hold starts to see queues and pools). */
  startGate: Promise<void> | null = null;
  /** The next create() fails with this. */
  failNextCreate: PlaygroundFailure | null = null;
  /** Every file writeFiles() put into a sandbox, by sandbox name, then path. */
  readonly files = new Map<string, Map<string, SandboxFile>>();
  /** Every run() command, in order. */
  readonly ran: { sandbox: string; cmd: string[]; user?: string }[] = [];
  prepared = false;
  disposed = false;

  constructor(private readonly opts: FakeDriverOptions) {
    this.image = opts.image;
  }

  async prepare(): Promise<void> {
    this.prepared = true;
  }

  async capacityHint(): Promise<{ memoryBytes: number } | null> {
    return { memoryBytes: 8 * 1024 ** 3 };
  }

  /** What memoryAvailable() reports; tests set it to play a host near its limit. */
  availableMemory: number | null = null;

  async memoryAvailable(): Promise<number | null> {
    return this.availableMemory;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
  }

  async create(spec: SandboxSpec, progress: ProgressFn = () => undefined): Promise<Sandbox> {
    progress("creating", "Creating your sandbox…");
    if (this.startGate) await this.startGate;
    const failure = this.failNextCreate;
    if (failure) {
      this.failNextCreate = null;
      throw failure;
    }
    progress("starting", "Starting your sandbox…");
    const id = `fake-${this.opts.instanceId}-${this.nextId++}`;
    this.sandboxes.set(id, {
      id,
      name: spec.name,
      sessionId: spec.sessionId,
      role: spec.role ?? "session",
      ownerId: spec.ownerId,
      running: true,
      expiresAt: spec.expiresAt,
      profile: this.opts.profile,
      image: this.image,
      entry: FAKE_ENTRY,
      serverId: spec.serverId,
      spec,
      shells: [],
    });
    return { id, name: spec.name };
  }

  private live(sandbox: Sandbox): FakeSandbox {
    const s = this.sandboxes.get(sandbox.id);
    if (!s || !s.running) throw new Error(`no running sandbox ${sandbox.name}`);
    return s;
  }

  async openTty(sandbox: Sandbox, opts: ExecOptions, size: { cols: number; rows: number }): Promise<TtyProcess> {
    const s = this.live(sandbox);
    const user = opts.user ?? "root";
    const shell = new FakeShell(`${user}@${s.name}:~${user === "root" ? "#" : "$"} `, size, this.commands, "Welcome to your (fake) sandbox.");
    s.shells.push(shell);
    return {
      stream: shell,
      resize: async (cols, rows) => {
        shell.cols = cols;
        shell.rows = rows;
      },
      exitCode: async () => (shell.hasExited ? 0 : null),
    };
  }

  async run(sandbox: Sandbox, opts: ExecOptions & { timeoutMs?: number }): Promise<RunResult> {
    this.live(sandbox);
    this.ran.push({ sandbox: sandbox.name, cmd: opts.cmd, user: opts.user });
    for (const script of this.scripts) {
      const result = await script(opts.cmd, opts, sandbox);
      if (result) return result;
    }
    return { exitCode: 0, stdout: "", stderr: "" };
  }

  async writeFiles(sandbox: Sandbox, files: SandboxFile[]): Promise<void> {
    this.live(sandbox);
    checkSandboxFiles(files);
    const own = this.files.get(sandbox.name) ?? new Map<string, SandboxFile>();
    for (const f of files) own.set(f.path, { ...f, content: Buffer.from(f.content) });
    this.files.set(sandbox.name, own);
  }

  async isRunning(sandbox: Sandbox): Promise<boolean> {
    return this.sandboxes.get(sandbox.id)?.running ?? false;
  }

  async remove(sandbox: Sandbox): Promise<void> {
    const s = [...this.sandboxes.values()].find((x) => x.id === sandbox.id || x.name === sandbox.name);
    if (!s) return;
    for (const shell of s.shells) shell.destroy();
    this.sandboxes.delete(s.id);
  }

  async list(): Promise<SandboxListing[]> {
    return [...this.sandboxes.values()].map(({ spec: _spec, shells: _shells, ...listing }) => ({ ...listing }));
  }

  fit(sandbox: SandboxListing): SandboxFit {
    if (sandbox.entry !== FAKE_ENTRY) return "outdated";
    return sandbox.profile === this.opts.profile && sandbox.image === this.image ? "current" : "usable";
  }

  async health(): Promise<{ engine: HealthPart; image: HealthPart }> {
    return { engine: { ok: true, detail: "fake engine (in memory)" }, image: { ok: true, detail: this.image } };
  }

  watch(onEvent: (event: SandboxEvent) => void, _onReconnect?: () => void, onConnected?: () => void): () => void {
    this.listeners.add(onEvent);
    onConnected?.();
    return () => void this.listeners.delete(onEvent);
  }

  /** The engine reports a sandbox's death, as Docker does when a container dies. */
  kill(sandbox: Sandbox, how: { oom?: boolean; exitCode?: number } = {}): void {
    const s = this.live(sandbox);
    s.running = false;
    for (const shell of s.shells) shell.exit();
    for (const l of this.listeners) l({ kind: "died", sandboxId: s.id, exitCode: how.exitCode ?? 137, oomKilled: how.oom ?? false });
  }

  /** A program inside the sandbox ran out of memory (the sandbox keeps running). */
  oom(sandbox: Sandbox): void {
    const s = this.live(sandbox);
    for (const l of this.listeners) l({ kind: "oom", sandboxId: s.id });
  }

  /** The shells open in a sandbox (tests look at what was typed). */
  shellsOf(sandbox: Sandbox): FakeShell[] {
    return this.sandboxes.get(sandbox.id)?.shells ?? [];
  }
}
