// SandboxDriver on a Docker engine through dockerode (honours DOCKER_HOST).
// Each sandbox runs its own dockerd (Docker-in-Docker); see sandbox-images/README.md.
import { writeFile } from "node:fs/promises";
import { PassThrough } from "node:stream";
import Docker from "dockerode";
import type { Config } from "../config";
import type { Logger } from "../log";
import {
  LABELS,
  type ExecOptions,
  type HealthPart,
  type ProgressFn,
  type RunResult,
  type Sandbox,
  type SandboxDriver,
  type SandboxEvent,
  type SandboxFit,
  type SandboxListing,
  type SandboxSpec,
  type TtyProcess,
} from "./driver";
import { PlaygroundFailure, dockerUnavailable, toFailure } from "./errors";
import { SandboxDisks } from "./disk";
import { bridgePrefix, dnsResolvers, hostNetworks, installFirewall, instanceTag, removeFirewall, type FirewallPlan } from "./firewall";
import { RegistryMirror } from "./mirror";
import { SandboxImage } from "./image";
import { formatCidr, formatIp, freeSubnet, gatewayOf, parseCidr } from "./subnets";

export type DockerDriverOptions = Omit<Config["sandbox"], "image" | "autoBuild" | "poolSize" | "poolConcurrency" | "startConcurrency" | "max"> & {
  image: SandboxImage;
  /** Labels this installation's sandboxes; list() and watch() see only those. */
  instanceId: string;
  /** The mirror-images set the mirror serves (mirror-images/build.sh --version). */
  mirrorTag?: string;
};

const READY_LINE = "sandbox-init: ready";
const FAILED_PREFIX = "sandbox-init: failed:";

/** Where the sandbox's own disk is mounted (sandbox-init puts writable dirs on it). */
const DISK_MOUNT = "/run/cp-disk";
/**
 * Every exec enters the learner's world through this helper (sandbox-images/rootfs), a
 * read-only image path that nothing of the learner's can shadow (SECURITY.md).
 */
const ENTER = "/usr/lib/container-playground/sandbox-enter";
/**
 * How execs enter a sandbox, recorded in its labels. A sandbox made by an image that
 * speaks another way in (or none) is never handed out or entered: it is replaced.
 */
export const ENTRY_PROTOCOL = "2";

/**
 * The hardened profile: Docker's default capabilities and seccomp profile plus what
 * sandbox-init needs to build the learner's user namespace (mounts, the veth link, nsenter).
 * Learners never hold these: they live in a user namespace whose root is uid 100000 here.
 * Unmasked /proc lets them mount a fresh procfs in their own pid namespaces. Seccomp is off
 * because Docker's default profile blocks keyctl, which runc needs for every inner container
 * (the user namespace, not seccomp, is the boundary; see SECURITY.md).
 */
function hardenedHostConfig(): Docker.HostConfig & { MaskedPaths: string[]; ReadonlyPaths: string[] } {
  return {
    CapAdd: ["SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE"],
    SecurityOpt: ["apparmor=unconfined", "seccomp=unconfined"],
    MaskedPaths: [],
    ReadonlyPaths: [],
  };
}

/** Docker-in-Docker without --privileged: works where CAP_SYS_RESOURCE is not in the bounding set. */
function explicitDindHostConfig(): Docker.HostConfig & { MaskedPaths: string[]; ReadonlyPaths: string[] } {
  return {
    CapAdd: ["ALL"],
    CapDrop: ["SYS_RESOURCE"],
    SecurityOpt: ["seccomp=unconfined", "apparmor=unconfined"],
    // The API form of the CLI's `--security-opt systempaths=unconfined`.
    MaskedPaths: [],
    ReadonlyPaths: [],
  };
}

/** The sandbox network's bridge device: cpb<tag>-<suffix>, at most 15 characters (the kernel's limit). */
export function bridgeName(tag: string, sandboxName: string): string {
  const name = `${bridgePrefix(tag)}${sandboxName.replace(/^sbx-/, "")}`;
  if (name.length > 15) throw new Error(`sandbox name too long for a bridge: ${sandboxName}`);
  return name;
}

