// What a sandbox container may do on this host, per profile, and whether --privileged works
// here at all (tried once with a throwaway container, then remembered).
import type Docker from "dockerode";
import type { Logger } from "../../log";
import { LABELS } from "./labels";

type PathsConfig = Docker.HostConfig & { MaskedPaths: string[]; ReadonlyPaths: string[] };

/**
 * The hardened profile: Docker's default capabilities and seccomp profile plus what
 * sandbox-init needs to build the learner's user namespace (mounts, the veth link, nsenter).
 * Learners never hold these: they live in a user namespace whose root is uid 100000 here.
 * Unmasked /proc lets them mount a fresh procfs in their own pid namespaces. Seccomp is off
 * because Docker's default profile blocks keyctl, which runc needs for every inner container
 * (the user namespace, not seccomp, is the boundary; see SECURITY.md).
 */
export function hardenedHostConfig(): PathsConfig {
  return {
    CapAdd: ["SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE"],
    SecurityOpt: ["apparmor=unconfined", "seccomp=unconfined"],
    MaskedPaths: [],
    ReadonlyPaths: [],
  };
}

/** Docker-in-Docker without --privileged: works where CAP_SYS_RESOURCE is not in the bounding set. */
export function explicitDindHostConfig(): PathsConfig {
  return {
    CapAdd: ["ALL"],
    CapDrop: ["SYS_RESOURCE"],
    SecurityOpt: ["seccomp=unconfined", "apparmor=unconfined"],
    // The API form of the CLI's `--security-opt systempaths=unconfined`.
    MaskedPaths: [],
    ReadonlyPaths: [],
  };
}

/** Whether trusted sandboxes use --privileged on this host. */
export class PrivilegedProbe {
  private decision: Promise<boolean> | null = null;

  constructor(
    private readonly docker: Docker,
    private readonly setting: "auto" | "always" | "never",
    private readonly image: () => string,
    private readonly log: Logger,
  ) {}

  usePrivileged(): Promise<boolean> {
    if (this.setting !== "auto") return Promise.resolve(this.setting === "always");
    this.decision ??= this.probe().catch((err) => {
      this.decision = null; // retry on the next sandbox
      throw err;
    });
    return this.decision;
  }

  private async probe(): Promise<boolean> {
    const probe = await this.docker.createContainer({
      Image: this.image(),
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
}
