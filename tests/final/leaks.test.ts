// Runs after every other test file: nothing the suite created may be left on the engine.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { LABELS } from "../../server/sandbox/docker/labels";
import { requireDocker } from "../helpers/env";

const fromTests = (labels: Record<string, string> | undefined) => (labels?.[LABELS.instance] ?? "").startsWith("cp-test-");

test("no sandbox container, volume or network from the test suite is left behind", async () => {
  const docker = await requireDocker();
  const containers = (await docker.listContainers({ all: true, filters: { label: [`${LABELS.managed}=true`] } })).filter((c) => fromTests(c.Labels));
  assert.deepEqual(containers.map((c) => c.Names[0]), []);
  const { Volumes } = await docker.listVolumes({ filters: { label: [`${LABELS.managed}=true`] } });
  assert.deepEqual((Volumes ?? []).filter((v) => fromTests(v.Labels)).map((v) => v.Name), []);
  const networks = await docker.listNetworks({ filters: { label: [`${LABELS.managed}=true`] } });
  assert.deepEqual(networks.filter((n) => fromTests(n.Labels)).map((n) => n.Name), []);
});

test("no sandbox disk from the test suite is still attached to a loop device", () => {
  // Test data folders live in the OS temp dir (tests/helpers/env.ts tempDataDir).
  const attached = execFileSync("losetup", ["--list", "--noheadings", "--output", "NAME,BACK-FILE"], { encoding: "utf8" })
    .split("\n")
    .filter((l) => l.includes(path.join(os.tmpdir(), "cp-test-")) && l.includes("/disks/"));
  assert.deepEqual(attached, []);
});

test("the firewall rules of the test suite's installations are removed (each test installation has its own chains)", () => {
  const iptables = (bin: string, args: string[]) => execFileSync(bin, ["-w", ...args], { encoding: "utf8" });
  for (const bin of ["iptables", "ip6tables"]) {
    let rules: string;
    try {
      rules = iptables(bin, ["-S"]);
    } catch {
      continue; // no IPv6 tables on this host
    }
    // Hooks are named by a comment: "container-playground <instance>".
    for (const line of rules.split("\n").filter((l) => /^-A .*--comment "container-playground cp-test-/.test(l))) {
      const args = line.replace(/^-A /, "-D ").match(/"[^"]*"|\S+/g)!.map((a) => a.replace(/^"|"$/g, ""));
      iptables(bin, args);
    }
    const left = iptables(bin, ["-S"]).split("\n");
    assert.deepEqual(left.filter((l) => l.includes("container-playground cp-test-")), [], `${bin} hooks of test installations`);
    for (const chain of left.map((l) => /^-N (CP-[a-z2-7]{3}-(?:INPUT|FORWARD))$/.exec(l)?.[1]).filter(Boolean) as string[]) {
      // A chain nothing jumps to any more belongs to a removed test installation.
      if (!left.some((l) => l.startsWith("-A ") && l.endsWith(`-j ${chain}`))) {
        iptables(bin, ["-F", chain]);
        iptables(bin, ["-X", chain]);
      }
    }
  }
});
