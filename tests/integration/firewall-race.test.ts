// Two drivers of one installation (or two app servers of it) installing the sandbox firewall
// at the same moment: both succeed, the rules are there once, and removing them leaves nothing.
// (Found under load: the second install failed with "Chain already exists".)
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { firewallInstalled, installFirewall, removeFirewall } from "../../server/sandbox/docker/firewall";
import { log, testConfig, testDriver } from "../helpers/env";

test("concurrent installs of one installation's firewall both succeed, and removal leaves nothing", async () => {
  const config = testConfig();
  const [one, two] = [await testDriver(config), await testDriver(config)];
  const plan = one.firewallPlan();
  assert.equal(plan.tag, two.firewallPlan().tag, "the same installation");
  try {
    await Promise.all([installFirewall(plan, log), installFirewall(two.firewallPlan(), log), installFirewall(plan, log)]);
    assert.equal(await firewallInstalled(plan), true);
    const hooks = execFileSync("iptables", ["-w", "-S"], { encoding: "utf8" }).split("\n").filter((l) => l.startsWith("-A ") && l.includes(`container-playground ${config.instanceId}"`));
    assert.equal(new Set(hooks).size, hooks.length, `each hook once:\n${hooks.join("\n")}`);
  } finally {
    await removeFirewall(plan, log);
  }
  assert.equal(await firewallInstalled(plan), false);
  assert.doesNotMatch(execFileSync("iptables", ["-w", "-S"], { encoding: "utf8" }), new RegExp(`container-playground ${config.instanceId}"`));
});

test("an installation's rules left by an earlier process go when the next one finds none of its sandboxes left", async () => {
  const config = testConfig();
  const earlier = await testDriver(config);
  await installFirewall(earlier.firewallPlan(), log); // the earlier server stopped while its sandboxes ran
  const next = await testDriver(config); // the next start of the same installation
  try {
    assert.equal(await next.releaseIsolation(), true, "removed although this process never installed them");
    assert.equal(await firewallInstalled(next.firewallPlan()), false);
  } finally {
    await removeFirewall(earlier.firewallPlan(), log);
  }
});
