// Sandbox disks on real loop devices: removing one never leaves its loop device behind, even
// when the file went first (a server that died between the two, or the device would not let
// go at once); such leftovers are detached by the orphan sweep.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { SandboxDisks } from "../../server/sandbox/docker/disk";
import { attachedLoops, log, tempDataDir } from "../helpers/env";

const dir = path.join(tempDataDir(), "disks");
const disks = new SandboxDisks(dir, 64, log);

/** Loop devices on this file, as the kernel lists them (a deleted file shows as "(deleted)"). */
function loopsOn(file: string): string[] {
  return attachedLoops().filter((l) => l.includes(file));
}

test("remove() detaches the disk's loop device and deletes the file", async () => {
  const disk = await disks.create("disk-plain");
  assert.equal(loopsOn(disk.file).length, 1);
  await disks.remove("disk-plain");
  assert.deepEqual(loopsOn(disk.file), []);
  assert.equal(fs.existsSync(disk.file), false);
});

test("a disk whose file was deleted while attached is still detached by remove()", async () => {
  const disk = await disks.create("disk-deleted");
  fs.rmSync(disk.file);
  assert.match(loopsOn(disk.file)[0] ?? "", /\(deleted\)/, "the kernel keeps the device on the deleted file");
  await disks.remove("disk-deleted");
  assert.deepEqual(loopsOn(disk.file), []);
});

test("the orphan sweep detaches loop devices whose disk file in its folder was deleted, and no other", async () => {
  const gone = await disks.create("disk-crashed");
  const kept = await disks.create("disk-kept");
  fs.rmSync(gone.file);
  assert.deepEqual(await disks.detachDeleted(), [gone.device]);
  assert.deepEqual(loopsOn(gone.file), []);
  assert.equal(loopsOn(kept.file).length, 1, "a disk in use is left alone");
  await disks.remove("disk-kept");
  assert.deepEqual(loopsOn(kept.file), []);
});

test("remove() detaches a disk set up through another mount namespace, which the kernel names by another path", async () => {
  // A replica of docker-compose.yml that restarted: the loop device was set up through its
  // previous container's mount of the data volume, and the kernel now names the backing file
  // relative to that mount (here: /NAME.ext4 instead of DIR/NAME.ext4).
  const name = "disk-elsewhere";
  const file = disks.fileFor(name);
  const elsewhere = path.join(tempDataDir(), "other-namespace");
  fs.mkdirSync(dir, { recursive: true });
  fs.mkdirSync(elsewhere, { recursive: true });
  execFileSync("truncate", ["-s", "64M", file]);
  const device = execFileSync("unshare", ["--mount", "sh", "-c", `mount --bind "${dir}" "${elsewhere}" && losetup --find --show "${elsewhere}/${name}.ext4"`], { encoding: "utf8" }).trim();
  try {
    const shown = attachedLoops().find((l) => l.startsWith(`${device} `)) ?? "";
    assert.ok(!shown.includes(dir), `the kernel names the file by a path outside ${dir}: ${shown}`);
    assert.match(shown, new RegExp(`/${name}\\.ext4$`));
    await disks.remove(name);
    assert.equal(attachedLoops().filter((l) => l.startsWith(`${device} `) && l.includes(name)).length, 0, "detached");
    assert.equal(fs.existsSync(file), false);
  } finally {
    try {
      execFileSync("losetup", ["--detach", device], { stdio: "ignore" });
    } catch {
      // detached already (the test passed)
    }
  }
});