/**
 * Strict reverse-path filtering on a sandbox bridge: a packet whose source address would not
 * be routed back through that bridge (another sandbox's address, say) is dropped.
 */
async function strictReversePath(bridge: string, log: Logger): Promise<void> {
  await writeFile(`/proc/sys/net/ipv4/conf/${bridge}/rp_filter`, "1").catch((err) =>
    log.warn({ bridge, err: (err as Error).message }, "could not turn on reverse-path filtering for a sandbox bridge"),
  );
}

export class DockerDriver implements SandboxDriver {
  private privilegedDecision: Promise<boolean> | null = null;
  private isolation: Promise<void> | null = null;
  private diskCheck: Promise<void> | null = null;
  /** Size-limited disks, or null when SANDBOX_DISK_MB=0. */
  readonly disks: SandboxDisks | null;
  /** The host's registry mirror, or null when MIRROR=off. */
  readonly mirror: RegistryMirror | null;
  /** Subnets being created right now by this server (not yet listed by Docker). */
  private readonly reservedSubnets = new Set<string>();

  constructor(
    readonly docker: Docker,
    private readonly opts: DockerDriverOptions,
    private readonly log: Logger,
  ) {
    this.disks = opts.diskMb > 0 ? new SandboxDisks(opts.diskDir, opts.diskMb, log) : null;
    this.mirror = opts.mirror && opts.mirrorTag ? new RegistryMirror(docker, { ...opts.mirror, tag: opts.mirrorTag }, log) : null;
  }

  get profile(): "trusted" | "hardened" {
    return this.opts.profile;
  }

  /** Checks once that disks can be made here; sandboxes wait for it. */
  private disksReady(): Promise<void> {
    if (!this.disks) return Promise.resolve();
    const disks = this.disks;
    this.diskCheck ??= disks.selfTest().catch((err) => {
      this.diskCheck = null;
      throw new PlaygroundFailure(
        "disk_unavailable",
        "The playground cannot give sandboxes a disk of their own on this server, so it will not start one.",
        "Tell the person who runs this playground.",
        `${(err as Error).message}. Run the server as root on the engine's host (losetup, mkfs.ext4), or set SANDBOX_DISK_MB=0 to run without disk limits.`,
      );
    });
    return this.diskCheck;
  }

  private ownLabels(): string[] {
    return [`${LABELS.managed}=true`, `${LABELS.instance}=${this.opts.instanceId}`];
  }

  get imageRef(): string {
    return this.opts.image.ref;
  }

  /** Whether sandboxes use --privileged: tried once against this host, then remembered. */
  usePrivileged(): Promise<boolean> {
    if (this.opts.privileged !== "auto") return Promise.resolve(this.opts.privileged === "always");
    this.privilegedDecision ??= this.probePrivileged().catch((err) => {
      this.privilegedDecision = null; // retry on the next sandbox
      throw err;
    });
    return this.privilegedDecision;
  }

  private async probePrivileged(): Promise<boolean> {
    const probe = await this.docker.createContainer({
      Image: this.opts.image.ref,
      Entrypoint: ["true"],
      Labels: { [LABELS.managed]: "probe" },
      HostConfig: { Privileged: true, AutoRemove: false },
    });
    try {
      await probe.start();
      await probe.wait();
      this.log.info("sandbox mode: --privileged works on this host and will be used");
      return true;
    } catch (err) {
      this.log.info(
        { detail: (err as Error).message },
        "sandbox mode: --privileged fails on this host; using explicit capabilities (cap-add ALL minus SYS_RESOURCE, unconfined seccomp/apparmor, private cgroupns)",
      );
      return false;
    } finally {
      await probe.remove({ force: true, v: true }).catch(() => undefined);
    }
  }

