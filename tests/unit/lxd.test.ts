// The LXD engine's pure parts: its settings, the instance it asks LXD for, the commands its
// execs run, the events it reads, and its firewall rules. (The engine itself is tested on a
// real LXD: tests/integration/lxd-*.test.ts.)
import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError, loadConfig } from "../../server/config";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { operationId } from "../../server/sandbox/lxd/client";
import { cgroupInstanceOf, OOM_KILLS_KEY, oomKillsIn, readOomKills, watchReportedOom } from "../../server/sandbox/lxd/oom";
import type { SandboxEvent } from "../../server/sandbox/driver";
import type { LxdInstance } from "../../server/sandbox/lxd/instance";
import { createLogger } from "../../server/log";
import { instanceOfSource } from "../../server/sandbox/lxd/events";
import { commandFor } from "../../server/sandbox/lxd/exec";
import { lxdFirewallRules } from "../../server/sandbox/lxd/firewall";
import { instanceBody, labelsOf, listingOfInstance } from "../../server/sandbox/lxd/instance";
import { imageAlias, LxdDriver } from "../../server/sandbox/lxd/driver";
import type { PlaygroundFailure } from "../../server/sandbox/errors";

const base = { DATA_DIR: "/tmp/cp-unit-lxd", SANDBOX_ENGINE: "lxd" };

test("LXD settings: defaults, a remote member needs a client certificate, trusted is not host takeover on LXD", () => {
  const c = loadConfig(base);
  assert.equal(c.sandbox.engine, "lxd");
  assert.deepEqual(
    { socket: c.lxd.socketPath, pool: c.lxd.storagePool, net: c.lxd.network, type: c.lxd.type, range: c.lxd.idmapRange },
    { socket: "/var/lib/lxd/unix.socket", pool: "cp-pool", net: "cpbr0", type: "container", range: { start: 1_000_000, size: 1_000_000_000 } },
  );
  assert.throws(() => loadConfig({ ...base, LXD_URL: "https://10.0.0.5:8443" }), (err: Error) => err instanceof ConfigError && /LXD_CLIENT_CERT/.test(err.message));
  assert.throws(() => loadConfig({ ...base, SANDBOX_LXD_TYPE: "kvm" }), ConfigError);
  assert.throws(() => loadConfig({ ...base, LXD_IDMAP_RANGE: "lots" }), (err: Error) => /LXD_IDMAP_RANGE/.test(err.message));
  // Root in an LXD sandbox is never root on the host, whatever the profile.
  assert.equal(loadConfig({ ...base, SANDBOX_PROFILE: "trusted", HOST: "0.0.0.0" }).sandbox.profile, "trusted");
  assert.throws(() => loadConfig({ DATA_DIR: "/tmp/cp-unit-lxd", SANDBOX_PROFILE: "trusted", HOST: "0.0.0.0" }), ConfigError);
});

test("an instance is unprivileged with nesting, limited, labelled, and hardened ones get their own uid range", () => {
  const config = loadConfig({ ...base, SANDBOX_MEMORY_MB: "768", SANDBOX_CPUS: "0.5", SANDBOX_PIDS_LIMIT: "900", SANDBOX_DISK_MB: "3072" });
  const spec = { sessionId: "s1", ownerId: "g1", name: "sbx-abc", image: "", expiresAt: new Date("2030-01-01T00:00:00Z"), role: "pool" as const };
  const plan = { instanceId: "inst-1", image: "cp-sandbox-x", alias: "cp-sandbox-x", sandbox: config.sandbox, lxd: config.lxd, env: ["CP_DOCKER_START=first-use", "A=b=c"] };
  const hardened = instanceBody(spec, { ...plan, profile: "hardened", idmapBase: 1_065_536 }) as { name: string; config: Record<string, string>; devices: Record<string, Record<string, string>>; profiles: string[] };
  assert.equal(hardened.name, "sbx-abc", "the instance's name is the sandbox's, the learner's hostname");
  assert.deepEqual(hardened.profiles, []);
  assert.equal(hardened.config["security.privileged"], "false");
  assert.equal(hardened.config["security.nesting"], "true");
  assert.equal(hardened.config["security.devlxd"], "false");
  assert.equal(hardened.config["security.idmap.isolated"], "true");
  assert.equal(hardened.config["security.idmap.base"], "1065536");
  assert.equal(hardened.config["limits.memory"], "768MiB");
  assert.equal(hardened.config["limits.cpu.allowance"], "50ms/100ms");
  assert.equal(hardened.config["limits.processes"], "900");
  assert.equal(hardened.config["environment.CP_DOCKER_START"], "first-use");
  assert.equal(hardened.config["environment.A"], "b=c", "a value may hold '='");
  assert.equal(hardened.devices.root.size, "3072MiB");
  assert.equal(hardened.devices.eth0["security.port_isolation"], "true");
  assert.equal(hardened.devices.eth0["security.mac_filtering"], "true");
  const trusted = instanceBody(spec, { ...plan, profile: "trusted" }) as { config: Record<string, string> };
  assert.equal(trusted.config["security.idmap.isolated"], "false");
  assert.equal(trusted.config["security.idmap.base"], undefined);
  // Read back: the labels are the user.* keys, the listing is the Docker engine's.
  const listed = listingOfInstance({ name: "sbx-abc", status: "Running", type: "container", location: "none", config: hardened.config });
  assert.equal(labelsOf({ name: "x", status: "Running", type: "container", config: hardened.config })["io.containerplayground.instance"], "inst-1");
  assert.deepEqual({ id: listed.id, name: listed.name, role: listed.role, running: listed.running, state: listed.state }, { id: "sbx-abc", name: "sbx-abc", role: "pool", running: true, state: undefined });
  assert.equal(listingOfInstance({ name: "sbx-abc", status: "Stopped", type: "container", location: "node2", config: hardened.config }).state, "node2", "a cluster member is kept");
});

