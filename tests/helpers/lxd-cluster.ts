// A two-member LXD cluster on this one machine, for the LXD engine's cluster test: each member
// is a privileged, nesting LXD container of the sandbox image running Debian's LXD (installed
// from the apt mirror), on a bridge of the test's own; the first member bootstraps the cluster
// and the second joins it with a token, as operators do (`lxd init --preseed`). The sandbox
// image is imported into the cluster once, and the server talks to the cluster's HTTPS API
// with a client certificate the cluster trusts. Nested members are the accepted way
// to exercise a cluster where only one machine exists.
import { execFile } from "node:child_process";
import { lookup } from "node:dns/promises";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { formatIp, freeSubnet, parseCidr } from "../../server/sandbox/subnets";
import { TEST_RUN_PREFIX } from "./env";

const run = promisify(execFile);

/**
 * Runs `lxc` on the host: its output, or an error with its stderr. Its stdin is a file or
 * nothing: `lxc init` and `lxc exec` read a stdin that is not a terminal until it ends.
 */
function lxc(args: string[], stdinFile?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile("lxc", args, { encoding: "utf8", maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
      err ? reject(new Error(`lxc ${args.join(" ")}: ${stderr.trim() || err.message}`)) : resolve(stdout.trim()),
    );
    if (stdinFile) fs.createReadStream(stdinFile).pipe(child.stdin!);
    else child.stdin!.end();
  });
}

/** Runs a command in a member (through the host's LXD). */
function inMember(member: string, cmd: string[], stdinFile?: string): Promise<string> {
  return lxc(["exec", member, "--", ...cmd], stdinFile);
}

export interface TestCluster {
  /** The cluster's HTTPS address (the first member's). */
  url: string;
  clientCert: string;
  clientKey: string;
  /** The cluster's certificate (every member presents it). */
  serverCert: string;
  members: string[];
  /** Each member's address on the test's bridge (the cluster's addresses). */
  addresses: Record<string, string>;
  /** The apt mirror the members use (reached through the host, as the internet would be). */
  mirror: { host: string; address: string };
  /** Runs `lxc …` on the first member (the cluster's own client). */
  lxc(...args: string[]): Promise<string>;
  /** Runs `npm run lxd:member-firewall -- install|remove` on a member, as its operator would. */
  memberFirewall(member: string, command: "install" | "remove"): Promise<string>;
  /** Stops a member at once, as a machine that loses power (its LXD and its sandboxes with it). */
  stopMember(member: string): Promise<void>;
  /** Starts a stopped member again: its network, then its LXD, which rejoins the cluster. */
  startMember(member: string): Promise<void>;
  /** What the cluster says of a member: Online, Offline, ... */
  memberStatus(member: string): Promise<string>;
  /** Starts `npm run lxd:member-oom` on a member, in the background; resolves once it watches, with a stop. */
  memberOom(member: string): Promise<{ stop(): Promise<string> }>;
  destroy(): Promise<void>;
}

const MEMBER_SCRIPT = path.join(__dirname, "lxd-member.sh");
/** Where this checkout is mounted in members. */
const REPO = "/opt/container-playground";
/** Where the member script lives inside members. */
const SCRIPT = "/usr/local/lib/cp-test/lxd-member.sh";

/** Host routes' ranges, so that the test's bridge clashes with none. */
async function hostRanges(): Promise<string[]> {
  const { stdout } = await run("ip", ["-4", "route", "show", "table", "all"], { encoding: "utf8" });
  return stdout
    .split("\n")
    .map((line) => line.split(" "))
    // "local 10.0.0.5 dev …" and "broadcast …" name the address second.
    .map(([first, second]) => (first === "local" || first === "broadcast" ? second : first))
    .filter((r) => r && /^\d/.test(r))
    .map((r) => (r.includes("/") ? r : `${r}/32`));
}

/** The test cluster's bridge on the host (interface names have 15 characters at most). */
export function clusterBridgeName(): string {
  return `cpcl${TEST_RUN_PREFIX.replace(/^cp-test-|-$/g, "").slice(0, 6)}`;
}

/**
 * Makes the cluster from the sandbox image `image` (an alias in the host's LXD). About a
 * minute: one member's packages from the mirror, copied to the second, the cluster formed,
 * the image imported.
 */
