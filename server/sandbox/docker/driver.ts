// SandboxDriver on a Docker engine through dockerode (honours DOCKER_HOST). Each sandbox is a
// Docker-in-Docker container (sandbox-images/README.md) with its own disk (disk.ts), bridge
// network (networks.ts) and host firewall rules (firewall.ts); its registry mirror comes from
// mirror.ts. This file puts them together; each part lives in its own module.
import type Docker from "dockerode";
import { ConfigError, type Config } from "../../config";
import type { Logger } from "../../log";
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
import { PlaygroundFailure, dockerUnavailable, toFailure } from "../errors";
import { checkSandboxFiles } from "../files";
import { hostMemoryAvailable } from "../host-memory";
import { innerDockerNetworks, type InnerNetworks } from "../subnets";
import { SandboxDisks, selfTestName } from "./disk";
import { watchEngineEvents } from "./events";
import * as exec from "./exec";
import { dnsResolvers, firewallInstalled, hostNetworks, installFirewall, instanceTag, removeFirewall, type FirewallPlan } from "./firewall";
import { explicitDindHostConfig, hardenedHostConfig, PrivilegedProbe } from "./host-config";
import type { SandboxImage } from "./image";
import { raiseKeyLimits } from "./kernel-limits";
import { fitOf, listingOf, ownLabels, sandboxLabels } from "./labels";
import { RegistryMirror } from "./mirror";
import { networkName, SandboxNetworks } from "./networks";
import { waitReady } from "./readiness";

export interface DockerDriverOptions {
  sandbox: Config["sandbox"];
  docker: Config["docker"];
  image: SandboxImage;
  /** Labels this installation's sandboxes; list() and watch() see only those. */
  instanceId: string;
  /** The mirror-images set the mirror serves (mirror-images/build.sh --version). */
  mirrorTag?: string;
}

/** Where the sandbox's own disk is mounted (sandbox-init builds the learner's root on it). */
const DISK_MOUNT = "/run/cp-disk";

/** Writes its input to a new file "$1" (making its folders as `mkdir -p` does) with mode "$2". */
const WRITE_FILE = 'mkdir -p -- "$(dirname -- "$1")" && rm -f -- "$1" && cat > "$1" && chmod "$2" "$1"';

export class DockerDriver implements SandboxDriver {
  readonly engine = "docker";
  private isolation: Promise<void> | null = null;
  private diskCheck: Promise<void> | null = null;
  /** Size-limited disks, or null when SANDBOX_DISK_MB=0. */
  readonly disks: SandboxDisks | null;
  /** The host's registry mirror, or null when MIRROR=off. */
  readonly mirror: RegistryMirror | null;
  private readonly networks: SandboxNetworks;
  private readonly privileged: PrivilegedProbe;
  private readonly sb: Config["sandbox"];

  constructor(
    readonly docker: Docker,
    private readonly opts: DockerDriverOptions,
    private readonly log: Logger,
  ) {
    this.sb = opts.sandbox;
    this.disks = this.sb.diskMb > 0 ? new SandboxDisks(opts.docker.diskDir, this.sb.diskMb, log) : null;
    this.mirror = this.sb.mirror && opts.mirrorTag ? new RegistryMirror(docker, { ...this.sb.mirror, tag: opts.mirrorTag }, log) : null;
    this.networks = new SandboxNetworks(docker, { pool: opts.docker.subnetPool, prefix: opts.docker.subnetPrefix, tag: this.tag }, log);
    this.privileged = new PrivilegedProbe(docker, opts.docker.privileged, () => opts.image.ref, log);
  }

  get profile(): "trusted" | "hardened" {
    return this.sb.profile;
  }

  get image(): string {
    return this.opts.image.ref;
  }

  /** This installation's short tag: its firewall chains and its bridges' names. */
  get tag(): string {
    return instanceTag(this.opts.instanceId);
  }