test("exec commands: a clean environment, root directly, other users lowered with setpriv, bad input refused", () => {
  const root = commandFor({ cmd: ["bash", "-l"], env: ["TERM=xterm-256color"] }, true);
  assert.deepEqual(root.slice(0, 2), ["/usr/bin/env", "-i"]);
  assert.ok(root.includes("TERM=xterm-256color") && !root.includes("TERM=xterm"), "the caller's TERM wins");
  assert.deepEqual(root.slice(-2), ["bash", "-l"]);
  assert.ok(commandFor({ cmd: ["true"] }, true).includes("TERM=xterm"), "a TTY gets a TERM");
  assert.ok(!commandFor({ cmd: ["true"] }, false).some((a) => a.startsWith("TERM=")));
  const ubuntu = commandFor({ cmd: ["id"], user: "ubuntu" }, false);
  assert.ok(ubuntu.some((a) => a.includes("setpriv --reuid=")));
  assert.deepEqual(ubuntu.slice(-3), ["sandbox-exec", "ubuntu", "id"]);
  assert.throws(() => commandFor({ cmd: ["id"], user: "x; rm -rf /" }, false), /not a user name/);
  assert.throws(() => commandFor({ cmd: ["id"], env: ["-i"] }, false), /not an environment assignment/);
});

test("events name their instance; image aliases follow the Docker image's tag", () => {
  assert.equal(instanceOfSource("/1.0/instances/sbx-abc"), "sbx-abc");
  assert.equal(instanceOfSource("/1.0/instances/sbx-abc?project=class"), "sbx-abc");
  assert.equal(instanceOfSource("/1.0/networks/cpbr0"), null);
  assert.equal(imageAlias("container-playground/sandbox:3f2a9c1d0b7e"), "cp-sandbox-3f2a9c1d0b7e");
});

test("firewall: DHCP and DNS to the bridge, nothing else of the host, no neighbour, no private range; hooks before Docker's", () => {
  const plan = { tag: "abc", bridge: "cpbr0", subnet: "10.214.0.0/16", gateway: "10.214.0.1", egress: "allow" as const, allow: [], hostPorts: [5000], hostNetworks: ["192.168.1.0/24"], dockerUser: true };
  const { chains, hooks } = lxdFirewallRules(plan);
  const input = chains["CP-abc-LXDIN"].map((r) => r.join(" "));
  const forward = chains["CP-abc-LXDFWD"].map((r) => r.join(" "));
  assert.ok(input.includes("-A CP-abc-LXDIN -p udp --dport 67 -j ACCEPT"));
  assert.ok(input.includes("-A CP-abc-LXDIN -d 10.214.0.1/32 -p udp --dport 53 -j ACCEPT"));
  assert.ok(input.includes("-A CP-abc-LXDIN -p tcp --dport 5000 -j ACCEPT"), "the registry mirror");
  assert.equal(input.at(-1), "-A CP-abc-LXDIN -j DROP");
  assert.ok(forward.indexOf("-A CP-abc-LXDFWD -o cpbr0 -j DROP") < forward.findIndex((r) => r.includes("ESTABLISHED")), "no neighbour, even answering");
  for (const cidr of ["10.0.0.0/8", "169.254.0.0/16", "192.168.1.0/24"]) assert.ok(forward.includes(`-A CP-abc-LXDFWD -d ${cidr} -j DROP`), cidr);
  assert.equal(forward.at(-1), "-A CP-abc-LXDFWD -j ACCEPT");
  assert.deepEqual(hooks.map((h) => h.chain), ["INPUT", "DOCKER-USER", "DOCKER-USER"]);
  const denied = lxdFirewallRules({ ...plan, egress: "deny", dockerUser: false });
  assert.equal(denied.chains["CP-abc-LXDFWD"].at(-1)!.join(" "), "-A CP-abc-LXDFWD -j DROP");
  assert.deepEqual(denied.hooks.map((h) => h.chain), ["INPUT", "FORWARD", "FORWARD"]);
});

