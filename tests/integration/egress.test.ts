// Default egress, in both profiles: a sandbox reaches the internet but nothing of the
// operator's. Test hosts on this machine (network namespaces) stand at a cloud metadata
// address (link-local), a LAN address (RFC 1918) and a CGNAT address, plus one allow-listed
// host: only the allow-listed one answers. A learner who adds an address and spoofs their
// source gets nowhere, and no IPv6 leaves a sandbox.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import http from "node:http";
import os from "node:os";
import { after, before, describe, test } from "node:test";
import type { Sandbox } from "../../server/sandbox/driver";
import type { DockerDriver } from "../../server/sandbox/docker/driver";
import { bridgeName } from "../../server/sandbox/docker/networks";
import { sandboxName } from "../../server/sandbox/names";
import { testConfig, testDriver } from "../helpers/env";
import { startTestHost, type TestHost } from "../helpers/test-hosts";

const hosts: Record<"metadata" | "lan" | "cgnat" | "allowed", TestHost> = {} as never;
let ipv6Server: http.Server;
let ipv6Port: number;

before(async () => {
  hosts.metadata = await startTestHost("meta", "169.254.169.254");
  hosts.lan = await startTestHost("lan", "192.168.77.10");
  hosts.cgnat = await startTestHost("cgnat", "100.80.0.10");
  hosts.allowed = await startTestHost("allowed", "172.31.99.10");
  // A service of the host's on IPv6 (any address): a sandbox must not reach it.
  ipv6Server = http.createServer((_req, res) => res.end("host-ipv6-secret\n"));
  await new Promise<void>((r) => ipv6Server.listen(0, "::", r));
  ipv6Port = (ipv6Server.address() as { port: number }).port;
});

after(() => {
  for (const h of Object.values(hosts)) h?.close();
  ipv6Server?.close();
});

for (const profile of ["hardened", "trusted"] as const) {
  describe(`default egress (${profile})`, () => {
    let driver: DockerDriver;
    let sandbox: Sandbox;

    before(async () => {
      driver = await testDriver(testConfig({ SANDBOX_PROFILE: profile, MIRROR: "off", SANDBOX_EGRESS_ALLOW: hosts.allowed.address }));
      sandbox = await driver.create({ sessionId: randomUUID(), ownerId: "g_egress", name: sandboxName(), image: "", expiresAt: new Date(Date.now() + 3600_000) });
    });

    after(async () => {
      if (sandbox) await driver.remove(sandbox);
    });

    /** As the learner's root: what `curl` got from a URL, or the curl exit code. */
    async function fetchFrom(url: string, extra = ""): Promise<string> {
      const r = await driver.run(sandbox, { cmd: ["sh", "-c", `curl -sS -m 4 ${extra} ${url} 2>&1; echo " exit=$?"`], user: "root", timeoutMs: 60_000 });
      return r.stdout.trim();
    }

    test("the allow-listed host answers; metadata, LAN and CGNAT hosts do not", async () => {
      assert.match(await fetchFrom(`http://${hosts.allowed.address}/`), /hello from allowed/);
      for (const h of [hosts.metadata, hosts.lan, hosts.cgnat]) {
        const got = await fetchFrom(`http://${h.address}/`);
        assert.doesNotMatch(got, /hello from/, `${h.name} (${h.address}) must be unreachable: ${got}`);
        assert.match(got, /exit=(7|28)/);
      }
    });

    test("a spoofed source address gets nowhere, even to the allow-listed host", async () => {
      // The learner's root adds an address and sends from it (their network namespace).
      const spoof = "192.168.200.5";
      const added = await driver.run(sandbox, { cmd: ["sh", "-c", `ip addr add ${spoof}/32 dev eth0 && echo added`], user: "root" });
      assert.match(added.stdout, /added/, added.stderr);
      try {
        const got = await fetchFrom(`http://${hosts.allowed.address}/`, `--interface ${spoof}`);
        assert.doesNotMatch(got, /hello from/, `spoofed traffic passed: ${got}`);
        assert.match(got, /exit=(7|28|45)/);
      } finally {
        await driver.run(sandbox, { cmd: ["sh", "-c", `ip addr del ${spoof}/32 dev eth0`], user: "root" });
      }
      assert.match(await fetchFrom(`http://${hosts.allowed.address}/`), /hello from allowed/, "the learner's own address still works");
    });

    test("no IPv6 reaches the host", async () => {
      // The host's link-local address on this sandbox's bridge, as seen from the sandbox's side.
      const bridge = os.networkInterfaces()[bridgeName(driver.tag, sandbox.name)] ?? [];
      const linkLocal = bridge.find((a) => a.family === "IPv6" && a.address.startsWith("fe80"))?.address;
      const targets = [linkLocal ? `[${linkLocal}%eth0]` : null, "[fd00::2]"].filter(Boolean);
      for (const target of targets) {
        const got = await fetchFrom(`-g http://${target}:${ipv6Port}/`, "-6");
        assert.doesNotMatch(got, /host-ipv6-secret/, `IPv6 ${target} answered: ${got}`);
      }
    });
  });
}
