// The Docker driver passes the driver contract against the real engine (tests/contract), in
// both profiles (writeFiles and a learner's symlinks are SECURITY.md's write_through_symlink row).
import { driverContract } from "../contract/driver-contract";
import { testConfig, testDriver } from "../helpers/env";

for (const profile of ["hardened", "trusted"] as const) {
  driverContract(`docker (${profile})`, async () => {
    const driver = await testDriver(testConfig({ MIRROR: "off", SANDBOX_PROFILE: profile }));
    return {
      driver,
      crash: async (s) => void (await driver.docker.getContainer(s.id).kill()),
      okExit3: ["sh", "-c", "echo ok; exit 3"],
      ping: "echo p$((1))ong | tr -d 1\r",
    };
  });
}
