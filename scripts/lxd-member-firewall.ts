// npm run lxd:member-firewall -- install|remove
// The sandboxes' host firewall on an LXD host that no app server runs on: each member of an
// LXD cluster, or a remote LXD host (LXD_URL). The app server installs these rules itself only
// for the LXD on its own machine; on a member, run this as root after LXD starts (at every
// boot: iptables rules do not survive one). Same policy as the server's
// (server/sandbox/lxd/firewall.ts): from the bridge LXD_NETWORK, only DHCP and DNS to the
// member, no neighbour, no private range, no IPv6, the internet as SANDBOX_EGRESS says.
// Settings come from the environment, as the server's do (LXD_SOCKET, LXD_NETWORK, SANDBOX_EGRESS,
// SANDBOX_EGRESS_ALLOW). Its chains are named for the installation id "member"; `remove`
// takes them away.
import { loadConfig } from "../server/config";
import { createLogger } from "../server/log";
import { LxdDriver } from "../server/sandbox/lxd/driver";
import { installLxdFirewall, removeLxdFirewall } from "../server/sandbox/lxd/firewall";

/** The installation id the member's rules are named for (its chains are CP-<tag of "member">-LXDIN/-LXDFWD). */
const MEMBER_TAG_ID = "member";

async function main(): Promise<number> {
  const command = process.argv[2];
  if (command !== "install" && command !== "remove") {
    console.error("usage: npm run lxd:member-firewall -- install|remove   (as root, on the LXD host)");
    return 2;
  }
  const config = loadConfig({ ...process.env, SANDBOX_ENGINE: "lxd", LXD_URL: "" });
  const log = createLogger(process.env.LOG_LEVEL ?? "info");
  // Only the bridge is read from LXD here; the sandbox image plays no part in the rules.
  const driver = new LxdDriver({ sandbox: config.sandbox, lxd: config.lxd, image: "", instanceId: MEMBER_TAG_ID, mirror: null }, log);
  try {
    const plan = await driver.firewallPlan();
    if (command === "install") await installLxdFirewall(plan, log);
    else await removeLxdFirewall(plan);
    console.log(`${command === "install" ? "installed" : "removed"}: the sandbox firewall on ${plan.bridge} (${plan.subnet})`);
    return 0;
  } finally {
    driver.client.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`lxd-member-firewall: ${err.message}`);
    process.exit(1);
  },
);
