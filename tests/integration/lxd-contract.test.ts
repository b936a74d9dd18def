// The LXD driver passes the driver contract against a real LXD (tests/contract).
import { driverContract } from "../contract/driver-contract";
import { testLxdDriver } from "../helpers/lxd";

driverContract("lxd", async () => {
  const driver = await testLxdDriver();
  return {
    driver,
    // LXD, not the playground, ends it: a forced stop as a crash of its init would.
    crash: async (s) => void (await driver.client.run("PUT", `/1.0/instances/${s.id}/state`, { action: "stop", force: true }, 60)),
    okExit3: ["sh", "-c", "echo ok; exit 3"],
    ping: "echo p$((1))ong | tr -d 1\r",
  };
});
