// The hardened profile on the real engine: the lessons still work, and root in the sandbox
// is nobody on the host (the escape suite finds every door closed).
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import type { Sandbox } from "../../server/sandbox/driver";
import type { DockerDriver } from "../../server/sandbox/docker/driver";
import { sandboxName } from "../../server/sandbox/names";
import { leftovers, testConfig, testDriver } from "../helpers/env";
import { formatEscapeTable, hostAddresses, runEscapeSuite } from "../helpers/escape-suite";
import { killDockerdAndExpectItBack } from "../helpers/dockerd";
import { lessonCommandTests } from "../helpers/lesson-commands";

const config = testConfig({ SANDBOX_PROFILE: "hardened" });
let driver: DockerDriver;
let sandbox: Sandbox;

before(async () => {
  driver = await testDriver(config);
  sandbox = await driver.create({
    sessionId: randomUUID(),
    ownerId: "g_hardened",
    name: sandboxName(),
    image: "",
    expiresAt: new Date(Date.now() + 3600_000),
  });
});

after(async () => {
  if (!sandbox) return;
  await driver.remove(sandbox);
  assert.deepEqual(await leftovers(driver.docker, sandbox.name, config.docker.diskDir), []);
});

test("the sandbox runs without all capabilities, and its init is PID 1", async () => {
  const info = await driver.docker.getContainer(sandbox.id).inspect();
  assert.notEqual(info.HostConfig.Privileged, true);
  assert.ok(!(info.HostConfig.CapAdd ?? []).includes("ALL"), `capabilities: ${info.HostConfig.CapAdd}`);
  assert.ok(!(info.HostConfig.CapAdd ?? []).includes("SYS_MODULE"));
  const r = await driver.run(sandbox, { cmd: ["cat", "/proc/1/comm"], user: "root" });
  assert.equal(r.stdout.trim(), "tini", "the learner's PID 1 is an init that reaps zombies");
});

test("root in the sandbox is an unprivileged uid on the host", async () => {
  // (`docker version` starts the learner's dockerd if nothing has used it yet.)
  const r = await driver.run(sandbox, { cmd: ["sh", "-c", "docker version >/dev/null; id -u; cat /proc/self/uid_map; (sleep 300 >/dev/null 2>&1 &)"], user: "root" });
  const [uid, ...map] = r.stdout.trim().split("\n");
  assert.equal(uid, "0", "root inside");
  assert.match(map.join(" "), /^\s*0\s+100000\s+65536$/, "root inside is uid 100000 outside");
  // From the host: the learner's processes and their dockerd run as 100000 and up.
  const top = (await driver.docker.getContainer(sandbox.id).top({ ps_args: "-eo pid,uid,comm" })) as { Processes: string[][] };
  const byCommand = (name: string) => top.Processes.filter((p) => p[2] === name).map((p) => Number(p[1]));
  assert.ok(byCommand("sleep").length > 0, "the learner's sleep is visible from the host");
  assert.ok(byCommand("sleep").every((u) => u >= 100000), `sleep runs as ${byCommand("sleep")} on the host`);
  assert.ok(byCommand("dockerd").length > 0, "the learner's dockerd is visible from the host");
  assert.ok(byCommand("dockerd").every((u) => u >= 100000), `dockerd runs as ${byCommand("dockerd")} on the host`);
});

test("escape suite: every way to host root is closed", async () => {
  const results = await runEscapeSuite(driver, sandbox, hostAddresses());
  const open = results.filter((r) => r.open);
  assert.deepEqual(open, [], `open in the hardened profile:\n${formatEscapeTable(results)}`);
});

test("the learner's root writes where root may on a plain machine (/, /etc, /ks); the image's /usr stays read-only", async () => {
  const r = await driver.run(sandbox, {
    cmd: [
      "bash",
      "-c",
      "touch /new-top-level-file 2>&1; sudo mkdir /ks && echo ks-ok; echo x > /tmp/t && echo tmp-ok; echo x > ~/h && echo home-ok; " +
        "sudo sh -c 'echo x > /etc/learner-edit' && echo etc-ok; sudo touch /usr/bin/learner-tool 2>&1",
    ],
    user: "ubuntu",
    workingDir: "/home/ubuntu",
  });
  assert.match(r.stdout, /cannot touch '\/new-top-level-file': Permission denied/, "ubuntu cannot write to / without sudo");
  for (const ok of ["ks-ok", "tmp-ok", "home-ok", "etc-ok"]) assert.match(r.stdout, new RegExp(ok));
  assert.match(r.stdout, /\/usr\/bin\/learner-tool': Permission denied/, "the image's programs are not the learner's to replace");
});

lessonCommandTests(() => ({ driver, sandbox }));

test("the init survives its dockerd being killed (as the OOM killer would) and starts it again", async () => {
  await killDockerdAndExpectItBack(driver, sandbox);
});
