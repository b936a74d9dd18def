// Which scenario machines we can provide. A Killercoda/Katacoda scenario names the machine it
// needs in backend.imageid; our sandbox is one Ubuntu machine with its own Docker engine, so
// plain Linux images map to it and anything else (a Kubernetes cluster, several hosts, a
// language runtime image) is refused with the reason, before any of the scenario loads.

export type BackendVerdict = { ok: true; note?: string } | { ok: false; reason: string };

/** Plain single-machine Linux (with Docker): Killercoda's ubuntu, ubuntu-4GB; Katacoda's docker, bash, ubuntu:2004. */
const PLAIN_LINUX = /^(ubuntu|debian|linux|bash|docker)([-_:.][a-z0-9.]+)*$/i;
const REFUSED: [RegExp, string][] = [
  [/kube|k8s|k3s|openshift|minikube|kind|microk8s/i, "it needs a Kubernetes cluster, which this playground does not provide (one Linux machine with Docker per learner)"],
  [/\dnodes|host0?[2-9]|cluster|swarm/i, "it needs several machines; this playground gives each learner one"],
  [/^(node|nodejs|go|golang|java|python|dotnet|c#|ruby|php|rust)\d*([-_:.].*)?$/i, "it is a language runtime machine, which this playground does not provide (an Ubuntu machine with Docker)"],
];

export function judgeBackend(imageid: unknown): BackendVerdict {
  if (imageid === undefined) return { ok: true, note: "no backend.imageid: the scenario runs in the playground's Ubuntu sandbox" };
  if (typeof imageid !== "string" || !imageid.trim()) return { ok: false, reason: "backend.imageid must be a machine name such as \"ubuntu\"" };
  const id = imageid.trim();
  for (const [re, reason] of REFUSED) if (re.test(id)) return { ok: false, reason: `backend.imageid "${id}": ${reason}` };
  if (PLAIN_LINUX.test(id)) return { ok: true };
  return { ok: false, reason: `backend.imageid "${id}" is not a plain Linux machine this playground can provide (supported: ubuntu, ubuntu-*, debian, docker, bash)` };
}
