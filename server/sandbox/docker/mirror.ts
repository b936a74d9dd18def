// The registry mirror on the engine's host: every sandbox's dockerd uses it as its Docker Hub
// mirror, so a learner's plain `docker pull nginx` works offline and fast. Offline it serves
// the stand-in images of mirror-images/ (real Debian nginx, python, debian, registry) plus
// busybox and hello-world, and is read-only once seeded, so no learner can replace an image
// for everyone. With MIRROR_UPSTREAM it is a pull-through cache of Docker Hub instead.
import type Docker from "dockerode";
import type { Logger } from "../../log";

export const MIRROR_CONTAINER = "cp-registry-mirror";
const MIRROR_LABEL = "io.containerplayground.mirror";
const VOLUME = "cp-registry-data";

export interface MirrorOptions {
  port: number;
  /** e.g. https://registry-1.docker.io: a pull-through cache instead of stand-ins. */
  upstream?: string;
  /** The mirror-images set to serve (mirror-images/build.sh --version). */
  tag: string;
}

interface StandIn {
  id: string;
  name: string;
  tags: string[];
}

export class RegistryMirror {
  private ready: Promise<void> | null = null;

  constructor(
    private readonly docker: Docker,
    readonly opts: MirrorOptions,
    private readonly log: Logger,
  ) {}

  /** What the running mirror must serve; a different one is replaced. */
  private get wanted(): string {
    return this.opts.upstream ? `proxy:${this.opts.upstream}` : `stand-ins:${this.opts.tag}`;
  }

  private get image(): string {
    return `container-playground/mirror-registry:${this.opts.tag}`;
  }

  /** Starts (and seeds) the mirror once per server; later calls wait for the same work. */
  ensure(): Promise<void> {
    this.ready ??= this.start().catch((err) => {
      this.ready = null;
      throw err;
    });
    return this.ready;
  }

  private async start(): Promise<void> {
    const existing = await this.docker
      .getContainer(MIRROR_CONTAINER)
      .inspect()
      .catch(() => null);
    if (existing?.State.Running && existing.Config.Labels?.[MIRROR_LABEL] === this.wanted && (await this.answers())) return;
    await this.docker.getImage(this.image).inspect().catch(() => {
      throw new Error(`the mirror image ${this.image} is missing: run \`npm run mirror-images\` (npm start and npm test build it)`);
    });
    if (existing) await this.docker.getContainer(MIRROR_CONTAINER).remove({ force: true });
    if (this.opts.upstream) {
      await this.run({ address: `0.0.0.0:${this.opts.port}`, env: [`REGISTRY_PROXY_REMOTEURL=${this.opts.upstream}`], label: this.wanted });
    } else {
      await this.seed();
      await this.run({ address: `0.0.0.0:${this.opts.port}`, env: [], label: this.wanted, readOnly: true });
    }
    if (!(await this.answers(15_000))) throw new Error(`the registry mirror does not answer on port ${this.opts.port}`);
    this.log.info({ port: this.opts.port, serves: this.wanted }, "registry mirror running");
  }

  private async run(o: { address: string; env: string[]; label: string; readOnly?: boolean }): Promise<void> {
    const container = await this.docker.createContainer({
      name: MIRROR_CONTAINER,
      Image: this.image,
      ...(o.readOnly ? { Cmd: ["/usr/bin/docker-registry", "serve", "/etc/docker/registry/config-readonly.yml"] } : {}),
      Labels: { [MIRROR_LABEL]: o.label },
      Env: [`REGISTRY_HTTP_ADDR=${o.address}`, "REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY=/var/lib/registry", "REGISTRY_LOG_LEVEL=warn", ...o.env],
      HostConfig: {
        // The host's network: sandboxes reach it on their gateway address (firewall-allowed).
        NetworkMode: "host",
        Mounts: [{ Type: "volume", Source: VOLUME, Target: "/var/lib/registry" }],
        RestartPolicy: { Name: "unless-stopped" },
      },
    });
    await container.start();
  }

  /** Whether the registry API answers on this host. */
  async answers(waitMs = 0): Promise<boolean> {
    const deadline = Date.now() + waitMs;
    do {
      const ok = await fetch(`http://127.0.0.1:${this.opts.port}/v2/`, { signal: AbortSignal.timeout(2000) }).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return true;
      if (Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    } while (Date.now() < deadline);
    return false;
  }

  /** Pushes every stand-in to a writable registry on loopback, then stops it. */
  private async seed(): Promise<void> {
    const standIns = await this.standIns();
    this.log.info({ images: standIns.map((s) => `${s.name}:${s.tags.join(",")}`) }, "seeding the registry mirror");
    await this.run({ address: `127.0.0.1:${this.opts.port}`, env: [], label: "seeding" });
    try {
      if (!(await this.answers(15_000))) throw new Error(`the registry mirror does not answer on port ${this.opts.port} (is the port taken? set MIRROR_PORT)`);
      for (const s of standIns) {
        for (const tag of s.tags) {
          const repo = `127.0.0.1:${this.opts.port}/library/${s.name}`;
          await this.docker.getImage(s.id).tag({ repo, tag });
          try {
            // The engine wants an X-Registry-Auth header even for a registry without auth.
            const stream = await this.docker.getImage(`${repo}:${tag}`).push({ authconfig: { serveraddress: `127.0.0.1:${this.opts.port}` } });
            await new Promise<void>((resolve, reject) =>
              this.docker.modem.followProgress(stream, (err: Error | null, out: { error?: string }[]) => {
                const failed = err ?? out.find((o) => o.error);
                if (failed) reject(new Error(`push of ${s.name}:${tag} failed: ${(failed as { error?: string }).error ?? (failed as Error).message}`));
                else resolve();
              }),
            );
          } finally {
            await this.docker.getImage(`${repo}:${tag}`).remove({ noprune: true }).catch(() => undefined);
          }
        }
      }
    } finally {
      await this.docker.getContainer(MIRROR_CONTAINER).remove({ force: true });
    }
  }

  /** The stand-ins of this set, plus the sandbox's offline busybox and hello-world. */
  private async standIns(): Promise<StandIn[]> {
    const found: StandIn[] = [];
    const set = await this.docker.listImages({ filters: { label: [`io.containerplayground.stand-in-set=${this.opts.tag}`] } });
    for (const img of set) {
      const name = img.Labels?.["io.containerplayground.stand-in"];
      if (name) found.push({ id: img.Id, name, tags: (img.Labels["io.containerplayground.stand-in-tags"] ?? "latest").split(/\s+/).filter(Boolean) });
    }
    const offline = await this.docker.listImages({ filters: { label: ["io.containerplayground.offline-image"] } });
    for (const name of ["busybox", "hello-world"]) {
      const newest = offline.filter((i) => i.Labels?.["io.containerplayground.offline-image"] === `${name}:latest`).sort((a, b) => b.Created - a.Created)[0];
      if (newest) found.push({ id: newest.Id, name, tags: ["latest"] });
    }
    if (!found.some((f) => f.name === "nginx")) throw new Error(`no stand-in images for set ${this.opts.tag}: run \`npm run mirror-images\``);
    return found;
  }
}
