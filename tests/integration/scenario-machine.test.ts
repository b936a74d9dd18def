// The sandbox as the machine Killercoda and Katacoda scenarios were written for (issue "Bring
// your own course", fidelity), typed as root in /root in a real terminal, in both profiles:
// new top-level folders (/ks), Docker's default addresses, the small tools scenarios use, and
// an engine that still starts after a scenario writes /etc/docker/daemon.json and restarts it
// the Ubuntu way (systemctl, service). One sandbox per profile.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { typeScript } from "../../server/lessons/typed";
import type { DockerDriver } from "../../server/sandbox/docker/driver";
import type { Sandbox } from "../../server/sandbox/driver";
import { sandboxName } from "../../server/sandbox/names";
import { testConfig, testDriver } from "../helpers/env";

for (const profile of ["hardened", "trusted"] as const) {
  describe(`${profile}: a scenario's machine`, () => {
    let driver: DockerDriver;
    let sandbox: Sandbox;
    /** Types `script` as root in /root and returns what the terminal showed, failing on a non-zero last exit. */
    const asRoot = async (script: string, expectExit = 0) => {
      const r = await typeScript(driver, sandbox, script, { user: "root", timeoutMs: 150_000 });
      assert.equal(r.exitCode, expectExit, `exit of the last command:\n${r.transcript.slice(-1500)}`);
      return r.transcript;
    };

    before(async () => {
      driver = await testDriver(testConfig({ SANDBOX_PROFILE: profile }));
      sandbox = await driver.create({ sessionId: randomUUID(), ownerId: "g_scenario_machine", name: sandboxName(), image: "", expiresAt: new Date(Date.now() + 3600_000) });
    });
    after(async () => {
      if (sandbox) await driver.remove(sandbox);
      await driver?.dispose();
    });

    test("root starts in /root and makes new top-level folders, as Killercoda's /ks", async () => {
      const t = await asRoot("pwd\nmkdir -p /ks/wait && echo hi > /ks/wait/file && cat /ks/wait/file\nmkdir /app && ls -d /app");
      assert.match(t, /^\/root$/m);
      assert.match(t, /^hi$/m);
      assert.match(t, /^\/app$/m);
    });

    test("Docker's default addresses: docker0 on 172.17.0.0/16, the first network on 172.18.0.0/16", async () => {
      const t = await asRoot(
        // (docker0 appears when the engine starts, on its first use.)
        "docker info >/dev/null\n" +
          "ip -4 -o addr show docker0 | awk '{print \"bridge\", $4}'\n" +
          "docker network create scenario-net >/dev/null\n" +
          "docker network inspect scenario-net -f 'net {{(index .IPAM.Config 0).Subnet}}'\n" +
          "docker run --rm --network scenario-net busybox ip -4 -o addr show eth0 | awk '{print \"container\", $4}'\n" +
          "jq -c '.\"default-address-pools\"' /run/container-playground/dockerd.json",
      );
      // dockerd was given the server's pools (Docker's defaults, minus what clashes here), not left to guess.
      const pools = driver.innerNetworks().pools;
      assert.ok(t.includes(JSON.stringify(pools)), `dockerd's pools are ${JSON.stringify(pools)}:\n${t.slice(-600)}`);
      assert.match(t, /^bridge 172\.17\.0\.1\/16$/m);
      assert.match(t, /^net 172\.18\.0\.0\/16$/m);
      assert.match(t, /^container 172\.18\.0\.2\/16$/m);
    });

    test("the small tools scenarios use are there (jq, tree, git, wget, netcat)", async () => {
      const t = await asRoot(
        "echo '{\"a\":{\"b\":42}}' | jq .a.b\n" +
          "mkdir -p /tmp/t/x && tree /tmp/t | tail -1\n" +
          "git --version | cut -d' ' -f1-2\nwget --version | head -1 | cut -d' ' -f1-2\n" +
          "nc -l -p 7070 > /tmp/got & sleep 1; echo over-netcat | nc -q1 127.0.0.1 7070; wait; cat /tmp/got",
      );
      assert.match(t, /^42$/m);
      assert.match(t, /^2 directories, 0 files$/m);
      assert.match(t, /^git version$/m);
      assert.match(t, /^GNU Wget$/m);
      assert.match(t, /^over-netcat$/m);
    });

    test("a daemon.json written by a scenario is merged, and systemctl restart docker brings the engine back with it", async () => {
      const t = await asRoot(
        "mkdir -p /etc/docker\n" +
          `echo '{"insecure-registries": ["registry.scenario:5000"], "labels": ["scenario=yes"]}' > /etc/docker/daemon.json\n` +
          "systemctl restart docker\n" +
          "systemctl is-active docker\n" +
          "docker info --format 'labels {{.Labels}}'\n" +
          "docker info --format '{{range .RegistryConfig.IndexConfigs}}{{.Name}} {{end}}' | tr ' ' '\\n' | grep -c 'registry.scenario:5000'\n" +
          // The sandbox's own settings survive the merge: its addresses and the stand-in images.
          "ip -4 -o addr show docker0 | awk '{print \"bridge\", $4}'\n" +
          "docker pull -q debian >/dev/null && echo pulled-through-mirror",
      );
      assert.match(t, /^active$/m);
      assert.match(t, /^labels \[scenario=yes\]$/m);
      assert.match(t, /^1$/m, "their insecure registry is in effect");
      assert.match(t, /^bridge 172\.17\.0\.1\/16$/m);
      assert.match(t, /^pulled-through-mirror$/m);
    });

    test("a daemon.json dockerd refuses, or that is not JSON, still leaves a working engine, and says why", async () => {
      const t = await asRoot(
        `echo '{"no-such-setting": true}' > /etc/docker/daemon.json\n` +
          "service docker restart 2>&1\n" +
          "docker run --rm hello-world | grep -m1 Hello\n" +
          "echo '{not json' > /etc/docker/daemon.json\n" +
          "systemctl restart docker && docker ps -q | wc -l\n" +
          "grep -c 'not a JSON object' /var/log/dockerd.log\n" +
          "grep -c 'did not start with /etc/docker/daemon.json' /var/log/dockerd.log",
      );
      assert.match(t, /Warning: dockerd could not use \/etc\/docker\/daemon.json and runs with the sandbox's own settings/, "the learner is told at once");
      assert.match(t, /^Hello from Docker!$/m);
      assert.doesNotMatch(t, /Job for docker.service failed/);
      const counts = t.split("\n").filter((l) => /^\d+$/.test(l.trim()));
      assert.ok(counts.slice(-2).every((c) => Number(c) >= 1), `both are explained in the log:\n${t.slice(-800)}`);
    });

    test("a daemon.json that lists the socket and a TCP address: the engine serves both", async () => {
      // (The socket is the one learner-init holds and hands dockerd as fd://; listing it again must not break it.)
      const t = await asRoot(
        `echo '{"hosts": ["unix:///var/run/docker.sock", "tcp://127.0.0.1:2375"]}' > /etc/docker/daemon.json\n` +
          "systemctl restart docker\n" +
          "docker ps >/dev/null && echo socket-answers\n" +
          "curl -s http://127.0.0.1:2375/_ping; echo\n" +
          "rm /etc/docker/daemon.json && systemctl restart docker && docker ps -q | wc -l",
      );
      assert.match(t, /^socket-answers$/m);
      assert.match(t, /^OK$/m, "the TCP address answers");
      assert.doesNotMatch(t, /Warning: dockerd could not use/);
    });

    test("systemctl stop and start docker; other services are refused with the reason; ubuntu needs sudo", async () => {
      const t = await asRoot(
        "rm -f /etc/docker/daemon.json\n" +
          "systemctl stop docker; docker ps >/dev/null 2>&1 || echo engine-stopped\n" +
          "systemctl is-active docker\n" +
          "systemctl start docker && docker ps >/dev/null && echo engine-started\n" +
          "systemctl restart nginx",
        1,
      );
      assert.match(t, /^engine-stopped$/m);
      assert.match(t, /^inactive$/m);
      assert.match(t, /^engine-started$/m);
      assert.match(t, /only Docker runs as a service here \('nginx' is not available\)/);
      const asUbuntu = await typeScript(driver, sandbox, "systemctl restart docker", { user: "ubuntu", timeoutMs: 60_000 });
      assert.notEqual(asUbuntu.exitCode, 0);
      assert.match(asUbuntu.transcript, /Access denied \(try: sudo systemctl restart docker\)/);
    });
    test("apt-get install: dpkg runs where /usr is the learner's (trusted); hardened says why not before touching anything", async () => {
      // A package made here, so that no network is needed.
      const t = await asRoot(
        "mkdir -p /tmp/pkg/DEBIAN /tmp/pkg/usr/share/cp-fixture && echo hi > /tmp/pkg/usr/share/cp-fixture/hello\n" +
          "printf 'Package: cp-fixture\\nVersion: 1.0\\nArchitecture: all\\nMaintainer: tests <t@example.org>\\nDescription: test package\\n' > /tmp/pkg/DEBIAN/control\n" +
          "dpkg-deb --build /tmp/pkg /tmp/cp-fixture.deb >/dev/null\n" +
          "apt-get install -y /tmp/cp-fixture.deb 2>&1 | tail -8\n" +
          "dpkg -s cp-fixture 2>/dev/null | grep -c '^Status: install ok installed'",
        profile === "trusted" ? 0 : 1,
      );
      if (profile === "trusted") {
        assert.match(t, /^1$/m, "installed");
      } else {
        assert.match(t, /packages cannot be installed in this sandbox\. Its \/usr belongs to the\s+sandbox image and is read-only/);
        assert.doesNotMatch(t, /Permission denied/, "stopped before dpkg started unpacking");
      }
    });
  });
}
