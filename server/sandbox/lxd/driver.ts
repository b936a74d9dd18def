// SandboxDriver on LXD (SANDBOX_ENGINE=lxd): each sandbox is an unprivileged system container
// (root inside is an unprivileged uid range on the host; hardened: a range of its own) with
// nesting for its own Docker engine, on one host or an LXD cluster, which places it. The image
// is the Docker engine's sandbox image exported for LXD (sandbox-images/build-lxd.sh); its init
// (system-init) runs learner-init as the Docker image's does, minus the privileged side: the
// container is the learner's whole world. scripts/ensure-lxd.sh makes the storage pool (disk
// quotas) and the bridge network this driver uses.
import fs from "node:fs";
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
import { checkSandboxFiles, foldersOf } from "../files";
import { fitOf, LABELS } from "../docker/labels";
import type { RegistryMirror } from "../docker/mirror";
import { PlaygroundFailure } from "../errors";
import { hostNetworks, instanceTag, networkOf } from "../docker/firewall";
import { isNotFound, LxdClient } from "./client";
import { watchLifecycle } from "./events";
import { hasDockerUserChain, installLxdFirewall, removeLxdFirewall, type LxdFirewallPlan } from "./firewall";
import * as exec from "./exec";
import { instanceBody, instanceName, labelsOf, listingOfInstance, memberOf, type LxdInstance } from "./instance";
import { cgroupInstanceOf, watchOom, watchReportedOom } from "./oom";

export interface LxdDriverOptions {
  sandbox: Config["sandbox"];
  lxd: Config["lxd"];
  /** The sandbox image's LXD alias (imageAlias of the Docker image's tag, which it is exported from). */
  image: string;
  /**
   * The registry mirror on this host's Docker engine (MIRROR=on; mirror.ts), which sandboxes
   * reach on their bridge's address: `docker pull nginx` offline, as on the Docker engine.
   */
  mirror?: RegistryMirror | null;
  instanceId: string;
}

const READY_LINE = "sandbox-init: ready";
const FAILED_PREFIX = "sandbox-init: failed:";
const READY_POLL_MS = 250;
/** The uids one isolated sandbox gets (LXD's default for security.idmap.isolated). */
const IDMAP_SLOT = 65536;

/** The LXD image alias of a sandbox image reference (container-playground/sandbox:TAG). */
export function imageAlias(dockerRef: string): string {
  return `cp-sandbox-${dockerRef.slice(dockerRef.lastIndexOf(":") + 1)}`;
}

interface ServerInfo {
  auth: string;
  environment?: { server_version?: string; driver?: string; server_clustered?: boolean; kernel_version?: string };
}

interface Resources {
  memory?: { total?: number; used?: number };
}

export function lxdUnavailable(detail: string): PlaygroundFailure {
  return new PlaygroundFailure(
    "engine_unavailable",
    "The playground cannot reach its LXD engine, so no sandbox can start right now.",
    "Try again in a minute. Operator: check that LXD is running (scripts/ensure-lxd.sh) and LXD_SOCKET or LXD_URL is right.",
    detail,
  );
}

export class LxdDriver implements SandboxDriver {
  readonly engine = "lxd";
  readonly client: LxdClient;
  /** Sandboxes this process is removing: their stop is not a death. */
  private readonly removing = new Set<string>();
  private isolation: Promise<void> | null = null;
  /** Uid ranges this process is giving to sandboxes being made (not yet visible in LXD). */
  private readonly reservedBases = new Set<number>();

  constructor(
    private readonly opts: LxdDriverOptions,
    private readonly log: Logger,
  ) {
    const l = opts.lxd;
    const read = (file?: string) => (file ? fs.readFileSync(file) : undefined);
    this.client = new LxdClient(
      l.url ? { url: l.url, cert: read(l.clientCert), key: read(l.clientKey), ca: read(l.serverCert), project: l.project } : { socketPath: l.socketPath, project: l.project },
    );
  }

  get image(): string {
    return this.opts.image;
  }

  get profile(): "trusted" | "hardened" {
    return this.opts.sandbox.profile;
  }

