// The labels on everything the Docker driver creates (containers, volumes, networks): which
// installation made it, for whom, and how. Labels link containers back to sessions after a
// restart, and tell a restarted server whether it may hand a sandbox out (SandboxDriver.fit).
import type { SandboxFit, SandboxListing, SandboxSpec } from "../driver";

export const LABEL_PREFIX = "io.containerplayground";
export const LABELS = {
  managed: `${LABEL_PREFIX}.managed`,
  instance: `${LABEL_PREFIX}.instance`,
  sessionId: `${LABEL_PREFIX}.session-id`,
  owner: `${LABEL_PREFIX}.owner`,
  created: `${LABEL_PREFIX}.created`,
  expires: `${LABEL_PREFIX}.expires`,
  name: `${LABEL_PREFIX}.name`,
  /** "session" (made for a learner) or "pool" (made ahead; its session is found by container id). */
  role: `${LABEL_PREFIX}.role`,
  /** The security profile the sandbox was made with ("trusted" or "hardened"). */
  profile: `${LABEL_PREFIX}.profile`,
  /** The image reference it was made from. */
  image: `${LABEL_PREFIX}.image`,
  /** How execs enter it (sandbox-enter's protocol version); absent on old sandboxes. */
  entry: `${LABEL_PREFIX}.entry`,
  /** The app server that made it (SERVER_ID); several servers can share one engine. */
  server: `${LABEL_PREFIX}.server`,
} as const;

/**
 * How execs enter a sandbox, recorded in its labels. A sandbox made by an image that
 * speaks another way in (or none) is never handed out or entered: it is replaced.
 */
export const ENTRY_PROTOCOL = "2";

/** The label filter that finds this installation's things (and only those). */
export function ownLabels(instanceId: string): string[] {
  return [`${LABELS.managed}=true`, `${LABELS.instance}=${instanceId}`];
}

export function sandboxLabels(spec: SandboxSpec, made: { instanceId: string; profile: string; image: string }): Record<string, string> {
  return {
    [LABELS.managed]: "true",
    [LABELS.instance]: made.instanceId,
    [LABELS.sessionId]: spec.sessionId,
    [LABELS.owner]: spec.ownerId,
    [LABELS.name]: spec.name,
    [LABELS.role]: spec.role ?? "session",
    [LABELS.created]: new Date().toISOString(),
    [LABELS.expires]: spec.expiresAt.toISOString(),
    [LABELS.profile]: made.profile,
    [LABELS.image]: made.image,
    [LABELS.entry]: ENTRY_PROTOCOL,
    ...(spec.serverId ? { [LABELS.server]: spec.serverId } : {}),
  };
}

export function listingOf(c: { Id: string; State: string; Labels: Record<string, string> }): SandboxListing {
  return {
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
    serverId: c.Labels[LABELS.server],
  };
}

export function fitOf(sandbox: SandboxListing, current: { profile: string; image: string }): SandboxFit {
  if (sandbox.entry !== ENTRY_PROTOCOL) return "outdated";
  return sandbox.profile === current.profile && sandbox.image === current.image ? "current" : "usable";
}
