// The Docker driver passes the driver contract against the real engine (tests/contract).
import { driverContract } from "../contract/driver-contract";
import { testConfig, testDriver } from "../helpers/env";

driverContract("docker", async () => {
  const driver = await testDriver(testConfig({ MIRROR: "off" }));
  return {
    driver,
    crash: async (s) => void (await driver.docker.getContainer(s.id).kill()),
    okExit3: ["sh", "-c", "echo ok; exit 3"],
    ping: "echo p$((1))ong | tr -d 1\r",
  };
});
