// SECURITY.md's `lxd` column, checked in one LXD sandbox: the escape suite (run as the
// learner's root) and the poisoning suite (stand-ins planted by the learner's root, then what
// the server does in a sandbox: a typed login shell with sudo, checks as root and as the
// learner). For the LXD on this machine (lxd-engine, lxd-poisoning) and a cluster member's
// sandbox (lxd-cluster) alike: both work through the driver only.
import assert from "node:assert/strict";
import type { Sandbox, SandboxDriver } from "../../server/sandbox/driver";
import { until } from "../contract/driver-contract";
import { documentedVectors } from "./documented";
import { documentedEscapes, formatEscapeTable, runEscapeSuite } from "./escape-suite";
import { compileRecorder, formatPoisonTable, HOST_ROOT_MAP, parseRecords, plantPoison, POISON_VECTORS, poisonTable } from "./poison";

/** The escape suite finds what the `lxd` column says; `hostAddresses`: where the host's services are. */
export async function assertLxdEscapeColumn(driver: SandboxDriver, sandbox: Sandbox, hostAddresses: string[], label: string): Promise<void> {
  const results = await runEscapeSuite(driver, sandbox, hostAddresses);
  console.log(`${label} escape suite:\n${formatEscapeTable(results)}`);
  const documented = documentedEscapes("lxd");
  assert.equal(documented.size, results.length, "SECURITY.md lists every vector of the suite for LXD");
  for (const r of results) assert.equal(r.open ? "open" : "blocked", documented.get(r.vector), `${r.vector}: ${r.detail}`);
  assert.deepEqual(results.filter((r) => r.open), [], "every way to host root is closed");
  const devlxd = await driver.run(sandbox, { cmd: ["bash", "-c", "test -e /dev/lxd/sock && echo present || echo absent"], user: "root", timeoutMs: 60_000 });
  assert.match(devlxd.stdout, /absent/, "no /dev/lxd socket in a sandbox");
}

/** Stand-ins planted by the learner's root only ever run inside the container's user namespace. */
export async function assertLxdPoisoningColumn(driver: SandboxDriver, sandbox: Sandbox, label: string): Promise<void> {
  await plantPoison(driver, sandbox, compileRecorder());
  // What the server does in a sandbox: a learner's login shell with sudo typed in it…
  const tty = await driver.openTty(sandbox, { cmd: ["bash", "-l"], user: "ubuntu", workingDir: "/home/ubuntu", env: ["TERM=xterm-256color"] }, { cols: 100, rows: 30 });
  await until(tty.stream, /\$ $/m, 60_000);
  tty.stream.write("sudo -i true; echo typed-$((6*7))\r");
  await until(tty.stream, /typed-42/, 60_000);
  const ended = new Promise<void>((resolve) => tty.stream.once("close", () => resolve()));
  tty.stream.write("exit\r");
  await ended;
  // …and checks run as root and as the learner, as lesson checks and resets are.
  for (const user of ["root", "ubuntu"]) {
    const r = await driver.run(sandbox, { cmd: ["sh", "-c", "id -u; test -d /home/ubuntu"], user, workingDir: "/", timeoutMs: 60_000 });
    assert.equal(r.exitCode, 0, `${user}: ${r.stderr}`);
  }
  const files = ["/run/cp-poison.log", "/tmp/cp-poison.log", "/dev/shm/cp-poison.log", "/run/cp-poison/log"];
  const logs = await driver.run(sandbox, { cmd: ["/bin/sh", "-c", `cat ${files.join(" ")} 2>/dev/null; true`], user: "root", timeoutMs: 60_000 });
  const records = parseRecords(logs.stdout, "learner");
  assert.ok(records.some((r) => r.vector === "poison_path"), `the stand-ins did run (the planting worked): ${logs.stdout.slice(0, 500)}`);
  assert.deepEqual(records.filter((r) => r.uidMap === HOST_ROOT_MAP), [], "nothing ran as host root");
  const table = poisonTable(records);
  console.log(`${label} poisoning:\n${formatPoisonTable(table)}`);
  const documented = documentedVectors("lxd", POISON_VECTORS);
  assert.equal(documented.size, POISON_VECTORS.length, "SECURITY.md's lxd column states every poisoning vector");
  for (const [vector, result] of table) assert.equal(result.open ? "open" : "blocked", documented.get(vector), `${vector}: ${result.detail}`);
}
