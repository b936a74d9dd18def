// The LXD driver passes the driver contract against a real LXD (tests/contract), in both
// profiles (writeFiles and a learner's symlinks are SECURITY.md's write_through_symlink row).
import { driverContract } from "../contract/driver-contract";
import { lxdTestConfig, testLxdDriver } from "../helpers/lxd";

for (const profile of ["hardened", "trusted"] as const) {
  driverContract(`lxd (${profile})`, async () => {
    const driver = await testLxdDriver(lxdTestConfig({ SANDBOX_PROFILE: profile }));
    return {
      driver,
      // LXD, not the playground, ends it: a forced stop as a crash of its init would.
      crash: async (s) => void (await driver.client.run("PUT", `/1.0/instances/${s.id}/state`, { action: "stop", force: true }, 60)),
      okExit3: ["sh", "-c", "echo ok; exit 3"],
      ping: "echo p$((1))ong | tr -d 1\r",
    };
  });
}
