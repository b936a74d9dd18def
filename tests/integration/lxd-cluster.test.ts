// The LXD engine against an LXD cluster of two members (nested LXD containers on this machine,
// tests/helpers/lxd-cluster.ts): the server talks to the cluster's HTTPS API, LXD places the
// sandboxes, and the learner gets the same sandbox on either member, in both profiles; a
// member's firewall comes from `npm run lxd:member-firewall`, and its sandboxes' out-of-memory
// kills reach the server through `npm run lxd:member-oom`, both run there; the escape and
// poisoning suites find SECURITY.md's LXD column on each member. The driver contract runs
// through the cluster too. Last, a member is lost while it holds a learner's sandbox: the
// learner gets a new one on the other member, and the old one is removed when its member
// returns. Not exercised here: members on separate machines.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { Sandbox, SandboxEvent } from "../../server/sandbox/driver";
import type { LxdDriver } from "../../server/sandbox/lxd/driver";
import { sandboxName } from "../../server/sandbox/names";
import { driverContract, until } from "../contract/driver-contract";
import { reconcile } from "../../server/lifecycle/reconciler";
import { call, connect, guestCookie } from "../helpers/client";
import { endAllSessions, log, requireEngineImage, startTestApp, TEST_RUN_PREFIX, until as untilTrue } from "../helpers/env";
import { hostAddresses } from "../helpers/escape-suite";
import { lxdTestConfig, MEMORY_HOG, testLxdDriver } from "../helpers/lxd";
import { assertLxdEscapeColumn, assertLxdPoisoningColumn } from "../helpers/lxd-security";
import { startTestCluster, type TestCluster } from "../helpers/lxd-cluster";

const MB = 1024 * 1024;
let cluster: TestCluster;

/** A config for the cluster: its address, our client certificate and its pinned certificate. */
function clusterConfig(overrides: Record<string, string> = {}) {
  return lxdTestConfig({
    LXD_URL: cluster.url,
    LXD_CLIENT_CERT: cluster.clientCert,
    LXD_CLIENT_KEY: cluster.clientKey,
    LXD_SERVER_CERT: cluster.serverCert,
    ...overrides,
  });
}

before(async () => {
  const image = await requireEngineImage("lxd");
  const config = lxdTestConfig();
  cluster = await startTestCluster(image, config.lxd.storagePool, config.lxd.network);
});

after(async () => {
  await cluster?.destroy();
});

