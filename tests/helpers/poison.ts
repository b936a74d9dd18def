// The poisoning suite: as the learner's root, plant recording stand-ins everywhere the
// sandbox's privileged side could run, load, read or follow something (its PATH, the
// programs it runs, the dynamic loader's configuration, NSS, shell start-up files, its
// helpers, its pid file), then let the server do everything it does in a sandbox and read
// where each stand-in ran. A stand-in records its process's uid map: "0:100000:65536"
// inside the learner's user namespace, "0:0:4294967295" as host root.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import type Docker from "dockerode";
import type { DockerDriver } from "../../server/sandbox/docker/driver";
import type { Sandbox, SandboxDriver } from "../../server/sandbox/driver";

export const POISON_VECTORS = [
  "poison_path",
  "poison_programs",
  "poison_entry_helper",
  "poison_loader",
  "poison_nss",
  "poison_shell_startup",
  "poison_pid_file",
] as const;
export type PoisonVector = (typeof POISON_VECTORS)[number];

/** What the host's root looks like in /proc/self/uid_map (no user namespace of the learner's). */
export const HOST_ROOT_MAP = "0:0:4294967295";
/** A marker file the learner's root makes in their world: a shell that sees it is in there. */
export const LEARNER_WORLD_MARKER = "/etc/cp-learner-world";

const STAND_IN_DIR = "/usr/local/lib/cp-poison";
/** Programs the privileged side runs (sandbox-init, sandbox-enter) or might run. */
const PROGRAMS = [
  "nsenter", "env", "sh", "bash", "dash", "cat", "readlink", "setpriv", "getent", "cut", "ip", "iptables", "unshare",
  "tini", "mount", "umount", "kill", "sleep", "docker", "curl", "mkdir", "chown", "chmod", "find", "stat", "sed",
  "awk", "grep", "tr", "rm", "ls", "id", "timeout", "mountpoint", "xargs", "sort", "paste",
];
/** Programs replaced in place (a bind mount over the real file in the learner's mount namespace). */
const REPLACED = ["/usr/bin/nsenter", "/usr/bin/env", "/usr/bin/dash", "/usr/bin/bash", "/usr/bin/setpriv", "/usr/bin/getent", "/usr/bin/cat", "/usr/bin/readlink", "/usr/bin/tini", "/usr/bin/unshare", "/usr/bin/cut", "/usr/sbin/ip"];
const HELPERS = ["sandbox-enter", "sandbox-init", "learner-init"];