export async function startTestCluster(image: string, storagePool: string, network: string): Promise<TestCluster> {
  const bridge = clusterBridgeName();
  const members = [`${TEST_RUN_PREFIX}member1`, `${TEST_RUN_PREFIX}member2`];
  const template = `${TEST_RUN_PREFIX}member0`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${TEST_RUN_PREFIX}cluster-`));
  const hookComment = `${TEST_RUN_PREFIX}cluster`;
  const subnet = freeSubnet(parseCidr("10.220.0.0/16"), 24, (await hostRanges()).map((r) => parseCidr(r, 32)));
  if (!subnet) throw new Error("no free /24 in 10.220.0.0/16 for the cluster test's bridge");
  const gateway = formatIp(subnet.base + 1);
  const addressOf = (i: number) => formatIp(subnet.base + 11 + i);
  const cleanups: (() => Promise<unknown>)[] = [];
  // What the set-up was doing, for the error when it fails (and TEST_LOG_LEVEL=debug).
  let doing = "starting";
  const step = (what: string) => {
    doing = what;
    if (process.env.TEST_LOG_LEVEL === "debug") console.error(`cluster set-up: ${what}`);
  };

  const destroy = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    step(`bridge ${bridge} on ${gateway}/${subnet.prefix}`);
    await lxc(["network", "create", bridge, `ipv4.address=${gateway}/${subnet.prefix}`, "ipv4.nat=true", "ipv6.address=none"]);
    cleanups.push(() => lxc(["network", "delete", bridge]));
    // With Docker on this host, its FORWARD policy drops bridged traffic (members to each
    // other and to the mirror) unless the bridge is let through, as for the sandboxes' bridge.
    const docker = await run("iptables", ["-n", "-L", "DOCKER-USER"]).then(
      () => true,
      () => false,
    );
    if (docker) {
      for (const dirFlag of ["-i", "-o"]) {
        const rule = [dirFlag, bridge, "-m", "comment", "--comment", hookComment, "-j", "ACCEPT"];
        await run("iptables", ["-I", "DOCKER-USER", ...rule]);
        cleanups.push(() => run("iptables", ["-D", "DOCKER-USER", ...rule]));
      }
    }

    step("the members' template");
    const memberConfig = ["-c", "security.privileged=true", "-c", "security.nesting=true", "-c", "raw.lxc=lxc.init.cmd = /bin/sleep infinity"];
    await lxc(["init", image, template, "-s", storagePool, "-n", bridge, ...memberConfig]);
    cleanups.push(() => lxc(["delete", "--force", template]));
    // This checkout and its Node, read-only, for scripts/lxd-member-firewall.ts on members.
    await lxc(["config", "device", "add", template, "repo", "disk", `source=${process.cwd()}`, `path=${REPO}`, "readonly=true"]);
    await lxc(["config", "device", "add", template, "node", "disk", `source=${process.execPath}`, "path=/usr/local/bin/node", "readonly=true"]);
    await lxc(["start", template]);
    await inMember(template, ["mkdir", "-p", "/usr/local/lib/cp-test"]);
    await lxc(["file", "push", MEMBER_SCRIPT, `${template}${SCRIPT}`, "--mode=0755"]);
    await inMember(template, [SCRIPT, "network", `${addressOf(0)}/${subnet.prefix}`, gateway]);
    step("installing LXD in the template from the apt mirror");
    const mirrorHost = new URL((await inMember(template, ["sh", "-c", "grep -hoE 'https?://[^ ]+' /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null | head -n1"])) || "http://deb.debian.org").hostname;
    const mirrorAddress = (await lookup(mirrorHost, { family: 4 })).address;
    await inMember(template, [SCRIPT, "install", mirrorHost, mirrorAddress]);
    await lxc(["stop", "--force", template]);

    /** Starts a member's container, its network and its LXD (made, or rejoining the cluster). */
    const bootMember = async (member: string) => {
      await lxc(["start", member]);
      await inMember(member, [SCRIPT, "network", `${addressOf(members.indexOf(member))}/${subnet.prefix}`, gateway]);
      await inMember(member, [SCRIPT, "start"]);
    };
    for (const member of members) {
      step(`starting ${member}`);
      await lxc(["copy", template, member]);
      cleanups.push(() => lxc(["delete", "--force", member]));
      await bootMember(member);
    }
    step("bootstrapping the cluster");
    await inMember(members[0], ["lxd", "init", "--preseed"], await writeFile(dir, "bootstrap.yaml", bootstrapPreseed(members[0], addressOf(0), storagePool, network)));
    for (const [i, member] of members.entries()) {
      if (i === 0) continue;
      step(`${member} joins`);
      const token = await inMember(members[0], ["lxc", "cluster", "add", member, "--quiet"]);
      await inMember(member, ["lxd", "init", "--preseed"], await writeFile(dir, `join-${i}.yaml`, joinPreseed(member, addressOf(i), addressOf(0), token, storagePool)));
    }

    // The sandbox image, from the host's LXD into the cluster (which hands it to members).
    step("importing the sandbox image");
    await lxc(["image", "export", image, path.join(dir, "image")]);
    await lxc(["config", "device", "add", members[0], "image", "disk", `source=${dir}`, "path=/mnt/cp-image", "readonly=true"]);
    await inMember(members[0], ["lxc", "image", "import", "/mnt/cp-image/image", "/mnt/cp-image/image.root", "--alias", image]);
    await lxc(["config", "device", "remove", members[0], "image"]);
    fs.rmSync(path.join(dir, "image"), { force: true });
    fs.rmSync(path.join(dir, "image.root"), { force: true });

    step("trusting the test's client certificate");
    const clientCert = path.join(dir, "client.crt");
    const clientKey = path.join(dir, "client.key");
    await run("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:secp384r1", "-nodes", "-days", "1", "-subj", `/CN=${TEST_RUN_PREFIX}cluster`, "-keyout", clientKey, "-out", clientCert]);
    await lxc(["file", "push", clientCert, `${members[0]}/tmp/client.crt`]);
    await inMember(members[0], ["lxc", "config", "trust", "add", "/tmp/client.crt"]);
    const serverCert = path.join(dir, "cluster.crt");
    await lxc(["file", "pull", `${members[0]}/var/lib/lxd/cluster.crt`, serverCert]);

    return {
      url: `https://${addressOf(0)}:8443`,
      clientCert,
      clientKey,
      serverCert,
      members,
      addresses: Object.fromEntries(members.map((m, i) => [m, addressOf(i)])),
      mirror: { host: mirrorHost, address: mirrorAddress },
      lxc: (...args) => inMember(members[0], ["lxc", ...args]),
      memberFirewall: (member, command) =>
        inMember(member, ["sh", "-c", `cd ${REPO} && LXD_NETWORK=${network} node --import tsx scripts/lxd-member-firewall.ts ${command}`]),
      stopMember: async (member) => void (await lxc(["stop", "--force", member])),
      startMember: bootMember,
      memberStatus: async (member) =>
        (JSON.parse(await inMember(members[0], ["lxc", "query", `/1.0/cluster/members/${member}`])) as { status: string }).status,
      memberOom: async (member) => {
        const logFile = "/tmp/cp-member-oom.log";
        // setsid -f: the watcher outlives this `lxc exec`; its output goes to a file we read.
        await inMember(member, ["sh", "-c", `cd ${REPO} && setsid -f node --import tsx scripts/lxd-member-oom.ts > ${logFile} 2>&1 < /dev/null`]);
        const started = Date.now();
        for (;;) {
          const log = await inMember(member, ["cat", logFile]);
          if (/^watching /m.test(log)) break;
          if (/lxd-member-oom:/.test(log) || Date.now() - started > 60_000) throw new Error(`lxd:member-oom did not start on ${member}: ${log}`);
          await new Promise((r) => setTimeout(r, 500));
        }
        return {
          stop: async () => {
            await inMember(member, ["pkill", "-f", "scripts/lxd-member-oom.ts"]).catch(() => undefined);
            return inMember(member, ["cat", logFile]);
          },
        };
      },
      destroy,
    };
  } catch (err) {
    await destroy();
    throw new Error(`the test cluster could not be made (${doing}): ${(err as Error).message}`);
  }
}

async function writeFile(dir: string, name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await fs.promises.writeFile(file, text);
  return file;
}

/** The first member: the cluster, its storage pool and its bridge (same names as the host's). */
function bootstrapPreseed(member: string, address: string, pool: string, network: string): string {
  return `config:
  core.https_address: ${address}:8443
  cluster.https_address: ${address}:8443
cluster:
  server_name: ${member}
  enabled: true
storage_pools:
- name: ${pool}
  driver: btrfs
  config:
    source: /srv/${pool}
networks:
- name: ${network}
  type: bridge
  config:
    ipv4.address: 10.50.0.1/24
    ipv4.nat: "true"
    ipv6.address: none
`;
}

/** Another member: joins with a token; its pool lives in its own file system. */
function joinPreseed(member: string, address: string, clusterAddress: string, token: string, pool: string): string {
  return `cluster:
  enabled: true
  server_name: ${member}
  server_address: ${address}:8443
  cluster_address: ${clusterAddress}:8443
  cluster_token: ${token}
  member_config:
  - entity: storage-pool
    name: ${pool}
    key: source
    value: /srv/${pool}
`;
}