  private async server(): Promise<ServerInfo> {
    const { metadata } = await this.client.request<ServerInfo>("GET", "/1.0");
    return metadata;
  }

  /**
   * Checks the engine, the server's trust, the pool, the network and the image, and refuses a
   * sandbox type the hosts cannot run (virtual machines without KVM) as a configuration error.
   */
  async prepare(): Promise<void> {
    let info: ServerInfo;
    try {
      info = await this.server();
    } catch (err) {
      this.log.error({ where: this.client.where, detail: (err as Error).message }, "LXD unreachable: sandboxes cannot start until it is (scripts/ensure-lxd.sh)");
      return;
    }
    if (info.auth !== "trusted") {
      throw new ConfigError(`LXD at ${this.client.where} does not trust this server's certificate (auth: ${info.auth}); add it with \`lxc config trust add\``);
    }
    const drivers = info.environment?.driver ?? "";
    if (this.opts.lxd.type === "vm" && !/qemu/.test(drivers)) {
      throw new ConfigError(
        `SANDBOX_LXD_TYPE=vm needs LXD hosts that can run virtual machines (KVM, /dev/kvm); LXD here offers only "${drivers}". ` +
          "Use SANDBOX_LXD_TYPE=container (the default), or run LXD on hosts with KVM.",
      );
    }
    if (this.opts.lxd.type === "vm") {
      // Not built yet: a VM needs a disk image with LXD's agent inside (for exec), which
      // build-lxd.sh does not make. Refused rather than failing at every sandbox.
      throw new ConfigError(
        "SANDBOX_LXD_TYPE=vm: these LXD hosts can run virtual machines, but the playground does not build a virtual-machine " +
          "sandbox image yet (sandbox-images/build-lxd.sh makes a container image). Use SANDBOX_LXD_TYPE=container.",
      );
    }
    for (const [what, path] of [
      ["storage pool", `/1.0/storage-pools/${encodeURIComponent(this.opts.lxd.storagePool)}`],
      ["network", `/1.0/networks/${encodeURIComponent(this.opts.lxd.network)}`],
    ] as const) {
      await this.client.request("GET", path).catch((err: Error) => {
        this.log.error({ detail: err.message }, `LXD ${what} missing: run scripts/ensure-lxd.sh (or set LXD_STORAGE_POOL / LXD_NETWORK)`);
      });
    }
    const image = await this.imagePresent();
    if (!image) this.log.error({ image: this.image }, "sandbox image missing in LXD: run npm run sandbox-image:lxd");
    this.log.info({ engine: `LXD ${info.environment?.server_version}`, clustered: info.environment?.server_clustered ?? false, drivers }, "LXD engine reachable");
  }

  private imagePresent(): Promise<boolean> {
    return this.client.request("GET", `/1.0/images/aliases/${encodeURIComponent(this.image)}`).then(
      () => true,
      (err) => {
        if (isNotFound(err)) return false;
        throw err;
      },
    );
  }

  private async resources(): Promise<Resources | null> {
    return this.client.request<Resources>("GET", "/1.0/resources").then(
      (r) => r.metadata,
      () => null,
    );
  }

  async capacityHint(): Promise<{ memoryBytes: number } | null> {
    const total = (await this.resources())?.memory?.total;
    return total ? { memoryBytes: total } : null;
  }

  /** The member's memory left (LXD's own figure: total minus used). */
  async memoryAvailable(): Promise<number | null> {
    const memory = (await this.resources())?.memory;
    return memory?.total && memory.used !== undefined ? memory.total - memory.used : null;
  }

  async dispose(): Promise<void> {
    await this.releaseIsolation().catch((err: Error) => this.log.error({ err: err.message }, "could not remove the LXD sandbox firewall rules"));
    this.client.close();
  }

