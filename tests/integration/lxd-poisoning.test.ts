// The poisoning suite on the LXD engine, in both profiles: as the learner's root, plant the
// recording stand-ins (tests/helpers/poison.ts) everywhere something privileged could run,
// load, read or follow them; then let the driver do what the server does in a sandbox (a
// typed login shell with sudo, scripted checks as root and as ubuntu, a second terminal) and
// read where each stand-in ran. On LXD nothing of the host runs inside the container: every
// record must come from inside the container's user namespace, never as host root, and the
// result must be SECURITY.md's `lxd` column.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { Sandbox } from "../../server/sandbox/driver";
import { until } from "../contract/driver-contract";
import type { LxdDriver } from "../../server/sandbox/lxd/driver";
import { sandboxName } from "../../server/sandbox/names";
import { documentedVectors } from "../helpers/documented";
import { compileRecorder, formatPoisonTable, HOST_ROOT_MAP, parseRecords, plantPoison, POISON_VECTORS, poisonTable } from "../helpers/poison";
import { lxdTestConfig, testLxdDriver } from "../helpers/lxd";

for (const profile of ["hardened", "trusted"] as const) {
  describe(`poisoning an LXD sandbox (${profile})`, () => {
    let driver: LxdDriver;
    let sandbox: Sandbox;

    before(async () => {
      driver = await testLxdDriver(lxdTestConfig({ SANDBOX_PROFILE: profile }));
      await driver.prepare();
      sandbox = await driver.create({ sessionId: randomUUID(), ownerId: "g_poison", name: sandboxName(), image: "", expiresAt: new Date(Date.now() + 3600_000) });
    });

    after(async () => {
      if (sandbox) await driver.remove(sandbox);
      await driver.dispose();
    });

    test("stand-ins planted by the learner's root only ever run inside the container's user namespace", async () => {
      await plantPoison(driver, sandbox, compileRecorder());
      // What the server does in a sandbox: a learner's login shell with sudo typed in it…
      const tty = await driver.openTty(sandbox, { cmd: ["bash", "-l"], user: "ubuntu", workingDir: "/home/ubuntu", env: ["TERM=xterm-256color"] }, { cols: 100, rows: 30 });
      await until(tty.stream, /\$ $/m, 60_000);
      tty.stream.write("sudo -i true; echo typed-$((6*7))\r");
      await until(tty.stream, /typed-42/, 60_000);
      const ended = new Promise<void>((resolve) => tty.stream.once("close", () => resolve()));
      tty.stream.write("exit\r");
      await ended;
      // …and checks run as root and as the learner, as lesson checks and resets are.
      for (const user of ["root", "ubuntu"]) {
        const r = await driver.run(sandbox, { cmd: ["sh", "-c", "id -u; test -d /home/ubuntu"], user, workingDir: "/", timeoutMs: 60_000 });
        assert.equal(r.exitCode, 0, `${user}: ${r.stderr}`);
      }
      const files = ["/run/cp-poison.log", "/tmp/cp-poison.log", "/dev/shm/cp-poison.log", "/run/cp-poison/log"];
      const logs = await driver.run(sandbox, { cmd: ["/bin/sh", "-c", `cat ${files.join(" ")} 2>/dev/null; true`], user: "root", timeoutMs: 60_000 });
      const records = parseRecords(logs.stdout, "learner");
      assert.ok(records.some((r) => r.vector === "poison_path"), `the stand-ins did run (the planting worked): ${logs.stdout.slice(0, 500)}`);
      assert.deepEqual(records.filter((r) => r.uidMap === HOST_ROOT_MAP), [], "nothing ran as host root");
      const table = poisonTable(records);
      console.log(`LXD (${profile}) poisoning:\n${formatPoisonTable(table)}`);
      const documented = documentedVectors("lxd", POISON_VECTORS);
      assert.equal(documented.size, POISON_VECTORS.length, "SECURITY.md's lxd column states every poisoning vector");
      for (const [vector, result] of table) assert.equal(result.open ? "open" : "blocked", documented.get(vector), `${vector}: ${result.detail}`);
    });
  });
}
