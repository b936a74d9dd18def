// The registry mirror: in a sandbox of each profile, a plain `docker pull nginx` works with
// no internet (the stand-in is real Debian nginx serving its welcome page), `python` runs
// Python, and the mirror refuses pushes (no learner can replace an image for everyone). The
// other common images scenarios use (alpine, ubuntu, redis, httpd, the alpine tags) work as
// typed in a terminal, and a pull of an image the mirror lacks says which ones it has.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, test } from "node:test";
import type { Sandbox } from "../../server/sandbox/driver";
import type { DockerDriver } from "../../server/sandbox/docker/driver";
import { sandboxName } from "../../server/sandbox/names";
import { typeScript } from "../../server/lessons/typed";
import { testConfig, testDriver } from "../helpers/env";

const made: { driver: DockerDriver; sandbox: Sandbox }[] = [];

after(async () => {
  for (const m of made) await m.driver.remove(m.sandbox);
});

async function sandboxOf(profile: "trusted" | "hardened") {
  const driver = await testDriver(testConfig({ SANDBOX_PROFILE: profile }));
  const sandbox = await driver.create({ sessionId: randomUUID(), ownerId: "g_mirror", name: sandboxName(), image: "", expiresAt: new Date(Date.now() + 3600_000) });
  made.push({ driver, sandbox });
  const sh = async (cmd: string) => {
    const r = await driver.run(sandbox, { cmd: ["bash", "-c", cmd], user: "ubuntu", workingDir: "/home/ubuntu", timeoutMs: 180_000 });
    return `${r.stdout}${r.stderr}exit=${r.exitCode}`;
  };
  return { driver, sandbox, sh };
}

test("the mirror runs on the host and serves the stand-ins", async () => {
  const driver = await testDriver(testConfig());
  assert.ok(driver.mirror, "the mirror is on by default");
  await driver.mirror.ensure();
  const catalog = (await (await fetch(`http://127.0.0.1:${driver.mirror.opts.port}/v2/_catalog`)).json()) as { repositories: string[] };
  const names = ["nginx", "python", "debian", "ubuntu", "alpine", "redis", "httpd", "registry", "busybox", "hello-world"];
  for (const name of names.map((n) => `library/${n}`)) {
    assert.ok(catalog.repositories.includes(name), `${name} is served: ${catalog.repositories}`);
  }
});

for (const profile of ["trusted", "hardened"] as const) {
  test(`${profile}: docker pull nginx works offline through the mirror, and the welcome page is served`, async () => {
    const { sh } = await sandboxOf(profile);
    const pulled = await sh("docker pull nginx");
    assert.match(pulled, /exit=0$/, pulled);
    const web = await sh(
      "docker run -d --name web -p 8080:80 nginx >/dev/null && for i in $(seq 1 50); do curl -fsS localhost:8080 2>/dev/null && break; sleep 0.2; done",
    );
    assert.match(web, /Welcome to nginx/);
    const py = await sh("docker run --rm python python -c 'print(6 * 7)'");
    assert.match(py, /^42$/m);
    // Pushing to the mirror is refused: it is read-only.
    const mirror = (await sh("docker info --format '{{range .RegistryConfig.Mirrors}}{{.}}{{end}}'")).split("\n")[0].trim();
    const host = /^http:\/\/([\d.]+:\d+)\/?$/.exec(mirror)?.[1];
    assert.ok(host, `the inner Docker uses the mirror: ${mirror}`);
    const push = await sh(`docker tag busybox ${host}/library/nginx:latest && docker push ${host}/library/nginx:latest`);
    assert.doesNotMatch(push, /exit=0$/, `a push to the mirror must fail: ${push}`);
    assert.match(push, /read-only|read only|unsupported|denied|405|not allowed/i, push);
  });
}

for (const profile of ["trusted", "hardened"] as const) {
  test(`${profile}: alpine, ubuntu, redis, httpd and nginx:alpine as typed; a missing image names what the mirror has`, async () => {
    const { driver, sandbox } = await sandboxOf(profile);
    const t = (
      await typeScript(
        driver,
        sandbox,
        [
          "docker run --rm alpine sh -c 'cat /etc/alpine-release; apk add wget; apk add curl 2>&1; echo apk-exit=$?'",
          "docker run --rm ubuntu bash -c 'echo ubuntu-bash-$((6*7))'",
          "docker run -d --name cache redis >/dev/null && for i in $(seq 1 50); do docker exec cache redis-cli ping 2>/dev/null | grep -q PONG && echo redis-pong && break; sleep 0.2; done",
          "docker run -d --name site -p 8081:80 httpd >/dev/null && for i in $(seq 1 50); do curl -fsS localhost:8081 2>/dev/null && break; sleep 0.2; done",
          "docker pull -q nginx:alpine",
          "docker pull no-such-image-here",
        ].join("\n"),
        { user: "ubuntu", timeoutMs: 300_000 },
      )
    ).transcript;
    assert.match(t, /^3\.\d+\.\d+$/m, "alpine's release file");
    assert.match(t, /^OK: provided by busybox$/m, "apk add of a tool busybox has");
    assert.match(t, /cannot install: curl\s+apk-exit=1/, "apk add of anything else says why");
    assert.match(t, /^ubuntu-bash-42$/m);
    assert.match(t, /^redis-pong$/m);
    assert.match(t, /<h1>It works!<\/h1>/);
    assert.match(t, /^docker\.io\/library\/nginx:alpine$/m);
    assert.match(t, /this playground cannot reach Docker Hub\. Its own mirror has these images/);
    assert.match(t, /alpine, busybox, debian, hello-world, httpd, nginx, python, redis, registry, ubuntu/);
  });
}