  /** The firewall plan for the bridge, from LXD's own description of it. */
  async firewallPlan(): Promise<LxdFirewallPlan> {
    const { gateway, subnet } = await this.bridge();
    const sb = this.opts.sandbox;
    return {
      tag: instanceTag(this.opts.instanceId),
      instance: this.opts.instanceId,
      bridge: this.opts.lxd.network,
      subnet,
      gateway,
      egress: sb.egress,
      allow: sb.egressAllow,
      hostPorts: this.opts.mirror ? [this.opts.mirror.opts.port] : [],
      hostNetworks: hostNetworks().filter((n) => n !== subnet),
      dockerUser: await hasDockerUserChain(),
    };
  }

  /**
   * Host firewall rules on the bridge, once per server start (sandboxes wait for them). Only
   * for the LXD on this machine: a remote host's or cluster member's rules are set up there
   * (scripts/ensure-lxd.sh and SECURITY.md).
   */
  private isolationReady(): Promise<void> {
    if (this.opts.sandbox.isolation === "off" || this.opts.lxd.url) return Promise.resolve();
    this.isolation ??= this.firewallPlan()
      .then((plan) => installLxdFirewall(plan, this.log))
      .catch((err: Error) => {
        this.isolation = null;
        throw new PlaygroundFailure(
          "isolation_unavailable",
          "The playground cannot isolate sandboxes on this server, so it will not start one.",
          "Tell the person who runs this playground.",
          `${err.message}. Run the server as root on the LXD host, or set SANDBOX_ISOLATION=off for a trusted class.`,
        );
      });
    return this.isolation;
  }

  /** Removes this installation's bridge rules when none of its sandboxes is left. */
  async releaseIsolation(): Promise<boolean> {
    if (this.opts.sandbox.isolation === "off" || this.opts.lxd.url || !this.isolation) return false;
    if ((await this.instances()).length > 0) return false;
    await removeLxdFirewall(await this.firewallPlan());
    this.isolation = null;
    return true;
  }

  async create(spec: SandboxSpec, progress: ProgressFn = () => undefined): Promise<Sandbox> {
    const name = instanceName(spec);
    const log = this.log.child({ sessionId: spec.sessionId, sandbox: name });
    try {
      await this.server();
    } catch (err) {
      throw lxdUnavailable((err as Error).message);
    }
    if (!(await this.imagePresent())) {
      throw new PlaygroundFailure(
        "image_missing",
        "The sandbox image is not installed on this server yet.",
        "Ask the person who runs this playground to build it, then press Retry.",
        `LXD image alias ${this.image} not found; build it with \`npm run sandbox-image:lxd\``,
      );
    }
    await this.isolationReady();
    progress("creating", "Creating your sandbox…");
    try {
      return await this.createInstance(spec, name, progress, log);
    } catch (err) {
      // Seen now and then on LXD 5.0.2 (btrfs pool, isolated uid range): shifting the new
      // rootfs's owners fails ("Failed to handle idmapped storage: Failed to change ownership
      // of …") and the same request then works. Cause unknown; tried once more, and logged.
      if (!(err instanceof PlaygroundFailure) || !/idmapped storage|change ownership/i.test(err.detail ?? "")) throw err;
      log.warn({ err: err.detail }, "LXD could not shift the new sandbox's files to its uid range; trying once more");
      return this.createInstance(spec, name, progress, log);
    }
  }

