// The LXD engine on a real LXD (scripts/ensure-lxd.sh), in both profiles: what the lessons
// need works, root in a sandbox is an unprivileged uid range on the host (its own range in
// the hardened profile), the escape suite finds what SECURITY.md's LXD column says, the
// sandbox's limits hold, and its network reaches neither the host, nor a neighbour, nor
// anything of the operator's, while the host still reaches its web servers (previews).
// Typed-terminal behaviour on LXD is tests/integration/tty.test.ts with TEST_SANDBOX_ENGINE=lxd.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { after, before, describe, test } from "node:test";
import { ConfigError } from "../../server/config";
import type { Sandbox, SandboxEvent } from "../../server/sandbox/driver";
import type { LxdDriver } from "../../server/sandbox/lxd/driver";
import { sandboxName } from "../../server/sandbox/names";
import { hostAddresses } from "../helpers/escape-suite";
import { lessonCommandTests } from "../helpers/lesson-commands";
import { until } from "../helpers/env";
import { lxdTestConfig, MEMORY_HOG, testLxdDriver } from "../helpers/lxd";
import { assertLxdEscapeColumn } from "../helpers/lxd-security";

const MB = 1024 * 1024;

function spec() {
  return { sessionId: randomUUID(), ownerId: "g_lxd", name: sandboxName(), image: "", expiresAt: new Date(Date.now() + 3600_000) };
}

async function rootIn(driver: LxdDriver, sandbox: Sandbox, script: string, timeoutMs = 60_000) {
  return driver.run(sandbox, { cmd: ["bash", "-c", script], user: "root", timeoutMs });
}

/** The host uid that root in the sandbox is (the second field of its uid_map's first line). */
async function hostUidOfRoot(driver: LxdDriver, sandbox: Sandbox): Promise<{ hostUid: number; count: number }> {
  const r = await rootIn(driver, sandbox, "cat /proc/self/uid_map");
  const [inside, outside, count] = r.stdout.trim().split(/\s+/).map(Number);
  assert.equal(inside, 0, r.stdout);
  return { hostUid: outside, count };
}