  /** Host firewall rules, installed once per server start (sandboxes wait for them). */
  private isolationReady(): Promise<void> {
    if (this.opts.isolation === "off") return Promise.resolve();
    this.isolation ??= installFirewall(this.firewallPlan(), this.log).catch((err) => {
      this.isolation = null;
      throw new PlaygroundFailure(
        "isolation_unavailable",
        "The playground cannot isolate sandboxes on this server, so it will not start one.",
        "Tell the person who runs this playground.",
        `${(err as Error).message}. Run the server as root on the host network, or set SANDBOX_ISOLATION=off for a trusted class.`,
      );
    });
    return this.isolation;
  }

  /** This installation's short tag: its firewall chains and its bridges' names. */
  get tag(): string {
    return instanceTag(this.opts.instanceId);
  }

  firewallPlan(): FirewallPlan {
    return {
      tag: this.tag,
      instance: this.opts.instanceId,
      pool: this.opts.subnetPool,
      egress: this.opts.egress,
      allow: this.opts.egressAllow,
      hostPorts: this.opts.mirror ? [this.opts.mirror.port] : [],
      hostNetworks: hostNetworks(),
      resolvers: dnsResolvers(),
    };
  }

  /**
   * The registry mirror, started once. A mirror that fails is logged and sandboxes start
   * without it (everything but `docker pull` of Docker Hub images still works).
   */
  private mirrorPort(): Promise<number | null> {
    if (!this.mirror) return Promise.resolve(null);
    const mirror = this.mirror;
    return mirror.ensure().then(
      () => mirror.opts.port,
      (err) => {
        this.log.error({ err: (err as Error).message }, "registry mirror unavailable: sandboxes start without it (docker pull of Docker Hub images fails offline)");
        return null;
      },
    );
  }

  /**
   * On shutdown: removes this installation's firewall rules when none of its sandboxes is
   * left (they are reinstalled at the next start). Other installations' rules are their own.
   * Returns whether it removed them.
   */
  async releaseIsolation(): Promise<boolean> {
    if (this.opts.isolation === "off" || !this.isolation) return false;
    const left = await this.docker.listContainers({ all: true, filters: { label: this.ownLabels() } });
    if (left.length > 0) return false;
    await removeFirewall(this.firewallPlan(), this.log);
    this.isolation = null;
    return true;
  }

  /** The sandbox's own bridge network, on a free small subnet of the pool. */
  private async createNetwork(name: string, labels: Record<string, string>): Promise<void> {
    const pool = parseCidr(this.opts.subnetPool);
    // Subnets Docker refused in this call (taken meanwhile, or overlapping a host route it
    // does not list): never tried twice.
    const refused: string[] = [];
    let lastError = "";
    for (let attempt = 0; attempt < 20; attempt++) {
      const used = (await this.docker.listNetworks())
        .flatMap((n) => n.IPAM?.Config ?? [])
        .map((c) => c.Subnet)
        .filter((s): s is string => typeof s === "string" && s.includes("."))
        .map((c) => parseCidr(c));
      const subnet = freeSubnet(pool, this.opts.subnetPrefix, [...used, ...[...this.reservedSubnets, ...refused].map((c) => parseCidr(c))]);
      if (!subnet) {
        throw new PlaygroundFailure(
          "sandbox_start_failed",
          "The playground has no network addresses left for another sandbox.",
          "Wait for a sandbox to end and press Retry.",
          `subnet pool ${this.opts.subnetPool} is full (/${this.opts.subnetPrefix} each); widen SANDBOX_SUBNET_POOL`,
        );
      }
      const cidr = formatCidr(subnet);
      this.reservedSubnets.add(cidr);
      try {
        await this.docker.createNetwork({
          Name: `cp-${name}-net`,
          Driver: "bridge",
          IPAM: { Driver: "default", Config: [{ Subnet: cidr, Gateway: gatewayOf(subnet) }] },
          // The host firewall matches sandbox traffic by this bridge name (firewall.ts).
          Options: { "com.docker.network.bridge.name": bridgeName(this.tag, name) },
          Labels: labels,
        });
        await strictReversePath(bridgeName(this.tag, name), this.log);
        return;
      } catch (err) {
        // Another playground took the same subnet between list and create: try the next one.
        lastError = (err as Error).message;
        if (!/overlap|in use/i.test(lastError)) throw err;
        refused.push(cidr);
      } finally {
        this.reservedSubnets.delete(cidr);
      }
    }
    throw new Error(`could not find a free subnet after 20 attempts (last: ${lastError})`);
  }