  /** Whether trusted sandboxes use --privileged on this host (tried once). */
  usePrivileged(): Promise<boolean> {
    return this.privileged.usePrivileged();
  }

  /**
   * At start: refuses an inner address pool that would shadow a host network, reports the
   * engine and the runtimes it offers, and starts building a missing image when allowed.
   * An engine that is down is logged, not fatal: health says so, and sandboxes explain it.
   */
  async prepare(): Promise<void> {
    try {
      this.innerNetworks();
    } catch (err) {
      throw new ConfigError((err as Error).message);
    }
    const { engine, image } = await this.health();
    if (!engine.ok) {
      this.log.error({ detail: engine.detail }, "Docker engine unreachable: sandboxes cannot start until it is (check DOCKER_HOST)");
      return;
    }
    this.log.info({ engine: engine.detail }, "Docker engine reachable");
    await raiseKeyLimits(this.log);
    const runtimes = await this.runtimes().catch(() => ({ available: [] as string[], stronger: [] as string[] }));
    const wanted = this.opts.docker.runtime;
    if (wanted && !runtimes.available.includes(wanted)) {
      this.log.error({ runtime: wanted, available: runtimes.available }, "SANDBOX_RUNTIME is not offered by the engine: sandboxes will fail to start");
    } else if (!wanted && runtimes.stronger.length > 0) {
      this.log.info({ runtimes: runtimes.stronger }, "the engine offers a stronger sandbox runtime; set SANDBOX_RUNTIME to use it");
    }
    if (image.ok) {
      this.usePrivileged().catch((err) => this.log.warn({ err: (err as Error).message }, "could not probe --privileged"));
      // Seeding a new mirror takes a minute: start it now, not when the first learner arrives.
      void this.mirrorPort();
    } else if (this.sb.autoBuild) {
      this.opts.image.startBuild();
    } else {
      this.log.error({ image: this.image }, "sandbox image missing and SANDBOX_AUTO_BUILD=false: run npm run sandbox-image");
    }
  }

  /** The engine machine's memory: SANDBOX_MAX=0 derives the capacity from it. */
  async capacityHint(): Promise<{ memoryBytes: number } | null> {
    return this.docker.info().then(
      (info) => ({ memoryBytes: info.MemTotal as number }),
      () => null,
    );
  }

  /** The engine runs on this machine (its disks and firewall are set up here): read /proc. */
  memoryAvailable(): Promise<number | null> {
    return hostMemoryAvailable();
  }