/** Compiles the stand-in library (tests/fixtures/poison/recorder.c) with the host's gcc. */
export function compileRecorder(): Buffer {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cp-poison-"));
  try {
    const out = path.join(dir, "recorder.so");
    execFileSync("gcc", ["-shared", "-fPIC", "-O2", "-o", out, path.join(__dirname, "..", "fixtures", "poison", "recorder.c")], { stdio: "pipe" });
    return fs.readFileSync(out);
  } catch (err) {
    throw new Error(`the poisoning tests compile a small library with gcc (npm test installs it): ${(err as Error).message}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function plantScript(recorder: Buffer): string {
  const P = STAND_IN_DIR;
  return `
set -u
P=${P}
mkdir -p $P/real $P/lib
# A log every user can append to (not in a sticky directory), for stand-ins run as ubuntu.
mkdir -p /run/cp-poison && chmod 0777 /run/cp-poison && touch /run/cp-poison/log && chmod 0666 /run/cp-poison/log
echo '${recorder.toString("base64")}' | base64 -d >$P/lib/loader.so
cp $P/lib/loader.so /usr/local/lib/libnss_cppoison.so.2
cp -L /usr/bin/dash $P/real/dash
# standin FILE VECTOR REAL: a script that records where it runs, then runs the real program.
standin() {
  cat >"$1" <<EOF
#!$P/real/dash
read -r a b c </proc/self/uid_map
l="cp-poison: vector=$2 prog=$1 uid_map=\\$a:\\$b:\\$c"
for f in /run/cp-poison.log /tmp/cp-poison.log /dev/shm/cp-poison.log /run/cp-poison/log /proc/1/fd/1; do echo "\\$l" >>"\\$f"; done 2>/dev/null
exec $3 "\\$@"
EOF
  chmod 0755 "$1"
}
planted() { echo "planted $1 $2"; }

# The privileged side's PATH: stand-ins in the directories searched first.
for name in ${PROGRAMS.join(" ")}; do
  real="$(command -v "$name")" || continue
  cp -L "$real" "$P/real/$name" 2>/dev/null
  for d in /usr/local/sbin /usr/local/bin; do
    standin "$d/$name" poison_path "$P/real/$name" && planted poison_path "$d/$name"
  done
done

# The programs themselves, replaced where they are (a bind mount in the learner's mount namespace).
for f in ${REPLACED.join(" ")}; do
  n="\${f##*/}"
  [ -x "$P/real/$n" ] || cp -L "$f" "$P/real/$n"
  standin "$P/replaced-$n" poison_programs "$P/real/$n"
  mount --bind "$P/replaced-$n" "$f" && planted poison_programs "$f"
done

# The entry helper and the inits, at their paths and at the old ones.
for n in ${HELPERS.join(" ")}; do
  standin "$P/helper-$n" poison_entry_helper /bin/true
  mount --bind "$P/helper-$n" "/usr/lib/container-playground/$n" 2>/dev/null && planted poison_entry_helper "/usr/lib/container-playground/$n"
  cp "$P/helper-$n" "/usr/local/sbin/$n" && planted poison_entry_helper "/usr/local/sbin/$n"
done

# The dynamic loader: a preloaded library, and a library directory in its configuration.
echo "$P/lib/loader.so" >/etc/ld.so.preload && planted poison_loader /etc/ld.so.preload
echo "$P/lib" >/etc/ld.so.conf.d/cp-poison.conf && planted poison_loader /etc/ld.so.conf.d/cp-poison.conf

# NSS, which anything that resolves a user name loads (sudo, getent, id, setpriv --init-groups).
sed -i -E 's/^(passwd|group|shadow):(\\s*)/\\1:\\2cppoison /' /etc/nsswitch.conf && planted poison_nss /etc/nsswitch.conf
ldconfig && planted poison_loader /etc/ld.so.cache

# Shell start-up files, which a privileged login shell would source.
standin "$P/mark" poison_shell_startup /bin/true
for f in /etc/profile.d/cp-poison.sh /etc/bash.bashrc /etc/profile /root/.bashrc /root/.profile /home/ubuntu/.bashrc /home/ubuntu/.profile; do
  echo "$P/mark" >>"$f" && planted poison_shell_startup "$f"
done

# Pid files the entry helper might trust, pointing at this world's PID 1.
mkdir -p /run/cp && echo 1 >/run/cp/inner.pid && planted poison_pid_file /run/cp/inner.pid
echo 1 >/run/cp-inner.pid && planted poison_pid_file /run/cp-inner.pid

touch ${LEARNER_WORLD_MARKER}
`;
}

/** Plants every stand-in as the learner's root; returns what was planted, per vector. */
export async function plantPoison(driver: SandboxDriver, sandbox: Sandbox, recorder: Buffer): Promise<Map<PoisonVector, string[]>> {
  const r = await driver.run(sandbox, { cmd: ["bash", "-c", plantScript(recorder)], user: "root", workingDir: "/root", timeoutMs: 120_000 });
  const planted = new Map<PoisonVector, string[]>();
  for (const m of r.stdout.matchAll(/^planted (\S+) (\S+)$/gm)) {
    const v = m[1] as PoisonVector;
    planted.set(v, [...(planted.get(v) ?? []), m[2]]);
  }
  const missing = POISON_VECTORS.filter((v) => !planted.has(v));
  if (missing.length) throw new Error(`could not plant ${missing.join(", ")} (${r.exitCode}): ${r.stdout.slice(-2000)}${r.stderr.slice(-2000)}`);
  return planted;
}

/** Runs a command on the privileged side directly (test only: no sandbox-enter). */
export async function privilegedExec(docker: Docker, sandbox: Sandbox, cmd: string[]): Promise<string> {
  const exec = await docker.getContainer(sandbox.id).exec({ Cmd: cmd, User: "root", Env: [], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (b: Buffer) => chunks.push(b));
  docker.modem.demuxStream(stream, out, out);
  await new Promise<void>((resolve, reject) => {
    stream.on("end", resolve);
    stream.on("close", resolve);
    stream.on("error", reject);
  });
  return Buffer.concat(chunks).toString();
}

/** Follows the sandbox's container log (where stand-ins running as root also record). */
export async function followPoisonLog(docker: Docker, sandbox: Sandbox): Promise<{ lines: () => string[]; stop: () => void }> {
  const logs = (await docker.getContainer(sandbox.id).logs({ follow: true, stdout: true, stderr: true, since: Math.floor(Date.now() / 1000) - 1 })) as unknown as NodeJS.ReadableStream & {
    destroy(): void;
  };
  const out = new PassThrough();
  let text = "";
  out.on("data", (b: Buffer) => (text += b.toString()));
  docker.modem.demuxStream(logs, out, out);
  logs.on("error", () => undefined);
  return { lines: () => text.split("\n").filter((l) => l.startsWith("cp-poison: ")), stop: () => logs.destroy() };
}

export interface PoisonRecord {
  vector: PoisonVector;
  prog: string;
  uidMap: string;
  /** Where it was read: the privileged side's files, the learner's files, or the container log. */
  where: "privileged" | "learner" | "log";
}

export function parseRecords(text: string, where: PoisonRecord["where"]): PoisonRecord[] {
  const records: PoisonRecord[] = [];
  for (const m of text.matchAll(/^cp-poison: vector=(\S+) prog=(\S+) uid_map=(\S+)$/gm)) {
    if ((POISON_VECTORS as readonly string[]).includes(m[1])) records.push({ vector: m[1] as PoisonVector, prog: m[2], uidMap: m[3], where });
  }
  return records;
}

/** The records left in the privileged side's own files (none may exist) and in the learner's. */
export async function collectRecords(driver: DockerDriver, sandbox: Sandbox): Promise<PoisonRecord[]> {
  const files = ["/run/cp-poison.log", "/tmp/cp-poison.log", "/dev/shm/cp-poison.log", "/run/cp-poison/log"];
  const privileged = await privilegedExec(driver.docker, sandbox, ["/bin/sh", "-c", `for f in ${files.join(" ")}; do [ -f "$f" ] && /bin/cat "$f"; done; true`]);
  const learner = await driver.run(sandbox, { cmd: ["sh", "-c", `cat ${files.join(" ")} 2>/dev/null; true`], user: "root", timeoutMs: 60_000 });
  return [...parseRecords(privileged, "privileged"), ...parseRecords(learner.stdout, "learner")];
}

/** A vector is open when any of its stand-ins ran as host root, or left a record on the privileged side. */
export function poisonTable(records: PoisonRecord[], extraOpen: Partial<Record<PoisonVector, string>> = {}): Map<PoisonVector, { open: boolean; detail: string }> {
  const table = new Map<PoisonVector, { open: boolean; detail: string }>();
  for (const v of POISON_VECTORS) {
    const mine = records.filter((r) => r.vector === v);
    const outside = mine.filter((r) => r.uidMap === HOST_ROOT_MAP || r.where === "privileged");
    const why = extraOpen[v];
    table.set(v, {
      open: outside.length > 0 || !!why,
      detail: why ?? (outside.length ? `ran as host root: ${[...new Set(outside.map((r) => r.prog))].join(", ")}` : `${mine.length} runs, all inside the learner's user namespace`),
    });
  }
  return table;
}

