// One place that turns configuration into the engine that runs sandboxes (as JupyterHub picks
// its spawner class): the server, the lesson tools and the tests all get their driver here.
import Docker from "dockerode";
import type { Config } from "../config";
import type { Logger } from "../log";
import type { SandboxDriver } from "./driver";
import { DockerDriver } from "./docker/driver";
import { expectedImageRef, expectedMirrorTag, SandboxImage } from "./docker/image";
import { RegistryMirror } from "./docker/mirror";
import { FakeDriver } from "./fake/driver";
import { imageAlias, LxdDriver } from "./lxd/driver";

export interface DriverContext {
  /** This installation (INSTANCE_ID or the one kept in the database): labels its sandboxes. */
  instanceId: string;
  log: Logger;
}

export async function createDriver(config: Config, ctx: DriverContext): Promise<SandboxDriver> {
  switch (config.sandbox.engine) {
    case "docker":
      return createDockerDriver(config, ctx);
    case "lxd":
      return createLxdDriver(config, ctx);
    case "fake":
      return new FakeDriver({ instanceId: ctx.instanceId, profile: config.sandbox.profile, image: config.sandbox.image ?? "fake/sandbox:latest" });
  }
}

export async function createDockerDriver(config: Config, ctx: DriverContext): Promise<DockerDriver> {
  // With no options, docker-modem reads DOCKER_HOST / DOCKER_TLS_VERIFY / DOCKER_CERT_PATH.
  const docker = new Docker();
  const image = new SandboxImage(docker, config.sandbox.image ?? (await expectedImageRef()), ctx.log);
  const mirrorTag = config.sandbox.mirror ? await expectedMirrorTag() : undefined;
  return new DockerDriver(docker, { sandbox: config.sandbox, docker: config.docker, image, instanceId: ctx.instanceId, mirrorTag }, ctx.log);
}

/** SANDBOX_IMAGE names an LXD image alias here; by default, the one build-lxd.sh imports for this checkout. */
export async function createLxdDriver(config: Config, ctx: DriverContext): Promise<LxdDriver> {
  const image = config.sandbox.image ?? imageAlias(await expectedImageRef());
  // The mirror runs on this machine's Docker engine, for sandboxes of the LXD on this machine.
  const mirror = config.sandbox.mirror && !config.lxd.url ? new RegistryMirror(new Docker(), { ...config.sandbox.mirror, tag: await expectedMirrorTag() }, ctx.log) : null;
  return new LxdDriver({ sandbox: config.sandbox, lxd: config.lxd, image, instanceId: ctx.instanceId, mirror }, ctx.log);
}
