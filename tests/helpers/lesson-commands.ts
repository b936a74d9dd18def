// The commands the Foundation lessons rely on, as tests that run in any sandbox profile.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Sandbox, SandboxDriver } from "../../server/sandbox/driver";

/** Registers the lesson-critical tests against the sandbox that `get()` returns (after `before`). */
export function lessonCommandTests(get: () => { driver: SandboxDriver; sandbox: Sandbox }): void {
  /** Runs a bash command as the learner (ubuntu), the way their terminal would. */
  async function sh(cmd: string, user = "ubuntu") {
    const { driver, sandbox } = get();
    return driver.run(sandbox, { cmd: ["bash", "-lc", cmd], user, workingDir: "/home/ubuntu", timeoutMs: 180_000 });
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
    assert.match(out, new RegExp(`^${get().sandbox.name}$`, "m"), "the hostname is the sandbox name");
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
    assert.deepEqual(out.trim().split("\n"), ["inner", get().sandbox.name]);
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

  test("nsenter -a enters a running container's namespaces and sees its world", async () => {
    await ok("docker run -d --name ns-enter --hostname in-the-box busybox sleep 120 >/dev/null");
    try {
      const out = await ok("pid=$(docker inspect -f '{{.State.Pid}}' ns-enter); sudo nsenter -t \"$pid\" -a sh -c 'hostname; ps -o pid,comm'");
      assert.match(out, /^in-the-box$/m);
      assert.match(out, /^\s*1\s+sleep\s*$/m, "the container's own PID namespace: sleep is PID 1");
    } finally {
      await sh("docker rm -f ns-enter");
    }
  });

  test("docker run --memory puts a limit on the container's cgroup", async () => {
    const out = await ok("docker run --rm --memory 64m busybox cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/memory.max 2>/dev/null; true");
    assert.match(out, /^67108864$/m);
  });
}
