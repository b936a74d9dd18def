// scripts/system-packages.sh: the one place that knows the system packages. As a user who is
// not root it installs nothing and prints the single sudo command to run.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { test } from "node:test";

const SCRIPT = path.join(__dirname, "..", "..", "scripts", "system-packages.sh");

test("lists what serving needs and what testing adds", () => {
  // Without the settings that let tests bring their own browser or database.
  const env = { ...process.env, TEST_POSTGRES_URL: "", CHROMIUM_PATH: "" };
  const list = (mode: string) => spawnSync("bash", [SCRIPT, "--list", mode], { encoding: "utf8", env }).stdout.trim().split("\n");
  const start = list("start");
  const all = list("test");
  for (const p of ["docker.io", "debootstrap", "iptables", "e2fsprogs", "gcc"]) assert.ok(start.includes(p), `start needs ${p}`);
  for (const p of ["chromium", "postgresql", "docker-compose", "nginx", "g++"]) assert.ok(all.includes(p) && !start.includes(p), `test adds ${p}`);
});

test("as a user who is not root: prints the one sudo command and changes nothing", () => {
  // A browser that is not there makes chromium missing; the script runs as nobody.
  const r = spawnSync("setpriv", ["--reuid=nobody", "--regid=nogroup", "--clear-groups", "bash", SCRIPT, "test"], {
    encoding: "utf8",
    env: { ...process.env, CHROMIUM_PATH: "/nonexistent/chromium", TEST_POSTGRES_URL: "postgresql://x" },
  });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^  sudo apt-get install -y .*\bchromium\b/m);
  assert.doesNotMatch(r.stdout + r.stderr, /Installing system packages/);
});

test("refuses an unknown mode", () => {
  const r = spawnSync("bash", [SCRIPT, "everything"], { encoding: "utf8" });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /usage/);
});