describe("sandboxes on an LXD cluster of two members", () => {
  const drivers: LxdDriver[] = [];
  const made: { driver: LxdDriver; sandbox: Sandbox }[] = [];

  after(async () => {
    for (const { driver, sandbox } of made) await driver.remove(sandbox).catch(() => undefined);
    for (const driver of drivers) await driver.dispose();
  });

  test("the cluster has both members online", async () => {
    const members = JSON.parse(await cluster.lxc("cluster", "list", "--format", "json")) as { server_name: string; status: string }[];
    assert.deepEqual(members.map((m) => m.server_name).sort(), [...cluster.members].sort());
    for (const m of members) assert.equal(m.status, "Online", `${m.server_name}: ${m.status}`);
  });

  test("LXD places a hardened and a trusted sandbox on different members; each is a learner's sandbox, typed into in a TTY", async () => {
    for (const profile of ["hardened", "trusted"] as const) {
      const driver = await testLxdDriver(clusterConfig({ SANDBOX_PROFILE: profile, SANDBOX_MEMORY_MB: "768" }));
      drivers.push(driver);
      await driver.prepare();
      const health = await driver.health();
      assert.match(health.engine.detail, /\(cluster\)/, "the driver knows it talks to a cluster");
      const sandbox = await driver.create({ sessionId: randomUUID(), ownerId: "g_cluster", name: sandboxName(), image: "", expiresAt: new Date(Date.now() + 3600_000) });
      made.push({ driver, sandbox });
    }
    const placed = made.map((m) => m.sandbox.state);
    for (const member of placed) assert.ok(cluster.members.includes(String(member)), `placed on a member: ${member}`);
    assert.notEqual(placed[0], placed[1], "LXD spreads sandboxes over the members (the one with fewer instances gets the next)");

    for (const { driver, sandbox } of made) {
      const tty = await driver.openTty(sandbox, { cmd: ["bash", "-l"], user: "ubuntu", workingDir: "/home/ubuntu", env: ["TERM=xterm-256color"] }, { cols: 120, rows: 30 });
      try {
        await until(tty.stream, /\$ $/m);
        tty.stream.write("hostname; head -n1 /proc/meminfo\r");
        const facts = await until(tty.stream, /MemTotal:\s+\d+ kB/);
        assert.match(facts, new RegExp(`^${sandbox.name}\\r?$`, "m"), "the hostname is the sandbox's name");
        assert.match(facts, new RegExp(`MemTotal:\\s+${(768 * MB) / 1024} kB`), "the member's lxcfs shows the sandbox its own memory");
        // Markers that only the command's output contains, not its echo.
        tty.stream.write("sudo unshare --pid --fork --mount-proc ps -o pid,comm; echo unshare-$((6*7))\r");
        assert.match(await until(tty.stream, /unshare-42/), /^\s*1 ps\r?$/m);
        tty.stream.write("docker run --rm hello-world; echo docker-exit=$?\r");
        const docker = await until(tty.stream, /docker-exit=\d+/, 120_000);
        assert.match(docker, /Hello from Docker!/);
        assert.match(docker, /docker-exit=0/);
      } finally {
        tty.stream.end("exit\r");
      }
    }
  });

  test("with npm run lxd:member-firewall on its member, a sandbox reaches neither the member nor the operator's network, and still the internet", async () => {
    const { driver, sandbox } = made[0];
    const member = String(sandbox.state);
    // What the sandbox reaches: the member's LXD API (on the operator's network), and the
    // apt mirror through the host, as the internet would be reached.
    const probe = async () => {
      const script = [
        `echo member=$(curl -sk -m 4 -o /dev/null -w '%{http_code}' https://${cluster.addresses[member]}:8443/1.0)`,
        `echo internet=$(curl -s -m 8 -o /dev/null -w '%{http_code}' -H 'Host: ${cluster.mirror.host}' http://${cluster.mirror.address}/)`,
      ].join("; ");
      const out = (await driver.run(sandbox, { cmd: ["sh", "-c", script], user: "root", timeoutMs: 60_000 })).stdout;
      return { member: /member=(\d+)/.exec(out)?.[1], internet: /internet=(\d+)/.exec(out)?.[1] };
    };
    const before = await probe();
    assert.notEqual(before.member, "000", "without its firewall, a member's own services answer its sandboxes (the probe can tell)");
    assert.match(await cluster.memberFirewall(member, "install"), /installed/);
    try {
      const after = await probe();
      assert.equal(after.member, "000", "the member's LXD API is out of reach");
      assert.notEqual(after.internet, "000", "the internet is still reached (SANDBOX_EGRESS=allow)");
    } finally {
      assert.match(await cluster.memberFirewall(member, "remove"), /removed/);
    }
    assert.notEqual((await probe()).member, "000", "remove takes the rules away");
  });

  test("with npm run lxd:member-oom on its member, a sandbox's out-of-memory kill reaches the app server as an event, and only for that sandbox", async () => {
    const [{ driver, sandbox }, { sandbox: neighbour }] = made;
    const member = String(sandbox.state);
    const watcher = await cluster.memberOom(member);
    const events: SandboxEvent[] = [];
    const stop = driver.watch((e) => events.push(e), () => undefined);
    try {
      // Past the sandbox's 768 MiB the member's kernel kills the hog.
      const hog = await driver.run(sandbox, { cmd: ["sh", "-c", MEMORY_HOG], user: "root", timeoutMs: 300_000 });
      assert.match(hog.stdout, /hog-exit=137/, "the member's kernel killed the hog");
      await untilTrue("the out-of-memory event", () => events.some((e) => e.kind === "oom" && e.sandboxId === sandbox.id), 30_000);
      assert.ok(!events.some((e) => e.sandboxId === neighbour.id), "nothing is reported for the sandbox on the other member");
      assert.ok(!events.some((e) => e.kind === "died"), "the sandbox lives on");
    } finally {
      stop();
      const log = await watcher.stop();
      assert.match(log, /out-of-memory kill recorded/, `the member's watcher recorded it: ${log}`);
    }
  });

  test("in each member's sandbox (hardened and trusted), the escape and poisoning suites find SECURITY.md's LXD column", async () => {
    // The member is a privileged container: its root is "host root" for these suites. Last
    // before removal: the stand-ins planted here would answer the other tests' commands.
    const addresses = [...hostAddresses(), ...Object.values(cluster.addresses)];
    for (const { driver, sandbox } of made) {
      const label = `LXD cluster member ${String(sandbox.state)}`;
      await assertLxdEscapeColumn(driver, sandbox, addresses, label);
      await assertLxdPoisoningColumn(driver, sandbox, label);
    }
  });

  test("the sandboxes are listed with the member that holds them, and removing them leaves the cluster empty", async () => {
    for (const { driver, sandbox } of made) {
      const entry = (await driver.list()).find((l) => l.name === sandbox.name);
      assert.ok(entry, `${sandbox.name} is listed`);
      assert.equal(entry.state, sandbox.state, "the listing names the member");
    }
    for (const { driver, sandbox } of made.splice(0)) await driver.remove(sandbox);
    assert.equal(await cluster.lxc("list", "--format", "csv", "-c", "n"), "", "no instance is left on any member");
  });
});

