// Each sandbox's own disk: a sparse ext4 file on a loop device, mounted by Docker (a `local`
// volume with type=ext4) into the sandbox, where sandbox-init puts /var/lib/docker and every
// writable directory on it. Overlay's `--storage-opt size` would need XFS with project
// quotas; a loop-mounted file works on any host filesystem. A full disk gives the learner
// "No space left on device" and leaves the host's disk alone. Needs root on the engine's host
// (losetup, mkfs.ext4 from util-linux and e2fsprogs).
import { execFile } from "node:child_process";
import { mkdir, readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import type { Logger } from "../../log";

const run = promisify(execFile);
const SUFFIX = ".ext4";

export interface SandboxDisk {
  file: string;
  /** The loop device, e.g. /dev/loop7. */
  device: string;
}

function stderrOf(err: unknown): string {
  const e = err as { stderr?: string; message?: string };
  return (e.stderr || e.message || String(err)).trim();
}

/** The disk this process makes once to check that disks work here. */
export function selfTestName(): string {
  return `selftest-${process.pid}`;
}

export class SandboxDisks {
  constructor(
    /** Where the disk files live (on the engine's host). */
    private readonly dir: string,
    private readonly sizeMb: number,
    private readonly log: Logger,
  ) {}

  fileFor(name: string): string {
    if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`invalid sandbox name for a disk: ${name}`);
    return path.join(this.dir, name + SUFFIX);
  }

  /** Creates the file (sparse: it takes only what is written), its filesystem and loop device. */
  async create(name: string): Promise<SandboxDisk> {
    const file = this.fileFor(name);
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    try {
      await run("truncate", ["-s", `${this.sizeMb}M`, file]);
      // No zeroing of inode tables or journal now (lazy), so the file stays sparse and
      // mkfs takes a fraction of a second; reserved blocks are for root on a system disk.
      await run("mkfs.ext4", ["-q", "-F", "-m", "0", "-L", "cp-sandbox", "-E", "lazy_itable_init=1,lazy_journal_init=1,nodiscard", file]);
      const { stdout } = await run("losetup", ["--find", "--show", file]);
      return { file, device: stdout.trim() };
    } catch (err) {
      await this.remove(name).catch(() => undefined);
      throw new Error(`could not create the sandbox's disk (${this.sizeMb} MB at ${file}): ${stderrOf(err)}`);
    }
  }

  /**
   * Detaches every loop device on the file and deletes it; missing is fine. A device that
   * will not let go at once is tried again, and one still found on the file after it is
   * deleted (shown as "(deleted)") is detached too: it would keep the space and the device.
   */
  async remove(name: string): Promise<void> {
    const file = this.fileFor(name);
    const inode = await stat(file).then((s) => s.ino, () => null);
    for (let attempt = 0; attempt < 3; attempt++) {
      const devices = await this.attachedTo(file, inode);
      if (devices.length === 0) break;
      if (attempt > 0) await new Promise((r) => setTimeout(r, 200));
      for (const device of devices) await this.detach(device);
    }
    await rm(file, { force: true });
    for (const device of await this.attachedTo(file, inode)) await this.detach(device);
  }

  /**
   * Detaches loop devices whose disk file in this folder was deleted while attached (a
   * server that died between the two), so they give back the device and the space.
   */
  async detachDeleted(): Promise<string[]> {
    const gone = (await this.loops()).filter((l) => l.backFile.startsWith(this.dir + path.sep) && l.backFile.endsWith(`${SUFFIX} (deleted)`));
    for (const l of gone) await this.detach(l.device);
    return gone.map((l) => l.device);
  }

  /**
   * Loop devices on `file`, also once it is deleted. By its path, or by its inode and name:
   * the kernel names a backing file by the mount it was opened through, so a server in a
   * container that has restarted since (a new mount namespace) sees another path, such as
   * /disks/NAME.ext4 for its /app/data/disks/NAME.ext4.
   */
  private async attachedTo(file: string, inode: number | null): Promise<string[]> {
    const named = (backFile: string) => path.basename(backFile.replace(/ \(deleted\)$/, "")) === path.basename(file);
    return (await this.loops())
      .filter((l) => l.backFile === file || l.backFile === `${file} (deleted)` || (inode !== null && l.inode === inode && named(l.backFile)))
      .map((l) => l.device);
  }

  /** Every loop device with its backing file (the kernel's path, from sysfs) and inode. */
  private async loops(): Promise<{ device: string; inode: number; backFile: string }[]> {
    const { stdout } = await run("losetup", ["--list", "--noheadings", "--output", "NAME,BACK-INO,BACK-FILE"]).catch((err) => {
      this.log.warn({ err: stderrOf(err) }, "could not list loop devices");
      return { stdout: "" };
    });
    return stdout
      .split("\n")
      .map((l) => /^(\S+)\s+(\d+)\s+(.*\S)\s*$/.exec(l))
      .flatMap((m) => (m ? [{ device: m[1], inode: Number(m[2]), backFile: m[3] }] : []));
  }

  private async detach(device: string): Promise<void> {
    await run("losetup", ["--detach", device]).catch((err) => this.log.warn({ device, err: stderrOf(err) }, "could not detach a sandbox disk"));
  }

  /**
   * Names of the disks that exist, leaving out those made in the last `minAgeMs` (a sandbox
   * being created right now has its disk before its container).
   */
  async names(minAgeMs = 0): Promise<string[]> {
    const entries = (await readdir(this.dir).catch(() => [] as string[])).filter((e) => e.endsWith(SUFFIX));
    const names: string[] = [];
    for (const e of entries) {
      const s = await stat(path.join(this.dir, e)).catch(() => null);
      if (s && Date.now() - s.ctimeMs >= minAgeMs) names.push(e.slice(0, -SUFFIX.length));
    }
    return names;
  }

  /** Bytes the disk really takes on the host (sparse files take only what was written). */
  async allocatedBytes(name: string): Promise<number> {
    const s = await stat(this.fileFor(name));
    return s.blocks * 512;
  }

  /** Checks once at start that disks can be made here (root, loop devices, mkfs.ext4). */
  async selfTest(): Promise<void> {
    const name = selfTestName();
    const disk = await this.create(name);
    await this.remove(name);
    this.log.debug({ device: disk.device }, "sandbox disks work");
  }
}