for (const profile of ["hardened", "trusted"] as const) {
  describe(`the LXD engine (${profile})`, () => {
    const config = lxdTestConfig({ SANDBOX_PROFILE: profile, SANDBOX_DISK_MB: "3072", SANDBOX_MEMORY_MB: "768", SANDBOX_PIDS_LIMIT: "900", SANDBOX_CPUS: "0.5" });
    let driver: LxdDriver;
    let sandbox: Sandbox;
    let neighbour: Sandbox;

    before(async () => {
      driver = await testLxdDriver(config);
      await driver.prepare();
      [sandbox, neighbour] = await Promise.all([driver.create(spec()), driver.create(spec())]);
    });

    after(async () => {
      for (const s of [sandbox, neighbour]) if (s) await driver.remove(s);
      assert.deepEqual((await driver.list()).map((s) => s.name), [], "nothing of this installation is left in LXD");
      await driver.dispose();
    });

    lessonCommandTests(() => ({ driver, sandbox }));

    test("root in the sandbox is an unprivileged uid range on the host; hardened sandboxes each have their own", async () => {
      const [a, b] = await Promise.all([hostUidOfRoot(driver, sandbox), hostUidOfRoot(driver, neighbour)]);
      for (const m of [a, b]) {
        assert.ok(m.hostUid >= 1_000_000, `root inside is host uid ${m.hostUid}: in root's subordinate range (scripts/ensure-lxd.sh), clear of the Docker engine's learners`);
        assert.ok(m.count >= 65536, `a full range of uids inside: ${m.count}`);
      }
      if (profile === "hardened") {
        assert.notEqual(a.hostUid, b.hostUid, "security.idmap.isolated: no two sandboxes share a host uid");
        for (const m of [a, b]) assert.equal(m.count, 65536);
      }
      else assert.equal(a.hostUid, b.hostUid, "trusted: LXD's shared range");
      const { metadata } = await driver.client.request<{ config: Record<string, string> }>("GET", `/1.0/instances/${sandbox.id}`);
      assert.equal(metadata.config["security.privileged"], "false");
      assert.equal(metadata.config["security.nesting"], "true");
    });

    test("escape suite: the results SECURITY.md's LXD column states", () => assertLxdEscapeColumn(driver, sandbox, hostAddresses(), `LXD (${profile})`));

    test("a command that outlives its timeout is reported and stopped", async () => {
      await assert.rejects(driver.run(sandbox, { cmd: ["sleep", "600"], user: "ubuntu", timeoutMs: 2000 }), /timed out after 2000 ms/);
      // The kill travels through LXD: wait until the process is gone.
      await until("the timed-out command to be killed", async () => /^none$/m.test((await rootIn(driver, sandbox, "pgrep -x sleep || echo none")).stdout), 15_000);
    });

    test("running out of memory is reported as an out-of-memory event, and the sandbox lives on", async () => {
      const events: SandboxEvent[] = [];
      const stop = driver.watch((e) => events.push(e), () => undefined);
      try {
        // Past the sandbox's 768 MiB the kernel kills the hog. In the neighbour, whose Docker
        // engine has not started (first use): with a running dockerd the kernel was seen
        // reclaiming and refaulting its pages for minutes before it killed the hog (cgroup v1,
        // no swap).
        const hog = await rootIn(driver, neighbour, MEMORY_HOG, 300_000);
        assert.match(hog.stdout, /hog-exit=137/, "the kernel killed the hog");
        await until("the out-of-memory event", () => events.some((e) => e.kind === "oom" && e.sandboxId === neighbour.id), 20_000);
        assert.ok(!events.some((e) => e.sandboxId === sandbox.id), "nothing is reported for the other sandbox");
        assert.match((await rootIn(driver, neighbour, "echo alive")).stdout, /alive/);
      } finally {
        stop();
      }
    });

    test("memory, processes, CPU and disk are limited as configured", async () => {
      const r = await rootIn(
        driver,
        sandbox,
        [
          "awk '/MemTotal/ { print \"mem\", $2 }' /proc/meminfo",
          "echo pids $(cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max)",
        ].join("; "),
      );
      const value = (key: string) => Number(new RegExp(`^${key} (\\d+)`, "m").exec(r.stdout)?.[1]);
      assert.equal(value("mem") * 1024, 768 * MB, `the sandbox sees its own memory (lxcfs): ${r.stdout}\n${lxcfsOnHost()}`);
      assert.equal(value("pids"), 900, r.stdout);
      const { metadata } = await driver.client.request<{ config: Record<string, string> }>("GET", `/1.0/instances/${sandbox.id}`);
      assert.equal(metadata.config["limits.cpu.allowance"], "50ms/100ms");
      // Filling the root disk stops at its size (a btrfs quota: df shows the pool), and the
      // sandbox lives on.
      const fill = await rootIn(driver, sandbox, "dd if=/dev/zero of=/root/big bs=1M count=4000 2>&1 | grep -v records; sync; du -sm /root/big; rm -f /root/big; echo alive", 180_000);
      assert.match(fill.stdout, /quota exceeded|No space left/i, fill.stdout);
      const written = Number(/^(\d+)\s+\/root\/big$/m.exec(fill.stdout)?.[1]);
      assert.ok(written < 3072, `stopped below the 3072 MB disk: ${written} MB written`);
      assert.match(fill.stdout, /alive/);
    });

    test("the network reaches neither the host's services, nor a neighbour, while the host reaches the sandbox", async () => {
      // A service on every host address, as the playground or a database could be.
      const server = net.createServer((c) => c.end("host-service\n"));
      await new Promise<void>((resolve) => server.listen(0, "0.0.0.0", resolve));
      const port = (server.address() as net.AddressInfo).port;
      let reached = 0;
      server.on("connection", () => reached++);
      try {
        const gateway = (await rootIn(driver, sandbox, "ip -4 route | awk '/default/ { print $3 }'")).stdout.trim();
        assert.match(gateway, /^\d+\.\d+\.\d+\.\d+$/);
        const targets = [gateway, ...hostAddresses().filter((a) => !a.startsWith("127."))];
        const tries = await rootIn(driver, sandbox, targets.map((t) => `curl -s -m 3 http://${t}:${port}/ && echo "REACHED ${t}"`).join("; ") + "; true", 120_000);
        assert.doesNotMatch(tries.stdout, /REACHED/, tries.stdout);
        assert.equal(reached, 0, "no connection reached the host's service");
        // DNS on the bridge still answers (LXD's dnsmasq).
        assert.equal((await rootIn(driver, sandbox, "getent hosts localhost >/dev/null && echo dns-ok")).exitCode, 0);

        // The neighbour serves HTTP; the host gets it (previews), the sandbox does not.
        await rootIn(driver, neighbour, "mkdir -p /tmp/www && echo neighbour-page >/tmp/www/index.html && busybox httpd -p 8000 -h /tmp/www");
        const address = await driver.address(neighbour);
        const page = await new Promise<string>((resolve, reject) => {
          http.get(`http://${address}:8000/`, (res) => {
            let body = "";
            res.on("data", (b: Buffer) => (body += b.toString()));
            res.on("end", () => resolve(body));
          }).on("error", reject);
        });
        assert.match(page, /neighbour-page/, "the host reaches a sandbox's web server");
        const sideways = await rootIn(driver, sandbox, `curl -s -m 3 http://${address}:8000/ || echo blocked; ping -c1 -W2 ${address} >/dev/null 2>&1 && echo ping-reached || echo ping-blocked`);
        assert.match(sideways.stdout, /blocked/);
        assert.doesNotMatch(sideways.stdout, /neighbour-page|ping-reached/, sideways.stdout);
      } finally {
        server.close();
      }
    });
  });
}

test("SANDBOX_LXD_TYPE=vm is refused with a clear message where LXD cannot run virtual machines", async () => {
  const driver = await testLxdDriver(lxdTestConfig({ SANDBOX_LXD_TYPE: "vm" }));
  try {
    const info = await driver.client.request<{ environment: { driver: string } }>("GET", "/1.0");
    assert.doesNotMatch(info.metadata.environment.driver, /qemu/, "this test is for hosts without KVM (this kind of machine)");
    await assert.rejects(driver.prepare(), (err: Error) => err instanceof ConfigError && /KVM/.test(err.message) && /SANDBOX_LXD_TYPE=container/.test(err.message));
  } finally {
    await driver.dispose();
  }
});

/** What the host's lxcfs looks like, for a failure message: LXD shows a container its own
 * memory only when /var/lib/lxcfs answers as the container starts. */
function lxcfsOnHost(): string {
  const answer = (() => {
    try {
      return `host lxcfs answers: ${readFileSync("/var/lib/lxcfs/proc/meminfo", "utf8").split("\n")[0]}`;
    } catch (e) {
      return `host lxcfs does not answer: ${(e as Error).message}`;
    }
  })();
  const processes = (() => {
    try {
      return execFileSync("pgrep", ["-a", "lxcfs"], { encoding: "utf8" }).trim();
    } catch {
      return "no lxcfs process";
    }
  })();
  return `${answer}; ${processes} (scripts/ensure-lxd.sh starts it; its log is /var/log/lxcfs.log)`;
}