  private async requireImage(): Promise<void> {
    const state = await this.opts.image.state();
    if (state.state === "ready") return;
    if (state.state === "building") {
      throw new PlaygroundFailure(
        "image_building",
        "The sandbox image is being built right now (this happens once, on first start).",
        "Wait a few minutes and press Retry.",
        `${this.opts.image.ref}: ${state.lastLine}`,
      );
    }
    const why = state.state === "failed" ? state.detail : `image ${this.opts.image.ref} not found`;
    throw new PlaygroundFailure(
      "image_missing",
      "The sandbox image is not installed on this server yet.",
      "Ask the person who runs this playground to build it, then press Retry.",
      `${why}; build it with \`npm run sandbox-image\` (or restart with SANDBOX_AUTO_BUILD=true)`,
    );
  }

  async create(spec: SandboxSpec, progress: ProgressFn = () => undefined): Promise<Sandbox> {
    const log = this.log.child({ sessionId: spec.sessionId, sandbox: spec.name });
    try {
      await this.docker.ping();
    } catch (err) {
      throw dockerUnavailable((err as Error).message);
    }
    await this.requireImage();
    const hardened = this.opts.profile === "hardened";
    const [privileged, mirrorPort] = await Promise.all([hardened ? false : this.usePrivileged(), this.mirrorPort(), this.isolationReady(), this.disksReady()]);
    const labels = {
      [LABELS.managed]: "true",
      [LABELS.instance]: this.opts.instanceId,
      [LABELS.sessionId]: spec.sessionId,
      [LABELS.owner]: spec.ownerId,
      [LABELS.name]: spec.name,
      [LABELS.role]: spec.role ?? "session",
      [LABELS.created]: new Date().toISOString(),
      [LABELS.expires]: spec.expiresAt.toISOString(),
      [LABELS.profile]: this.opts.profile,
      [LABELS.image]: this.opts.image.ref,
      [LABELS.entry]: ENTRY_PROTOCOL,
    };
    const volumeName = `cp-${spec.name}-disk`;
    progress("creating", "Creating your sandbox…");
    try {
      // The sandbox's own disk (not on overlayfs, so the inner overlay2 works): a size-limited
      // ext4 on a loop device when SANDBOX_DISK_MB > 0, else a plain volume.
      const disk = this.disks ? await this.disks.create(spec.name) : null;
      await this.docker.createVolume({
        Name: volumeName,
        Labels: labels,
        ...(disk ? { Driver: "local", DriverOpts: { type: "ext4", device: disk.device, o: "noinit_itable" } } : {}),
      });
      await this.createNetwork(spec.name, labels);
      const hostConfig: Docker.HostConfig & { CgroupnsMode: "private" } = {
        ...(hardened ? hardenedHostConfig() : privileged ? { Privileged: true } : explicitDindHostConfig()),
        CgroupnsMode: "private",
        // The privileged side's view of the image never changes; the learner writes to
        // their own root on the sandbox disk (sandbox-init).
        ReadonlyRootfs: true,
        // The learner's root can write to the container's log (their init's stdout): keep
        // it from filling the host's disk.
        LogConfig: { Type: "json-file", Config: { "max-size": "1m", "max-file": "1" } },
        Memory: this.opts.memoryBytes,
        MemorySwap: this.opts.memoryBytes,
        NanoCpus: this.opts.nanoCpus,
        PidsLimit: this.opts.pidsLimit,
        // The privileged side's own /run and /tmp (the learner gets theirs, sized the same).
        Tmpfs: {
          "/run": `rw,nosuid,nodev,exec,size=${this.opts.runMb}m`,
          "/tmp": "rw,nosuid,nodev,noexec,size=16m",
        },
        Mounts: [{ Type: "volume", Source: volumeName, Target: DISK_MOUNT }],
        NetworkMode: `cp-${spec.name}-net`,
        ...(this.opts.runtime ? { Runtime: this.opts.runtime } : {}),
        RestartPolicy: { Name: "no" },
      };
      const container = await this.docker.createContainer({
        name: `cp-${spec.name}`,
        Hostname: spec.name,
        Image: this.opts.image.ref,
        Labels: labels,
        Env: this.sandboxEnv(mirrorPort),
        HostConfig: hostConfig,
      });
      progress("starting", "Starting your sandbox and its own Docker engine…");
      await container.start();
      await this.waitReady(container);
      log.info({ containerId: container.id, profile: this.opts.profile, privileged, diskMb: this.opts.diskMb }, "sandbox ready");
      return { id: container.id, name: spec.name };
    } catch (err) {
      const failure =
        err instanceof PlaygroundFailure
          ? err
          : /memory/i.test(String((err as Error).message))
            ? toFailure(err)
            : new PlaygroundFailure(
                "sandbox_start_failed",
                "Your sandbox could not be started.",
                "Press Retry. If it fails again, tell your instructor or operator (the detail below helps them).",
                (err as { json?: { message?: string } }).json?.message ?? (err as Error).message,
              );
      log.error({ err: failure.detail, code: failure.code }, "sandbox creation failed; cleaning up");
      await this.removeByName(spec.name).catch((e) => log.error({ err: e }, "cleanup after failed create failed"));
      throw failure;
    }
  }