  /** One attempt at making and starting the instance; removes what it made when it fails. */
  private async createInstance(spec: SandboxSpec, name: string, progress: ProgressFn, log: Logger): Promise<Sandbox> {
    let idmapBase: number | undefined;
    try {
      idmapBase = this.profile === "hardened" ? await this.freeIdmapBase() : undefined;
      const body = instanceBody(spec, {
        instanceId: this.opts.instanceId,
        image: this.image,
        alias: this.image,
        profile: this.profile,
        sandbox: this.opts.sandbox,
        lxd: this.opts.lxd,
        env: await this.sandboxEnv(),
        idmapBase,
      });
      await this.client.run("POST", "/1.0/instances", body, 300);
      progress("starting", "Starting your sandbox and its own Docker engine…");
      await this.client.run("PUT", `/1.0/instances/${encodeURIComponent(name)}/state`, { action: "start", timeout: 30 }, 120);
      await this.waitReady(name, this.opts.sandbox.readyTimeoutMs);
      const { metadata } = await this.client.request<LxdInstance>("GET", `/1.0/instances/${encodeURIComponent(name)}`);
      log.info({ location: metadata.location, profile: this.profile }, "sandbox ready");
      return { id: name, name: spec.name, state: memberOf(metadata) };
    } catch (err) {
      const failure =
        err instanceof PlaygroundFailure
          ? err
          : new PlaygroundFailure(
              /memory/i.test((err as Error).message) ? "out_of_memory" : "sandbox_start_failed",
              "Your sandbox could not be started.",
              "Press Retry. If it fails again, tell your instructor or operator (the detail below helps them).",
              (err as Error).message,
            );
      log.error({ err: failure.detail, code: failure.code }, "sandbox creation failed; cleaning up");
      await this.removeInstance(name).catch((e: Error) => log.error({ err: e.message }, "cleanup after failed create failed"));
      throw failure;
    } finally {
      if (idmapBase !== undefined) this.reservedBases.delete(idmapBase);
    }
  }

  /**
   * A uid range of its own for a hardened sandbox: a random free 65,536-uid slot of
   * LXD_IDMAP_RANGE (root's subordinate range), none that an instance of this LXD or a
   * sandbox this process is making holds. LXD 5.0's own choice of isolated ranges was seen
   * falling outside root's range (then the container cannot start), so the driver chooses.
   * Two app servers picking the same free slot in the same second is unlikely (1 in
   * thousands) and fails that start, which the learner retries.
   */
  private async freeIdmapBase(): Promise<number> {
    const { start, size } = this.opts.lxd.idmapRange;
    const { metadata } = await this.client.request<LxdInstance[]>("GET", "/1.0/instances?recursion=1&all-projects=true");
    const used = new Set<number>(this.reservedBases);
    for (const i of metadata) {
      for (const key of ["volatile.idmap.base", "security.idmap.base"]) {
        const v = Number(i.config?.[key]);
        if (v > 0) used.add(v);
      }
    }
    // Slot 0 starts where LXD's shared (trusted) map starts.
    const slots = Math.floor(size / IDMAP_SLOT) - 1;
    if (used.size >= slots) throw new Error(`no free uid range left in ${start}:${size} for another isolated sandbox`);
    for (;;) {
      const base = start + IDMAP_SLOT * (1 + Math.floor(Math.random() * slots));
      if (!used.has(base)) {
        this.reservedBases.add(base);
        return base;
      }
    }
  }

  /** The settings learner-init reads (the Docker engine passes the same through its container's environment). */
  private async sandboxEnv(): Promise<string[]> {
    const sb = this.opts.sandbox;
    const mirror = await this.mirrorAddress();
    return [
      `SANDBOX_PROFILE=${sb.profile}`,
      `CP_RUN_MB=${sb.runMb}`,
      `CP_TMP_MB=${sb.tmpMb}`,
      `CP_DOCKER_START=${sb.dockerStart}`,
      `CP_READY_TIMEOUT=${Math.round(sb.readyTimeoutMs / 1000)}`,
      ...(mirror ? [`CP_MIRROR=${mirror}`] : []),
    ];
  }

  /**
   * The mirror as sandboxes reach it (the bridge's address and its port), started once; a
   * mirror that fails is logged and sandboxes start without it, as on the Docker engine.
   */
  private async mirrorAddress(): Promise<string | null> {
    const mirror = this.opts.mirror;
    if (!mirror || this.opts.lxd.url) return null;
    try {
      await mirror.ensure();
      return `${(await this.bridge()).gateway}:${mirror.opts.port}`;
    } catch (err) {
      this.log.error({ err: (err as Error).message }, "registry mirror unavailable: LXD sandboxes start without it (docker pull of Docker Hub images fails offline)");
      return null;
    }
  }

