// What an LXD sandbox is made of: the instance definition the driver sends (limits, its
// isolation, its disk and network, and the sandbox's settings as its init's environment), and
// how one is read back (the playground's labels live in `user.` configuration keys).
import type { Config } from "../../config";
import type { SandboxListing, SandboxSpec } from "../driver";
import { listingOf, sandboxLabels } from "../docker/labels";

/** The user.* prefix LXD keeps free-form keys under. */
const USER = "user.";

export interface LxdInstance {
  name: string;
  status: string;
  type: string;
  location?: string;
  config: Record<string, string>;
}

export interface InstancePlan {
  instanceId: string;
  image: string;
  /** The image's LXD alias (the fingerprint's name in the image store). */
  alias: string;
  profile: "trusted" | "hardened";
  sandbox: Config["sandbox"];
  lxd: Config["lxd"];
  /** The sandbox's settings for its init (learner-init), e.g. CP_DOCKER_START=first-use. */
  env: string[];
  /** Hardened: the first host uid of the sandbox's own range (security.idmap.base). */
  idmapBase?: number;
}

/** The instance's name is the sandbox's name: LXD makes it the hostname, as the learner's prompt wants. */
export function instanceName(spec: { name: string }): string {
  return spec.name;
}

export function instanceBody(spec: SandboxSpec, plan: InstancePlan): Record<string, unknown> {
  const labels = sandboxLabels(spec, { instanceId: plan.instanceId, profile: plan.profile, image: plan.image });
  const sb = plan.sandbox;
  const config: Record<string, string> = {
    // Unprivileged: root inside is an unprivileged uid range on the host. Hardened: a range of
    // its own (no two sandboxes share a uid on the host); trusted: LXD's shared default range.
    "security.privileged": "false",
    "security.idmap.isolated": plan.profile === "hardened" ? "true" : "false",
    ...(plan.idmapBase !== undefined ? { "security.idmap.base": String(plan.idmapBase) } : {}),
    // Docker inside (and unshare, chroot) needs nesting; seccomp stays on.
    "security.nesting": "true",
    // No /dev/lxd socket (it tells an instance about itself and its host): nothing needs it.
    "security.devlxd": "false",
    "limits.memory": `${Math.floor(sb.memoryBytes / 1048576)}MiB`,
    "limits.memory.swap": "false",
    "limits.processes": String(sb.pidsLimit),
    "boot.autostart": "false",
    ...Object.fromEntries(Object.entries(labels).map(([k, v]) => [USER + k, v])),
    ...Object.fromEntries(plan.env.map((pair) => [`environment.${pair.slice(0, pair.indexOf("="))}`, pair.slice(pair.indexOf("=") + 1)])),
  };
  if (sb.nanoCpus > 0) config["limits.cpu.allowance"] = `${Math.max(1, Math.round(sb.nanoCpus / 1e7))}ms/100ms`;
  return {
    name: instanceName(spec),
    type: plan.lxd.type === "vm" ? "virtual-machine" : "container",
    source: { type: "image", alias: plan.alias },
    // No profile: everything the sandbox has is written here (the default profile is the operator's).
    profiles: [],
    config,
    devices: {
      root: { type: "disk", path: "/", pool: plan.lxd.storagePool, ...(sb.diskMb > 0 ? { size: `${sb.diskMb}MiB` } : {}) },
      eth0: {
        type: "nic",
        name: "eth0",
        network: plan.lxd.network,
        // The sandbox cannot pose as another (MAC) or another's address (IPv4/IPv6 from its lease).
        "security.mac_filtering": "true",
        // No frames between sandboxes on the bridge (the host firewall drops them too).
        "security.port_isolation": "true",
      },
    },
  };
}

/** The playground's labels of an instance (its user.* keys without the prefix). */
export function labelsOf(instance: LxdInstance): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(instance.config ?? {})) if (k.startsWith(USER)) labels[k.slice(USER.length)] = v;
  return labels;
}

/** The cluster member that holds an instance (LXD says "none" when it is not a cluster). */
export function memberOf(instance: Pick<LxdInstance, "location">): string | undefined {
  return instance.location && instance.location !== "none" ? instance.location : undefined;
}

export function listingOfInstance(instance: LxdInstance): SandboxListing {
  return { ...listingOf({ Id: instance.name, State: instance.status.toLowerCase(), Labels: labelsOf(instance) }), state: memberOf(instance) };
}