export function formatPoisonTable(table: Map<PoisonVector, { open: boolean; detail: string }>): string {
  return [...table].map(([v, r]) => `${v.padEnd(22)} ${r.open ? "OPEN   " : "blocked"} ${r.detail}`).join("\n");
}

/** Directories of the privileged side's PATH, library path and configuration. */
export const PRIVILEGED_DIRS = [
  "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin",
  "/usr/local/lib", "/lib", "/lib64", "/usr/lib", "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
  "/etc", "/etc/ld.so.conf.d", "/etc/profile.d", "/etc/sudoers.d", "/usr/lib/container-playground", "/run", "/run/cp", "/tmp", "/",
];

/**
 * The direct check: a file the learner's root creates in each privileged directory. Returns
 * the directories where the learner made one, and those where the privileged side sees it.
 */
export async function learnerFilesVisibleToPrivilegedSide(driver: DockerDriver, sandbox: Sandbox): Promise<{ made: string[]; visible: string[] }> {
  const token = `cp-visible-${Date.now().toString(36)}`;
  const made = await driver.run(sandbox, {
    cmd: ["bash", "-c", `for d in ${PRIVILEGED_DIRS.join(" ")}; do mkdir -p "$d" 2>/dev/null; touch "$d/${token}" 2>/dev/null && echo "$d"; done; true`],
    user: "root",
    timeoutMs: 60_000,
  });
  const seen = await privilegedExec(driver.docker, sandbox, ["/bin/sh", "-c", `for d in ${PRIVILEGED_DIRS.join(" ")}; do [ -e "$d/${token}" ] && echo "$d"; done; true`]);
  const lines = (s: string) => s.split("\n").map((l) => l.trim()).filter(Boolean);
  return { made: lines(made.stdout), visible: lines(seen) };
}
