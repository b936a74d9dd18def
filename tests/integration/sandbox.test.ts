// A real sandbox on the real Docker engine: the container-learning commands must work.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import type { Sandbox } from "../../server/sandbox/driver";
import type { DockerDriver } from "../../server/sandbox/docker-driver";
import { sandboxName } from "../../server/sessions/names";
import { leftovers, testDriver } from "../helpers/env";

let driver: DockerDriver;
let sandbox: Sandbox;

before(async () => {
  driver = await testDriver();
  const name = sandboxName();
  sandbox = await driver.create({
    sessionId: randomUUID(),
    ownerId: "g_integration",
    name,
    image: "",
    expiresAt: new Date(Date.now() + 3600_000),
  });
});

after(async () => {
  if (!sandbox) return;
  await driver.remove(sandbox);
  assert.deepEqual(await leftovers(driver.docker, sandbox.name), [], "removing a sandbox leaves no container or volume");

});

/** Runs a bash command as the learner (ubuntu), the way their terminal would. */
async function sh(cmd: string, user = "ubuntu") {
  const r = await driver.run(sandbox, { cmd: ["bash", "-lc", cmd], user, workingDir: "/home/ubuntu", timeoutMs: 180_000 });
  return r;
}

async function ok(cmd: string): Promise<string> {
  const r = await sh(cmd);
  assert.equal(r.exitCode, 0, `\`${cmd}\` failed (${r.exitCode}): ${r.stderr}${r.stdout}`);
  return r.stdout;
}

test("the learner is ubuntu, in /home/ubuntu, with passwordless sudo and the docker group", async () => {
  const out = await ok("id; pwd; sudo -n true && echo SUDO_OK; hostname");
  assert.match(out, /uid=1000\(ubuntu\)/);
  assert.match(out, /\(docker\)/);
  assert.match(out, /^\/home\/ubuntu$/m);
  assert.match(out, /SUDO_OK/);
  assert.match(out, new RegExp(`^${sandbox.name}$`, "m"), "the hostname is the sandbox name");
});

test("sandbox carries its labels for reconciliation", async () => {
  const listed = (await driver.list()).find((s) => s.id === sandbox.id);
  assert.ok(listed, "the sandbox is found by its labels");
  assert.equal(listed.name, sandbox.name);
  assert.equal(listed.ownerId, "g_integration");
  assert.equal(listed.running, true);
  const info = await driver.docker.getContainer(sandbox.id).inspect();
  assert.equal(info.HostConfig.Memory, 1024 * 1024 * 1024);
  assert.ok((info.HostConfig.PidsLimit ?? 0) > 0, "pids limit set");
  assert.ok((info.HostConfig.NanoCpus ?? 0) > 0, "cpu limit set");
  assert.ok(info.Mounts.some((m) => m.Destination === "/var/lib/docker" && m.Type === "volume"));
});

test("lsns: root sees more namespaces than the learner", async () => {
  // A container's processes belong to root, so only root can see their namespaces.
  await ok("docker run -d --name ns-demo busybox sleep 120 >/dev/null");
  try {
    const mine = (await ok("lsns -n -o NS")).trim().split("\n").filter(Boolean);
    const all = (await ok("sudo lsns -n -o NS")).trim().split("\n").filter(Boolean);
    assert.ok(mine.length >= 4, `ubuntu sees its own namespaces: ${mine.length}`);
    assert.ok(all.length > mine.length, `root sees more (${all.length}) than ubuntu (${mine.length})`);
    assert.match(await ok("sudo lsns -o TYPE,COMMAND"), /\bpid\b.*sleep 120/);
  } finally {
    await sh("docker rm -f ns-demo");
  }
});

test("a new PID namespace: ps is PID 1", async () => {
  const out = await ok("sudo unshare --pid --fork --mount-proc ps -o pid,comm");
  assert.match(out, /^\s*1\s+ps\s*$/m);
  assert.equal(out.trim().split("\n").length, 2, "only ps is visible");
});

test("a user namespace without sudo", async () => {
  const out = await ok("unshare -r --pid --fork --mount-proc sh -c 'id -u; ps -o pid,comm'");
  assert.match(out, /^0$/m, "the learner is root inside their user namespace");
  assert.match(out, /^\s*1\s+sh\s*$/m);
});

test("a UTS namespace has its own hostname", async () => {
  const out = await ok("sudo unshare --uts --fork sh -c 'hostname inner; hostname'; hostname");
  assert.deepEqual(out.trim().split("\n"), ["inner", sandbox.name]);
});

test("nsenter joins another process's namespaces", async () => {
  const out = await ok(
    "sudo unshare --uts --fork sh -c 'hostname elsewhere; sleep 30' & sleep 1; " +
      "pid=$(pgrep -n -x sleep); sudo nsenter -t \"$pid\" -u hostname; sudo kill \"$pid\"",
  );
  assert.match(out, /^elsewhere$/m);
});

test("chroot into a directory", async () => {
  const out = await ok(
    "d=$(mktemp -d); mkdir -p $d/bin; cp /bin/busybox $d/bin/; sudo chroot $d /bin/busybox sh -c 'echo inside; /bin/busybox ls /'",
  );
  assert.match(out, /^inside$/m);
  assert.match(out, /^bin$/m, "only the chroot's own directory is visible at /");
});

test("docker run --rm hello-world works offline", async () => {
  const out = await ok("docker run --rm hello-world");
  assert.match(out, /Hello from Docker!/);
});

test("docker build of a two-line Dockerfile", async () => {
  const out = await ok(
    "d=$(mktemp -d); printf 'FROM busybox\\nRUN echo built-in-sandbox > /msg\\n' > $d/Dockerfile; " +
      "docker build -q -t mine $d >/dev/null && docker run --rm mine cat /msg; docker rmi -f mine >/dev/null",
  );
  assert.match(out, /^built-in-sandbox$/m);
});

test("docker run -d -p 8080:80 serves HTTP inside the sandbox", async () => {
  const out = await ok(
    "docker run -d --name web -p 8080:80 busybox sh -c 'mkdir -p /www && echo served-by-busybox > /www/index.html && httpd -f -p 80 -h /www' >/dev/null; " +
      "for i in $(seq 1 50); do curl -fsS localhost:8080 && break; sleep 0.2; done; docker rm -f web >/dev/null",
  );
  assert.match(out, /served-by-busybox/);
});