  /** At shut-down: this installation's firewall rules go when none of its sandboxes is left. */
  async dispose(): Promise<void> {
    await this.releaseIsolation().catch((err) => this.log.error({ err }, "could not remove the sandbox firewall rules"));
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

  /** Host firewall rules, installed once per server start (sandboxes wait for them). */
  private isolationReady(): Promise<void> {
    if (this.sb.isolation === "off") return Promise.resolve();
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

  firewallPlan(): FirewallPlan {
    return {
      tag: this.tag,
      instance: this.opts.instanceId,
      pool: this.opts.docker.subnetPool,
      egress: this.sb.egress,
      allow: this.sb.egressAllow,
      hostPorts: this.sb.mirror ? [this.sb.mirror.port] : [],
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
   * Removes this installation's firewall rules when none of its sandboxes is left (they are
   * reinstalled at the next start). Other installations' rules are their own. Returns
   * whether it removed them.
   */
  async releaseIsolation(): Promise<boolean> {
    if (this.sb.isolation === "off") return false;
    const left = await this.docker.listContainers({ all: true, filters: { label: ownLabels(this.opts.instanceId) } });
    if (left.length > 0) return false;
    // Rules this process did not install may be an earlier process's of this installation
    // (it stopped while its sandboxes ran; they are gone now): they go too.
    if (!this.isolation && !(await firewallInstalled(this.firewallPlan()))) return false;
    await removeFirewall(this.firewallPlan(), this.log);
    this.isolation = null;
    return true;
  }

  private async requireImage(): Promise<void> {
    const state = await this.opts.image.state();
    if (state.state === "ready") return;
    if (state.state === "building") {
      throw new PlaygroundFailure(
        "image_building",
        "The sandbox image is being built right now (this happens once, on first start).",
        "Wait a few minutes and press Retry.",
        `${this.image}: ${state.lastLine}`,
      );
    }
    const why = state.state === "failed" ? state.detail : `image ${this.image} not found`;
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
    const hardened = this.sb.profile === "hardened";
    const [privileged, mirrorPort] = await Promise.all([hardened ? false : this.usePrivileged(), this.mirrorPort(), this.isolationReady(), this.disksReady()]);
    const labels = sandboxLabels(spec, { instanceId: this.opts.instanceId, profile: this.sb.profile, image: this.image });
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
      await this.networks.create(spec.name, labels);
      const hostConfig: Docker.HostConfig & { CgroupnsMode: "private" } = {
        ...(hardened ? hardenedHostConfig() : privileged ? { Privileged: true } : explicitDindHostConfig()),
        CgroupnsMode: "private",
        // The privileged side's view of the image never changes; the learner writes to
        // their own root on the sandbox disk (sandbox-init).
        ReadonlyRootfs: true,
        // The learner's root can write to the container's log (their init's stdout): keep
        // it from filling the host's disk.
        LogConfig: { Type: "json-file", Config: { "max-size": "1m", "max-file": "1" } },
        Memory: this.sb.memoryBytes,
        MemorySwap: this.sb.memoryBytes,
        NanoCpus: this.sb.nanoCpus,
        PidsLimit: this.sb.pidsLimit,
        // The privileged side's own /run and /tmp (the learner gets theirs, sized the same).
        Tmpfs: {
          "/run": `rw,nosuid,nodev,exec,size=${this.sb.runMb}m`,
          "/tmp": "rw,nosuid,nodev,noexec,size=16m",
        },
        Mounts: [{ Type: "volume", Source: volumeName, Target: DISK_MOUNT }],
        NetworkMode: networkName(spec.name),
        ...(this.opts.docker.runtime ? { Runtime: this.opts.docker.runtime } : {}),
        RestartPolicy: { Name: "no" },
      };
      const container = await this.docker.createContainer({
        name: `cp-${spec.name}`,
        Hostname: spec.name,
        Image: this.image,
        Labels: labels,
        Env: this.sandboxEnv(mirrorPort),
        HostConfig: hostConfig,
      });
      progress("starting", "Starting your sandbox and its own Docker engine…");
      await container.start();
      await waitReady(this.docker, container, this.sb.readyTimeoutMs);
      log.info({ containerId: container.id, profile: this.sb.profile, privileged, diskMb: this.sb.diskMb }, "sandbox ready");
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

  /**
   * The inner Docker's addresses: Docker's defaults (or SANDBOX_INNER_POOL) clear of this
   * host's networks, the allow-listed addresses and the DNS servers, which sandboxes reach.
   */
  innerNetworks(): InnerNetworks {
    const reachable = [...hostNetworks(), ...this.sb.egressAllow.map((t) => t.cidr), ...dnsResolvers().map((r) => `${r}/32`)];
    return innerDockerNetworks(this.sb.innerPool, this.opts.docker.subnetPool, reachable);
  }

  private sandboxEnv(mirrorPort: number | null): string[] {
    const inner = this.innerNetworks();
    return [
      ...(mirrorPort ? [`CP_MIRROR_PORT=${mirrorPort}`] : []),
      "container=docker",
      `SANDBOX_PROFILE=${this.sb.profile}`,
      `CP_DISK=${DISK_MOUNT}`,
      `CP_INNER_BIP=${inner.bip}`,
      // "base:size" pairs, one --default-address-pool each.
      `CP_INNER_POOLS=${inner.pools.map((p) => `${p.base}:${p.size}`).join(" ")}`,
      `CP_RUN_MB=${this.sb.runMb}`,
      `CP_DOCKER_START=${this.sb.dockerStart}`,
      `CP_TMP_MB=${this.sb.tmpMb}`,
    ];
  }

  openTty(sandbox: Sandbox, opts: ExecOptions, size: { cols: number; rows: number }): Promise<TtyProcess> {
    return exec.openTty(this.docker, sandbox, opts, size);
  }

  run(sandbox: Sandbox, opts: ExecOptions & { timeoutMs?: number }): Promise<RunResult> {
    return exec.run(this.docker, sandbox, opts);
  }

  /**
   * Each file through an exec (as every command, through sandbox-enter, in the learner's world),
   * its content on the command's input. Not the Engine API's archive upload: that writes from
   * the host's side into a root file system the learner controls (symlink races, CVE-2018-15664).
   */
  async writeFiles(sandbox: Sandbox, files: SandboxFile[]): Promise<void> {
    checkSandboxFiles(files);
    for (const file of files) {
      const r = await exec.run(this.docker, sandbox, {
        cmd: ["sh", "-c", WRITE_FILE, "sandbox-write", file.path, file.mode.toString(8)],
        user: "root",
        timeoutMs: 120_000,
        stdin: file.content,
      });
      if (r.exitCode !== 0) throw new Error(`could not write ${file.path} in the sandbox (${r.exitCode}): ${r.stderr.trim().slice(0, 200)}`);
    }
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

  /** Removes container, volumes, network and disk by name; missing ones are fine (idempotent). */
  private async removeByName(name: string): Promise<void> {
    const ignore404 = (err: { statusCode?: number }) => {
      if (err.statusCode !== 404) throw err;
    };
    await this.docker.getContainer(`cp-${name}`).remove({ force: true, v: true }).catch(ignore404);
    await this.docker.getVolume(`cp-${name}-disk`).remove().catch(ignore404);
    await this.docker.getVolume(`cp-${name}-docker`).remove().catch(ignore404); // before the disk
    await this.docker.getNetwork(networkName(name)).remove().catch(ignore404);
    await this.disks?.remove(name);
  }

  async address(sandbox: Sandbox): Promise<string> {
    const info = await this.docker.getContainer(sandbox.id).inspect();
    const ip = info.NetworkSettings.Networks?.[networkName(sandbox.name)]?.IPAddress;
    if (!ip) throw new Error(`sandbox ${sandbox.name} has no address on its network`);
    return ip;
  }

  /** Disk files whose sandbox container is gone (a crash mid-create or mid-remove). */
  async removeOrphanDisks(): Promise<string[]> {
    if (!this.disks) return [];
    const removed: string[] = [];
    for (const device of await this.disks.detachDeleted()) {
      this.log.info({ device }, "detached a loop device whose sandbox disk file was deleted");
    }
    for (const name of await this.disks.names(5 * 60_000)) {
      if (name === selfTestName()) continue; // this process's own check, perhaps running now
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
    const containers = await this.docker.listContainers({ all: true, filters: { label: ownLabels(this.opts.instanceId) } });
    return containers.map((c) => listingOf(c));
  }

  fit(sandbox: SandboxListing): SandboxFit {
    return fitOf(sandbox, { profile: this.sb.profile, image: this.image });
  }

  watch(onEvent: (event: SandboxEvent) => void, onReconnect: () => void, onConnected?: () => void): () => void {
    return watchEngineEvents(this.docker, ownLabels(this.opts.instanceId), this.log, onEvent, onReconnect, onConnected);
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
        ? { ok: true, detail: this.image }
        : s.state === "building"
          ? { ok: false, detail: `building ${this.image}: ${s.lastLine}` }
          : s.state === "failed"
            ? { ok: false, detail: s.detail }
            : { ok: false, detail: `missing ${this.image}; run npm run sandbox-image` };
    return { engine, image };
  }
}