  private sandboxEnv(mirrorPort: number | null): string[] {
    const pool = parseCidr(this.opts.innerPool);
    return [
      ...(mirrorPort ? [`CP_MIRROR_PORT=${mirrorPort}`] : []),
      "container=docker",
      `SANDBOX_PROFILE=${this.opts.profile}`,
      `CP_DISK=${DISK_MOUNT}`,
      `CP_INNER_BIP=${formatIp(pool.base + 1)}/24`,
      `CP_INNER_POOL=${formatCidr(pool)}`,
      `CP_RUN_MB=${this.opts.runMb}`,
      `CP_TMP_MB=${this.opts.tmpMb}`,
    ];
  }

  /**
   * Docker exec options for a command in the learner's world, in every profile: the exec
   * starts as the container's root with an environment of our own making (none of the
   * caller's), and sandbox-enter moves it into the learner's namespaces, as `user` there,
   * with `env` given as arguments, before the command runs.
   */
  private execFor(opts: ExecOptions): { Cmd: string[]; User: string; WorkingDir: string; Env: string[] } {
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

  /** Follows the container's log stream for the init's ready line (no process per poll). */
  private async waitReady(container: Docker.Container): Promise<void> {
    const logs = (await container.logs({ follow: true, stdout: true, stderr: true })) as unknown as NodeJS.ReadableStream & {
      destroy(): void;
    };
    const out = new PassThrough();
    this.docker.modem.demuxStream(logs, out, out);
    let text = "";
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`sandbox did not become ready within ${this.opts.readyTimeoutMs / 1000} s; last output: ${text.slice(-300)}`)),
          this.opts.readyTimeoutMs,
        );
        const done = (err?: Error) => {
          clearTimeout(timer);
          if (err) reject(err);
          else resolve();
        };
        out.on("data", (chunk: Buffer) => {
          text += chunk.toString();
          if (text.includes(READY_LINE)) done();
          const failed = text.indexOf(FAILED_PREFIX);
          if (failed >= 0) done(new Error(text.slice(failed).split("\n")[0]));
        });
        logs.on("end", () => {
          void container.inspect().then(
            (info) =>
              done(
                new Error(
                  info.State.OOMKilled
                    ? "sandbox was killed for using too much memory during start"
                    : `sandbox exited during start (exit ${info.State.ExitCode}); last output: ${text.slice(-300)}`,
                ),
              ),
            (err) => done(err as Error),
          );
        });
        logs.on("error", (err: Error) => done(err));
      });
    } finally {
      logs.destroy();
    }
  }

  async openTty(sandbox: Sandbox, opts: ExecOptions, size: { cols: number; rows: number }): Promise<TtyProcess> {
    const exec = await this.docker.getContainer(sandbox.id).exec({
      ...this.execFor(opts),
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: true,
    });
    // With Tty the stream is raw bytes (no demux). Resize only after start.
    const stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as unknown as import("node:stream").Duplex;
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

  async run(sandbox: Sandbox, opts: ExecOptions & { timeoutMs?: number }): Promise<RunResult> {
    const exec = await this.docker.getContainer(sandbox.id).exec({
      ...this.execFor(opts),
      AttachStdout: true,
      AttachStderr: true,
    });
    const stream = await exec.start({ hijack: true, stdin: false });
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    stdout.on("data", (b: Buffer) => out.push(b));
    stderr.on("data", (b: Buffer) => err.push(b));
    this.docker.modem.demuxStream(stream, stdout, stderr);
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
    return {
      exitCode: info.ExitCode ?? -1,
      stdout: Buffer.concat(out).toString(),
      stderr: Buffer.concat(err).toString(),
    };
  }

  async isRunning(sandbox: Sandbox): Promise<boolean> {
    try {
      const info = await this.docker.getContainer(sandbox.id).inspect();
      return info.State.Running;
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return false;
      throw err;
    }
  }

  async remove(sandbox: Sandbox): Promise<void> {
    await this.removeByName(sandbox.name);
  }

  /** Removes container and volume by name; missing ones are fine (idempotent). */
  private async removeByName(name: string): Promise<void> {
    const ignore404 = (err: { statusCode?: number }) => {
      if (err.statusCode !== 404) throw err;
    };
    await this.docker.getContainer(`cp-${name}`).remove({ force: true, v: true }).catch(ignore404);
    await this.docker.getVolume(`cp-${name}-disk`).remove().catch(ignore404);
    await this.docker.getVolume(`cp-${name}-docker`).remove().catch(ignore404); // before the disk
    await this.docker.getNetwork(`cp-${name}-net`).remove().catch(ignore404);
    await this.disks?.remove(name);
  }

  async address(sandbox: Sandbox): Promise<string> {
    const info = await this.docker.getContainer(sandbox.id).inspect();
    const ip = info.NetworkSettings.Networks?.[`cp-${sandbox.name}-net`]?.IPAddress;
    if (!ip) throw new Error(`sandbox ${sandbox.name} has no address on its network`);
    return ip;
  }

  /** Disk files whose sandbox container is gone (a crash mid-create or mid-remove). */
  async removeOrphanDisks(): Promise<string[]> {
    if (!this.disks) return [];
    const removed: string[] = [];
    for (const name of await this.disks.names(5 * 60_000)) {
      if (name.startsWith("selftest-")) continue;
      const exists = await this.docker
        .getContainer(`cp-${name}`)
        .inspect()
        .then(() => true, (err: { statusCode?: number }) => err.statusCode !== 404);
      if (exists) continue;
      await this.removeByName(name);
      removed.push(name);
    }
    return removed;
  }

  async list(): Promise<SandboxListing[]> {
    const containers = await this.docker.listContainers({ all: true, filters: { label: this.ownLabels() } });
    return containers.map((c) => ({
      id: c.Id,
      name: c.Labels[LABELS.name] ?? "",
      sessionId: c.Labels[LABELS.sessionId] ?? "",
      role: c.Labels[LABELS.role] === "pool" ? "pool" : "session",
      ownerId: c.Labels[LABELS.owner] ?? "",
      running: c.State === "running",
      expiresAt: c.Labels[LABELS.expires] ? new Date(c.Labels[LABELS.expires]) : null,
      profile: c.Labels[LABELS.profile],
      image: c.Labels[LABELS.image],
      entry: c.Labels[LABELS.entry],
    }));
  }

  fit(sandbox: SandboxListing): SandboxFit {
    if (sandbox.entry !== ENTRY_PROTOCOL) return "outdated";
    return sandbox.profile === this.opts.profile && sandbox.image === this.opts.image.ref ? "current" : "usable";
  }

  watch(onEvent: (event: SandboxEvent) => void, onReconnect: () => void): () => void {
    let stopped = false;
    let stream: NodeJS.ReadableStream & { destroy?: () => void } | null = null;
    let failures = 0;
    const retry = () => {
      if (stopped) return;
      const delay = Math.min(30_000, 500 * 2 ** failures++);
      setTimeout(() => void connect(true), delay).unref();
    };
    const connect = async (isReconnect: boolean) => {
      try {
        stream = (await this.docker.getEvents({
          filters: { type: ["container"], event: ["die", "oom"], label: this.ownLabels() },
        })) as NodeJS.ReadableStream & { destroy?: () => void };
      } catch (err) {
        this.log.warn({ err: (err as Error).message }, "cannot watch Docker events; retrying");
        return retry();
      }
      if (stopped) return stream.destroy?.();
      failures = 0;
      if (isReconnect) onReconnect();
      let buffered = "";
      stream.on("data", (chunk: Buffer) => {
        buffered += chunk.toString();
        let nl: number;
        while ((nl = buffered.indexOf("\n")) >= 0) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          if (line) void this.toSandboxEvent(line).then((e) => e && onEvent(e));
        }
      });
      stream.on("end", retry);
      stream.on("error", retry);
    };
    void connect(false);
    return () => {
      stopped = true;
      stream?.destroy?.();
    };
  }

  private async toSandboxEvent(line: string): Promise<SandboxEvent | null> {
    let raw: { Action?: string; Actor?: { ID?: string; Attributes?: Record<string, string> } };
    try {
      raw = JSON.parse(line);
    } catch {
      return null;
    }
    const sandboxId = raw.Actor?.ID;
    if (!sandboxId) return null;
    if (raw.Action === "oom") return { kind: "oom", sandboxId };
    if (raw.Action !== "die") return null;
    const exit = Number(raw.Actor?.Attributes?.exitCode);
    const oomKilled = await this.docker
      .getContainer(sandboxId)
      .inspect()
      .then((i) => i.State.OOMKilled, () => false);
    return { kind: "died", sandboxId, exitCode: Number.isFinite(exit) ? exit : null, oomKilled };
  }

  /**
   * The engine's OCI runtimes. Sysbox or Kata, where installed, isolate Docker-in-Docker
   * without the user-namespace work of the hardened profile: detected and reported, never
   * required (SANDBOX_RUNTIME selects one).
   */
  async runtimes(): Promise<{ available: string[]; stronger: string[] }> {
    const info = (await this.docker.info()) as { Runtimes?: Record<string, unknown> };
    const available = Object.keys(info.Runtimes ?? {});
    return { available, stronger: available.filter((r) => /sysbox|kata/i.test(r)) };
  }

  /** Total memory of the engine's machine (for the default capacity). */
  async engineMemoryBytes(): Promise<number> {
    return (await this.docker.info()).MemTotal as number;
  }

  async health(): Promise<{ engine: HealthPart; image: HealthPart }> {
    let engine: HealthPart;
    try {
      const v = await this.docker.version();
      engine = { ok: true, detail: `Docker ${v.Version} (API ${v.ApiVersion})` };
    } catch (err) {
      const f = toFailure(err);
      return {
        engine: { ok: false, detail: f.detail ?? f.message },
        image: { ok: false, detail: "unknown: Docker engine unreachable" },
      };
    }
    const s = await this.opts.image.state();
    const image: HealthPart =
      s.state === "ready"
        ? { ok: true, detail: this.opts.image.ref }
        : s.state === "building"
          ? { ok: false, detail: `building ${this.opts.image.ref}: ${s.lastLine}` }
          : s.state === "failed"
            ? { ok: false, detail: s.detail }
            : { ok: false, detail: `missing ${this.opts.image.ref}; run npm run sandbox-image` };
    return { engine, image };
  }
}
