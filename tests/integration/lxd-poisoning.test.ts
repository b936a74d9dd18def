// The poisoning suite on the LXD engine, in both profiles: as the learner's root, plant the
// recording stand-ins (tests/helpers/poison.ts) everywhere something privileged could run,
// load, read or follow them; then let the driver do what the server does in a sandbox (a
// typed login shell with sudo, scripted checks as root and as ubuntu, a second terminal) and
// read where each stand-in ran. On LXD nothing of the host runs inside the container: every
// record must come from inside the container's user namespace, never as host root, and the
// result must be SECURITY.md's `lxd` column (tests/helpers/lxd-security.ts; a cluster member's
// sandbox gets the same in lxd-cluster.test.ts).
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { Sandbox } from "../../server/sandbox/driver";
import type { LxdDriver } from "../../server/sandbox/lxd/driver";
import { sandboxName } from "../../server/sandbox/names";
import { lxdTestConfig, testLxdDriver } from "../helpers/lxd";
import { assertLxdPoisoningColumn } from "../helpers/lxd-security";

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

    test("stand-ins planted by the learner's root only ever run inside the container's user namespace", () =>
      assertLxdPoisoningColumn(driver, sandbox, `LXD (${profile})`));
  });
}
