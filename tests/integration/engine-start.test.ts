// The learner's Docker engine starts when first used (SANDBOX_DOCKER_START=first-use, the
// default): an idle sandbox runs no dockerd, its socket waits, and the first client of any
// kind (the CLI typed in a terminal, a raw socket client, systemctl) starts it, with the
// offline images there as before. A learner who meddles with the activation (writes to its
// fifo, kills the socket's holder) only restarts their own engine. With `boot` the engine
// starts with the sandbox. Both profiles, typed in a real terminal.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { typeScript } from "../../server/lessons/typed";
import type { DockerDriver } from "../../server/sandbox/docker/driver";
import type { Sandbox } from "../../server/sandbox/driver";
import { sandboxName } from "../../server/sandbox/names";
import { testConfig, testDriver, until } from "../helpers/env";

for (const profile of ["hardened", "trusted"] as const) {
  describe(`${profile}: the Docker engine starts when first used`, () => {
    let driver: DockerDriver;
    let boot: DockerDriver;
    const sandboxes: [DockerDriver, Sandbox][] = [];
    const newSandbox = async (d: DockerDriver = driver) => {
      const s = await d.create({ sessionId: randomUUID(), ownerId: "g_engine_start", name: sandboxName(), image: "", expiresAt: new Date(Date.now() + 3600_000) });
      sandboxes.push([d, s]);
      return s;
    };
    /** What the learner's root sees of their engine: processes, socket, state. */
    const engineFacts = async (sandbox: Sandbox) =>
      (
        await driver.run(sandbox, {
          cmd: ["sh", "-c", "pgrep -x dockerd >/dev/null && echo dockerd-running || echo no-dockerd; pgrep -x containerd >/dev/null && echo containerd-running || echo no-containerd; stat -c 'socket %U:%G %a %F' /var/run/docker.sock; cut -d' ' -f1 /run/container-playground/dockerd.state"],
          user: "root",
        })
      ).stdout;
    const typed = async (sandbox: Sandbox, script: string, user = "ubuntu") => {
      const r = await typeScript(driver, sandbox, script, { user, timeoutMs: 120_000 });
      assert.equal(r.exitCode, 0, `exit of the last command:\n${r.transcript.slice(-1500)}`);
      return r.transcript;
    };

    before(async () => {
      driver = await testDriver(testConfig({ SANDBOX_PROFILE: profile }));
      boot = await testDriver(testConfig({ SANDBOX_PROFILE: profile, SANDBOX_DOCKER_START: "boot" }));
    });
    after(async () => {
      for (const [d, s] of sandboxes) await d.remove(s).catch(() => undefined);
      await driver?.dispose();
      await boot?.dispose();
    });

    test("an idle sandbox runs no engine; the first docker command typed starts it, with the offline images and no pull", async () => {
      const sandbox = await newSandbox();
      const idle = await engineFacts(sandbox);
      assert.match(idle, /^no-dockerd$/m);
      assert.match(idle, /^no-containerd$/m);
      assert.match(idle, /^socket root:docker 660 socket$/m, "the socket waits, as Docker's own would be");
      assert.match(idle, /^idle$/m);

      const t = await typed(sandbox, "docker run --rm hello-world\ndocker images --format 'image {{.Repository}}' | sort");
      assert.match(t, /Hello from Docker!/);
      assert.doesNotMatch(t, /Unable to find image/, "hello-world was loaded before the first command ran");
      assert.match(t, /^image busybox\s*$/m);
      assert.match(t, /^image hello-world\s*$/m);
      const woken = await engineFacts(sandbox);
      assert.match(woken, /^dockerd-running$/m);
      assert.match(woken, /^ready$/m);
    });

    test("systemctl on an idle engine: status starts it; stop and start work as on a machine with docker.socket; outsiders cannot wake it", async () => {
      const sandbox = await newSandbox();
      const t = await typed(
        sandbox,
        // A user outside the docker group cannot wake it, and is told so at once (not after a wait).
        "sudo useradd --create-home outsider\n" +
          "timeout 20 sudo -u outsider docker ps 2>&1 | grep -o 'permission denied' | head -1\n" +
          "systemctl is-active docker\n" +
          "sudo systemctl stop docker\n" +
          "docker ps >/dev/null 2>&1 || echo engine-stopped\n" +
          "sudo systemctl start docker\n" +
          "docker ps --format '{{.ID}}' | wc -l | sed 's/^/containers /'",
      );
      assert.match(t, /^permission denied\s*$/m);
      assert.match(t, /^active\s*$/m);
      assert.match(t, /^engine-stopped\s*$/m);
      assert.match(t, /^containers 0\s*$/m);
    });

    test("a raw socket client starts it too; meddling with the activation only restarts the learner's own engine", async () => {
      const sandbox = await newSandbox();
      const ping = await typed(sandbox, "curl -s --unix-socket /var/run/docker.sock http://localhost/_ping; echo", "ubuntu");
      assert.match(ping, /^OK$/m, "the first request is answered by the engine it started");
      await until("the offline images to be loaded", async () => /^ready$/m.test(await engineFacts(sandbox)), 60_000);

      // As the learner's root, on a second idle sandbox: a fake wake-up, then the holder killed.
      const other = await newSandbox();
      const meddle = await driver.run(other, {
        cmd: ["sh", "-c", "echo wake > /run/container-playground/engine-wake; sleep 1; pkill -f '^docker[.]socket:'; pkill -x dockerd; echo meddled"],
        user: "root",
      });
      assert.match(meddle.stdout, /meddled/);
      // A killed dockerd is gone until learner-init has started it again, as after any death.
      await until("the engine to answer again", async () => (await driver.run(other, { cmd: ["docker", "info", "--format", "{{.ServerVersion}}"], user: "ubuntu" })).exitCode === 0, 60_000);
      const t = await typed(other, "docker run --rm busybox echo engine-back");
      assert.match(t, /^engine-back\s*$/m);
      assert.equal(await driver.isRunning(other), true, "the sandbox kept running");
    });

    test("SANDBOX_DOCKER_START=boot: dockerd runs as soon as the sandbox is ready", async () => {
      const sandbox = await newSandbox(boot);
      const facts = await engineFacts(sandbox);
      assert.match(facts, /^dockerd-running$/m);
      assert.match(facts, /^ready$/m);
    });
  });
}
