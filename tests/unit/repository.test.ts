// The repository carries source, not artefacts: no tracked file over 1 MB outside an
// allow-list, and no package files or build leftovers at all.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";

const ROOT = path.join(__dirname, "..", "..");
const LIMIT = 1024 * 1024;
/** Files allowed to be larger (none today; say why when adding one). */
const ALLOWED_LARGE = new Set<string>([]);
const ARTEFACT = /\.(deb|rpm|tar|tgz|tar\.gz|iso|img|ext4|so|node|db)$/;

function tracked(): string[] {
  return execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" }).split("\0").filter(Boolean);
}

test("no tracked file is over 1 MB unless allowed", () => {
  const large = tracked()
    .filter((f) => fs.existsSync(path.join(ROOT, f)))
    .map((f) => ({ f, size: fs.statSync(path.join(ROOT, f)).size }))
    .filter(({ f, size }) => size > LIMIT && !ALLOWED_LARGE.has(f));
  assert.deepEqual(large, [], "large files belong outside git (build them, or ignore them)");
});

test("no packages, images or other build leftovers are tracked", () => {
  assert.deepEqual(tracked().filter((f) => ARTEFACT.test(f)), []);
});

test(".gitignore and .dockerignore keep build leftovers and secrets out", () => {
  for (const file of [".gitignore", ".dockerignore"]) {
    const lines = fs.readFileSync(path.join(ROOT, file), "utf8").split("\n").map((l) => l.trim());
    for (const pattern of ["*.deb", ".env"]) assert.ok(lines.includes(pattern), `${file} lists ${pattern}`);
  }
});
