// The sandbox image's tag follows its inputs, and a build with nothing changed is a no-op.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { tempDataDir } from "../helpers/env";

const SRC = path.join(process.cwd(), "sandbox-images");

function version(dir: string, env: Record<string, string> = {}): string {
  return execFileSync("bash", [path.join(dir, "build.sh"), "--version"], { env: { ...process.env, ...env }, encoding: "utf8" }).trim();
}

function copy(): string {
  const dir = path.join(tempDataDir(), "sandbox-images");
  fs.cpSync(SRC, dir, { recursive: true });
  return dir;
}

test("the image tag is derived from the inputs, not from where they are", () => {
  const original = version(SRC);
  assert.match(original, /^container-playground\/sandbox:[0-9a-f]{12}$/);
  const dir = copy();
  assert.equal(version(dir), original, "same inputs, same tag");

  fs.writeFileSync(path.join(dir, "README.md"), "docs only\n");
  assert.equal(version(dir), original, "documentation does not change the image");

  fs.appendFileSync(path.join(dir, "packages.txt"), "\njq\n");
  const changed = version(dir);
  assert.notEqual(changed, original, "a new package changes the tag");

  assert.notEqual(version(SRC, { SANDBOX_SUITE: "trixie" }), original, "the suite is an input");
  assert.notEqual(version(SRC, { SANDBOX_MIRROR: "http://mirror.example/debian" }), original, "the mirror is an input");
});

test("building with nothing changed reuses the image and prints its reference last", () => {
  const out = execFileSync("bash", [path.join(SRC, "build.sh")], { encoding: "utf8" });
  const lines = out.trim().split("\n");
  assert.equal(lines.at(-1), version(SRC));
  assert.match(out, /^==> Sandbox image .* is up to date$/m);
});

test("an unknown argument is refused with usage", () => {
  assert.throws(
    () => execFileSync("bash", [path.join(SRC, "build.sh"), "--bogus"], { encoding: "utf8", stdio: "pipe" }),
    (err: { stderr?: string; status?: number }) => err.status !== 0 && /usage: build.sh/.test(String(err.stderr)),
  );
});
