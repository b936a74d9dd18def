// The fake driver passes the same contract as the real engines (tests/contract).
import { FakeDriver } from "../../server/sandbox/fake/driver";
import { driverContract } from "../contract/driver-contract";

driverContract("fake (in memory)", async () => {
  const driver = new FakeDriver({ instanceId: "cp-test-fake", profile: "hardened", image: "fake/sandbox:1" });
  driver.commands.set("ping", () => "pong");
  driver.scripts.push((cmd) => (cmd.join(" ") === "sh -c echo ok; exit 3" ? { exitCode: 3, stdout: "ok\n", stderr: "" } : undefined));
  return {
    driver,
    crash: async (s) => driver.kill(s),
    okExit3: ["sh", "-c", "echo ok; exit 3"],
    ping: "ping\r",
    readFile: async (s, path) => {
      const f = driver.files.get(s.name)?.get(path);
      return f ? { content: f.content, mode: f.mode } : null;
    },
  };
});
