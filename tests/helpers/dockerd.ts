// Kills a sandbox's inner dockerd the way the OOM killer would (SIGKILL) and waits for the
// sandbox's init to bring it back.
import assert from "node:assert/strict";
import type { DockerDriver } from "../../server/sandbox/docker/driver";
import type { Sandbox } from "../../server/sandbox/driver";
import { until } from "./env";

export async function killDockerdAndExpectItBack(driver: DockerDriver, sandbox: Sandbox): Promise<void> {
  // An engine not used yet has no dockerd to kill: the first command starts it.
  const woken = await driver.run(sandbox, { cmd: ["docker", "info", "--format", "{{.ServerVersion}}"], user: "ubuntu" });
  assert.equal(woken.exitCode, 0, `docker info: ${woken.stderr}`);
  const killed = await driver.run(sandbox, { cmd: ["sh", "-c", "pkill -KILL -x dockerd && echo killed"], user: "root" });
  assert.match(killed.stdout, /killed/, `dockerd was killed: ${killed.stderr}`);
  await until(
    "dockerd to answer again",
    async () => (await driver.run(sandbox, { cmd: ["docker", "info", "--format", "{{.ServerVersion}}"], user: "ubuntu" })).exitCode === 0,
    60_000,
  );
  assert.equal(await driver.isRunning(sandbox), true, "the sandbox kept running");
  const init = await driver.run(sandbox, { cmd: ["cat", "/proc/1/comm"], user: "root" });
  assert.equal(init.stdout.trim(), "tini");
  const hello = await driver.run(sandbox, { cmd: ["docker", "run", "--rm", "hello-world"], user: "ubuntu" });
  assert.match(hello.stdout, /Hello from Docker!/, "containers run again");
}