test("an operation's id is the last part of its URL's path; a cluster's project query is not part of it", () => {
  assert.equal(operationId("/1.0/operations/0b9a-44"), "0b9a-44");
  assert.equal(operationId("/1.0/operations/3280cb81-c635?project=default"), "3280cb81-c635");
});

test("out-of-memory kills are read from each LXD container's memory cgroup, v1 or v2", () => {
  assert.equal(oomKillsIn("oom_kill_disable 0\nunder_oom 0\noom_kill 3\n"), 3);
  assert.equal(oomKillsIn("low 0\nhigh 0\nmax 2\noom 2\noom_kill 1\n"), 1);
  assert.equal(oomKillsIn("oom_kill_disable 0\nunder_oom 0\n"), null, "a kernel without the counter");
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "cp-unit-oom-"));
  try {
    fs.mkdirSync(path.join(root, "lxc.payload.sbx-a"));
    fs.writeFileSync(path.join(root, "lxc.payload.sbx-a", "memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
    fs.mkdirSync(path.join(root, "lxc.payload.sbx-b"));
    fs.writeFileSync(path.join(root, "lxc.payload.sbx-b", "memory.events"), "oom 0\noom_kill 0\n");
    fs.mkdirSync(path.join(root, "lxc.monitor.sbx-a"));
    fs.mkdirSync(path.join(root, "docker"));
    assert.deepEqual([...readOomKills(root)].sort(), [
      ["sbx-a", 2],
      ["sbx-b", 0],
    ]);
    assert.equal(readOomKills(path.join(root, "missing")).size, 0);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("a cgroup's name stands for an instance of the project in use (LXD prefixes other projects' names)", () => {
  assert.equal(cgroupInstanceOf("default")("sbx-a"), "sbx-a");
  assert.equal(cgroupInstanceOf("class")("class_sbx-a"), "sbx-a");
  assert.equal(cgroupInstanceOf("class")("sbx-a"), null, "the default project's, not ours");
});

test("a remote member's recorded out-of-memory count becomes an event when it grows, for our sandboxes only", async () => {
  const instances = new Map<string, LxdInstance>();
  const put = (name: string, kills: number | string | undefined, ours = true) =>
    instances.set(name, { name, status: "Running", type: "container", config: { ...(ours ? { mine: "yes" } : {}), ...(kills !== undefined ? { [OOM_KILLS_KEY]: String(kills) } : {}) } });
  put("sbx-old", 2);
  put("sbx-new", undefined);
  put("other", undefined, false);
  const events: SandboxEvent[] = [];
  const onUpdated = watchReportedOom({
    read: async (name) => instances.get(name)!,
    isOurs: (i) => i.config.mine === "yes",
    baseline: async () => [...instances.values()],
    onEvent: (e) => events.push(e),
    log: createLogger("silent"),
  });
  const settle = () => new Promise((r) => setTimeout(r, 10));
  onUpdated("sbx-old");
  await settle();
  assert.deepEqual(events, [], "a count from before the watch began is no news");
  put("sbx-old", 3);
  onUpdated("sbx-old");
  put("sbx-new", 1);
  onUpdated("sbx-new");
  put("other", 5, false);
  onUpdated("other");
  await settle();
  assert.deepEqual(events, [
    { kind: "oom", sandboxId: "sbx-old" },
    { kind: "oom", sandboxId: "sbx-new" },
  ]);
  put("sbx-new", "garbage");
  onUpdated("sbx-new");
  onUpdated("sbx-old");
  await settle();
  assert.equal(events.length, 2, "an unchanged or unreadable count is not a kill");
});

test("an LXD that does not answer is engine_unavailable, naming LXD and what to check", async () => {
  const config = loadConfig({ ...base, LXD_SOCKET: "/nonexistent/lxd/unix.socket" });
  const driver = new LxdDriver({ sandbox: config.sandbox, lxd: config.lxd, image: "cp-sandbox-x", instanceId: "cp-unit", mirror: null }, createLogger("silent"));
  try {
    await assert.rejects(
      driver.create({ sessionId: "s", ownerId: "u", name: "sbx-unit", image: "", expiresAt: new Date() }),
      (err: PlaygroundFailure) => {
        assert.equal(err.code, "engine_unavailable");
        assert.match(err.message, /LXD engine/);
        assert.match(err.action, /LXD is running/);
        assert.match(err.detail ?? "", /nonexistent/);
        return true;
      },
    );
    assert.equal((await driver.health()).engine.ok, false);
  } finally {
    driver.client.close();
  }
});
