// npm run lxd:member-oom
// Out-of-memory kills of the sandboxes on an LXD host that no app server runs on (each member
// of an LXD cluster, or a remote LXD host, LXD_URL). The app server reads the cgroups of the
// LXD on its own machine; a member's are out of its reach, so this watches them there, the same
// way (server/sandbox/lxd/oom.ts), and adds each kill of a playground sandbox to the instance's
// configuration. LXD announces that change to the app servers, which tell the learner. Run it
// as root on the member for as long as LXD runs (under its init system, like LXD itself).
// Settings come from the environment, as the server's do (LXD_SOCKET, LXD_PROJECT).
import { loadConfig } from "../server/config";
import { createLogger } from "../server/log";
import { LABELS } from "../server/sandbox/docker/labels";
import { LxdClient } from "../server/sandbox/lxd/client";
import { labelsOf, type LxdInstance } from "../server/sandbox/lxd/instance";
import { cgroupInstanceOf, memoryCgroupRoot, recordOomKill, watchOom } from "../server/sandbox/lxd/oom";

function main(): void {
  const config = loadConfig({ ...process.env, SANDBOX_ENGINE: "lxd", LXD_URL: "" });
  const log = createLogger(process.env.LOG_LEVEL ?? "info");
  const root = memoryCgroupRoot();
  if (!root) throw new Error("no memory cgroup hierarchy on this machine (/sys/fs/cgroup/memory or /sys/fs/cgroup)");
  const client = new LxdClient({ socketPath: config.lxd.socketPath, project: config.lxd.project });
  // Any installation's sandbox: the app servers tell theirs apart by their own labels.
  const isOurs = async (name: string) =>
    labelsOf((await client.request<LxdInstance>("GET", `/1.0/instances/${encodeURIComponent(name)}`)).metadata)[LABELS.managed] === "true";
  const stop = watchOom({
    isOurs,
    instanceOf: cgroupInstanceOf(config.lxd.project),
    log,
    onEvent: (event) =>
      void recordOomKill(client, event.sandboxId).then(
        (count) => log.info({ sandbox: event.sandboxId, count }, "out-of-memory kill recorded"),
        (err: Error) => log.error({ sandbox: event.sandboxId, err: err.message }, "could not record an out-of-memory kill"),
      ),
  });
  // The poll's timer does not hold the process; this does, until a signal.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      stop();
      clearInterval(keepAlive);
      client.close();
    });
  }
  console.log(`watching ${root} for out-of-memory kills of playground sandboxes (LXD at ${client.where})`);
}

try {
  main();
} catch (err) {
  console.error(`lxd-member-oom: ${(err as Error).message}`);
  process.exit(1);
}
