// Runs after every other test file: nothing the suite created may be left on the engine.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { LABELS } from "../../server/sandbox/docker/labels";
import { LxdClient } from "../../server/sandbox/lxd/client";
import { labelsOf, type LxdInstance } from "../../server/sandbox/lxd/instance";
import { attachedLoops, requireDocker, TEST_RUN_PREFIX } from "../helpers/env";
import { clusterBridgeName } from "../helpers/lxd-cluster";

// Only this run's (TEST_RUN_ID): another test run or playground may share the engine and kernel.
const fromTests = (labels: Record<string, string> | undefined) => (labels?.[LABELS.instance] ?? "").startsWith(TEST_RUN_PREFIX);

test("no sandbox container, volume or network from the test suite is left behind", async () => {
  const docker = await requireDocker();
  const containers = (await docker.listContainers({ all: true, filters: { label: [`${LABELS.managed}=true`] } })).filter((c) => fromTests(c.Labels));
  assert.deepEqual(containers.map((c) => c.Names[0]), []);
  const { Volumes } = await docker.listVolumes({ filters: { label: [`${LABELS.managed}=true`] } });
  assert.deepEqual((Volumes ?? []).filter((v) => fromTests(v.Labels)).map((v) => v.Name), []);
  const networks = await docker.listNetworks({ filters: { label: [`${LABELS.managed}=true`] } });
  assert.deepEqual(networks.filter((n) => fromTests(n.Labels)).map((n) => n.Name), []);
});

test("no LXD instance or network from the test suite is left behind (sandboxes, the cluster test's members and bridge)", async () => {
  const client = new LxdClient({ socketPath: process.env.LXD_SOCKET ?? "/var/lib/lxd/unix.socket", project: "default" });
  try {
    const { metadata } = await client.request<LxdInstance[]>("GET", "/1.0/instances?recursion=1").catch((err: Error) => {
      throw new Error(`the LXD engine's tests ran on the LXD that npm test starts, which does not answer now: ${err.message}`);
    });
    assert.deepEqual(metadata.filter((i) => fromTests(labelsOf(i)) || i.name.startsWith(TEST_RUN_PREFIX)).map((i) => i.name), []);
    const networks = await client.request<string[]>("GET", "/1.0/networks");
    assert.deepEqual(networks.metadata.filter((n) => n.endsWith(`/${clusterBridgeName()}`)), []);
  } finally {
    client.close();
  }
});

test("no sandbox disk from the test suite is still attached to a loop device", () => {
  // Test data folders live in the OS temp dir (tests/helpers/env.ts tempDataDir).
  const attached = attachedLoops().filter((l) => l.includes(path.join(os.tmpdir(), TEST_RUN_PREFIX)) && l.includes("/disks/"));
  assert.deepEqual(attached, []);
});

test("the firewall rules of this run's installations are gone (each removes its own when its last sandbox goes)", () => {
  const iptables = (bin: string, args: string[]) => execFileSync(bin, ["-w", ...args], { encoding: "utf8" });
  const leftBehind: string[] = [];
  for (const bin of ["iptables", "ip6tables"]) {
    let rules: string;
    try {
      rules = iptables(bin, ["-S"]);
    } catch {
      continue; // no IPv6 tables on this host
    }
    // Hooks are named by a comment: "container-playground <instance>". What is left is
    // reported, and cleaned up so that the machine stays usable.
    for (const line of rules.split("\n").filter((l) => l.startsWith("-A ") && l.includes(`--comment "container-playground ${TEST_RUN_PREFIX}`))) {
      leftBehind.push(`${bin} ${line}`);
      const args = line.replace(/^-A /, "-D ").match(/"[^"]*"|\S+/g)!.map((a) => a.replace(/^"|"$/g, ""));
      iptables(bin, args);
    }
    const left = iptables(bin, ["-S"]).split("\n");
    for (const chain of left.map((l) => /^-N (CP-[a-z2-7]{3}-(?:INPUT|FORWARD|LXDIN|LXDFWD))$/.exec(l)?.[1]).filter(Boolean) as string[]) {
      // A chain nothing jumps to any more belongs to a removed installation.
      if (!left.some((l) => l.startsWith("-A ") && l.endsWith(`-j ${chain}`))) {
        iptables(bin, ["-F", chain]);
        iptables(bin, ["-X", chain]);
      }
    }
  }
  assert.deepEqual(leftBehind, [], "firewall hooks of this run's installations");
});