  /** The bridge's address on the host and its network, from LXD's description of it. */
  private async bridge(): Promise<{ gateway: string; subnet: string }> {
    const { metadata } = await this.client.request<{ config: Record<string, string> }>("GET", `/1.0/networks/${encodeURIComponent(this.opts.lxd.network)}`);
    const cidr = metadata.config["ipv4.address"];
    if (!cidr || !cidr.includes("/")) throw new Error(`LXD network ${this.opts.lxd.network} has no IPv4 address range (ipv4.address)`);
    return { gateway: cidr.split("/")[0], subnet: networkOf(cidr) };
  }

  /** Until the init says "ready" (or "failed: …") on the instance's console log. */
  private async waitReady(name: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let log = "";
    while (Date.now() < deadline) {
      log = await this.client.text("GET", `/1.0/instances/${encodeURIComponent(name)}/console`).catch(() => log);
      if (log.includes(READY_LINE)) return;
      const failed = log.indexOf(FAILED_PREFIX);
      if (failed >= 0) throw new Error(log.slice(failed).split("\n")[0]);
      if (!(await this.isRunning({ id: name, name }))) throw new Error(`sandbox stopped during start; last output: ${log.slice(-300)}`);
      await new Promise((r) => setTimeout(r, READY_POLL_MS));
    }
    throw new Error(`sandbox did not become ready within ${timeoutMs / 1000} s; last output: ${log.slice(-300)}`);
  }

  openTty(sandbox: Sandbox, opts: ExecOptions, size: { cols: number; rows: number }): Promise<TtyProcess> {
    return exec.openTty(this.client, sandbox.id, opts, size);
  }

  run(sandbox: Sandbox, opts: ExecOptions & { timeoutMs?: number }): Promise<RunResult> {
    return exec.run(this.client, sandbox.id, opts);
  }