driverContract("lxd cluster (two nested members)", async () => {
  const driver = await testLxdDriver(clusterConfig());
  return {
    driver,
    crash: async (s) => void (await driver.client.run("PUT", `/1.0/instances/${s.id}/state`, { action: "stop", force: true }, 60)),
    okExit3: ["sh", "-c", "echo ok; exit 3"],
    ping: "echo p$((1))ong | tr -d 1\r",
  };
});

// Last: the cluster is not the same afterwards (a member went down and came back).
describe("a cluster member lost while it holds a learner's sandbox", () => {
  test("the learner's next open gets a sandbox on the member that is left at once; the lost one is removed once its member returns", async () => {
    const [endpoint, doomed] = cluster.members;
    // One instance on the member the server talks to, so that LXD places the learner's on the other.
    const filler = `${TEST_RUN_PREFIX}filler`;
    await cluster.lxc("init", await requireEngineImage("lxd"), filler, "--target", endpoint, "-s", lxdTestConfig().lxd.storagePool, "--no-profiles");
    const app = await startTestApp({
      SANDBOX_ENGINE: "lxd",
      MIRROR: "off",
      LXD_URL: cluster.url,
      LXD_CLIENT_CERT: cluster.clientCert,
      LXD_CLIENT_KEY: cluster.clientKey,
      LXD_SERVER_CERT: cluster.serverCert,
    });
    const socket = await connect(app.url, await guestCookie(app.url));
    try {
      const first = await call<{ sandbox: { name: string } }>(socket, "sandbox:open");
      assert.ok(first.ok, JSON.stringify(first));
      const row = (await app.service.activeSessions()).find((r) => r.sandboxName === first.sandbox.name)!;
      const lost = (await app.service.active(row.userId))!.sandbox;
      assert.equal(lost.state, doomed, "placed on the member that is to be lost");

      await cluster.stopMember(doomed);
      await untilTrue(`LXD to see ${doomed} offline`, async () => (await cluster.memberStatus(doomed)) === "Offline", 120_000);
      assert.equal(await app.driver.isRunning(lost), false, "a sandbox on an offline member is not running");
      const second = await call<{ sandbox: { name: string } }>(socket, "sandbox:open");
      assert.ok(second.ok, JSON.stringify(second));
      assert.notEqual(second.sandbox.name, first.sandbox.name, "a fresh sandbox");
      const fresh = (await app.service.active(row.userId))!.sandbox;
      assert.equal(fresh.state, endpoint, "on the member that is left");
      const ended = await app.db.prisma.playgroundSession.findUniqueOrThrow({ where: { id: row.id } });
      assert.equal(ended.state, "ended", "the lost sandbox's session ended (nothing to enter any more)");

      // The member comes back: its instance is there again, stopped and without a session,
      // and the reconciler removes it.
      await cluster.startMember(doomed);
      await untilTrue(`${doomed} to be back`, async () => (await cluster.memberStatus(doomed)) === "Online", 120_000);
      await untilTrue("the lost sandbox to be listed again", async () => (await app.driver.list()).some((l) => l.name === lost.name), 60_000);
      await untilTrue(
        "the reconciler to remove the lost sandbox",
        async () => {
          await reconcile({ driver: app.driver, service: app.service, log });
          return !(await app.driver.list()).some((l) => l.name === lost.name);
        },
        60_000,
      );
    } finally {
      socket.close();
      await endAllSessions(app);
      await app.close();
      await cluster.lxc("delete", "--force", filler).catch(() => undefined);
    }
  });
});