  async isRunning(sandbox: Sandbox): Promise<boolean> {
    if (await this.onLostMember(sandbox)) return false;
    try {
      const { metadata } = await this.client.request<{ status: string }>("GET", `/1.0/instances/${encodeURIComponent(sandbox.id)}/state`);
      return metadata.status === "Running";
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  async remove(sandbox: Sandbox): Promise<void> {
    if (await this.onLostMember(sandbox)) {
      // Nothing can reach it now. When the member is back, the instance is listed again (stopped,
      // with no session) and the reconciler removes it; a member that never comes back is
      // removed from the cluster by its operator (`lxc cluster remove --force`), instances and all.
      this.log.warn({ sandbox: sandbox.name, member: sandbox.state }, "sandbox's cluster member is offline: it is removed when the member returns");
      return;
    }
    await this.removeInstance(sandbox.id);
  }

  /**
   * Whether the cluster member holding a sandbox is offline (LXD stopped hearing from it). Its
   * sandbox then can be neither entered nor removed, and every request for it waits 10 s for
   * LXD's "Missing event connection with target cluster member": asked first, from the
   * cluster's database, which answers at once.
   */
  private async onLostMember(sandbox: Sandbox): Promise<boolean> {
    if (!sandbox.state) return false; // not a cluster
    try {
      const { metadata } = await this.client.request<{ status: string }>("GET", `/1.0/cluster/members/${encodeURIComponent(sandbox.state)}`);
      return metadata.status === "Offline";
    } catch {
      return false; // not a member (any more), or the cluster does not answer: the request itself will say
    }
  }

  /** Stops (forced) and deletes an instance; a missing one is fine. */
  private async removeInstance(name: string): Promise<void> {
    const path = `/1.0/instances/${encodeURIComponent(name)}`;
    this.removing.add(name);
    try {
      await this.client.run("PUT", `${path}/state`, { action: "stop", force: true, timeout: 30 }, 60).catch((err: Error) => {
        if (isNotFound(err) || /already stopped|not running/i.test(err.message)) return;
        throw err;
      });
      await this.client.run("DELETE", path, undefined, 120).catch((err) => {
        if (!isNotFound(err)) throw err;
      });
    } finally {
      this.removing.delete(name);
    }
  }

  /** Through LXD's file API: LXD writes inside the container, so symlinks resolve there. */
  async writeFiles(sandbox: Sandbox, files: SandboxFile[]): Promise<void> {
    checkSandboxFiles(files);
    const made = new Set<string>();
    for (const file of files) {
      // Each missing folder, outermost first (LXD makes one level at a time and leaves an existing one as it is).
      for (const folder of foldersOf(file.path)) {
        if (made.has(folder)) continue;
        await this.client.pushFile(sandbox.id, folder, { type: "directory", mode: 0o755 });
        made.add(folder);
      }
      // LXD keeps an existing file's mode when it writes over it: a new file gets the one asked for.
      await this.client.deleteFile(sandbox.id, file.path);
      await this.client.pushFile(sandbox.id, file.path, { type: "file", content: file.content, mode: file.mode });
    }
  }

  async address(sandbox: Sandbox): Promise<string> {
    type State = { network?: Record<string, { addresses: { family: string; address: string; scope: string }[] }> };
    const { metadata } = await this.client.request<State>("GET", `/1.0/instances/${encodeURIComponent(sandbox.id)}/state`);
    const inet = metadata.network?.eth0?.addresses.find((a) => a.family === "inet" && a.scope === "global");
    if (!inet) throw new Error(`sandbox ${sandbox.name} has no IPv4 address yet`);
    return inet.address;
  }

  /** Whether an instance is one of this installation's sandboxes (by its labels). */
  private isMine(instance: LxdInstance): boolean {
    const labels = labelsOf(instance);
    return labels[LABELS.managed] === "true" && labels[LABELS.instance] === this.opts.instanceId;
  }

  private async instances(): Promise<LxdInstance[]> {
    const { metadata } = await this.client.request<LxdInstance[]>("GET", "/1.0/instances?recursion=1");
    return metadata.filter((i) => this.isMine(i));
  }

  async list(): Promise<SandboxListing[]> {
    return (await this.instances()).map(listingOfInstance);
  }

  fit(sandbox: SandboxListing): SandboxFit {
    return fitOf(sandbox, { profile: this.profile, image: this.image });
  }

  watch(onEvent: (event: SandboxEvent) => void, onReconnect: () => void, onConnected?: () => void): () => void {
    const read = async (name: string) => (await this.client.request<LxdInstance>("GET", `/1.0/instances/${encodeURIComponent(name)}`)).metadata;
    const isOurs = async (name: string) => this.isMine(await read(name));
    const isDeath = async (name: string) => !this.removing.has(name) && isOurs(name);
    // Out-of-memory kills: read from the cgroups of an LXD on this machine; a remote LXD's
    // members record them on the instance (npm run lxd:member-oom), announced as updates.
    const remote = Boolean(this.opts.lxd.url);
    const onUpdated = remote
      ? watchReportedOom({ read, isOurs: (i) => this.isMine(i), baseline: () => this.instances(), onEvent, log: this.log })
      : undefined;
    const stopLifecycle = watchLifecycle(this.client, { isDeath, onUpdated, log: this.log, onEvent, onReconnect, onConnected });
    const stopOom = remote ? () => undefined : watchOom({ isOurs, instanceOf: cgroupInstanceOf(this.opts.lxd.project), onEvent, log: this.log });
    return () => {
      stopLifecycle();
      stopOom();
    };
  }

  async health(): Promise<{ engine: HealthPart; image: HealthPart }> {
    let info: ServerInfo;
    try {
      info = await this.server();
    } catch (err) {
      return {
        engine: { ok: false, detail: `LXD unreachable at ${this.client.where}: ${(err as Error).message}` },
        image: { ok: false, detail: "unknown: LXD unreachable" },
      };
    }
    const env = info.environment ?? {};
    const engine: HealthPart = { ok: info.auth === "trusted", detail: `LXD ${env.server_version}${env.server_clustered ? " (cluster)" : ""}, ${this.opts.lxd.type}s` };
    const present = await this.imagePresent().catch(() => false);
    return { engine, image: present ? { ok: true, detail: this.image } : { ok: false, detail: `missing ${this.image}; run npm run sandbox-image:lxd` } };
  }
}

