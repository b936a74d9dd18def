// Ways root in a sandbox could become root on the host, each tried harmlessly (values are
// written back unchanged, nothing is loaded or mounted for real). Run as the learner's root:
// every line of output is "<vector> open|blocked <detail>".
import os from "node:os";
import Docker from "dockerode";
import { DockerDriver } from "../../server/sandbox/docker/driver";
import type { Sandbox, SandboxDriver } from "../../server/sandbox/driver";
import { documentedVectors } from "./documented";

export const ESCAPE_VECTORS = [
  "core_pattern",
  "host_block_device",
  "kernel_module",
  "release_agent",
  "proc_kcore",
  "dev_mem",
  "host_docker_socket",
] as const;
export type EscapeVector = (typeof ESCAPE_VECTORS)[number];

function script(hostEngineId: string, hostAddresses: string[]): string {
  return `
set -u
report() { echo "$1 $2 $(echo "$3" | tr '\n' ' ' | cut -c1-160)"; }

# Writing the host's core_pattern runs any program as host root on the next crash.
# The current value is written back unchanged: proof of access without changing anything.
v="$(cat /proc/sys/kernel/core_pattern 2>&1)"
if out="$(printf '%s\n' "$v" 2>&1 >/proc/sys/kernel/core_pattern)"; then report core_pattern open "wrote it back: $v"; else report core_pattern blocked "$out"; fi

# The host's disk, as a block device node (major:minor of the filesystem behind /etc/hostname).
dev="$(awk '$5 == "/etc/hostname" { print $3; exit }' /proc/self/mountinfo)"
mkdir -p /tmp/escape-mnt
if out="$(mknod /tmp/escape-disk b "\${dev%%:*}" "\${dev##*:}" 2>&1 && mount -o ro /tmp/escape-disk /tmp/escape-mnt 2>&1)"; then
  report host_block_device open "mounted $dev read-only"; umount /tmp/escape-mnt
else report host_block_device blocked "$dev: $out"; fi
rm -f /tmp/escape-disk

# A kernel module: EPERM means no CAP_SYS_MODULE, ENOSYS a kernel without modules; any other
# error means the kernel parsed what we sent.
printf 'not-a-module' >/tmp/escape.ko
out="$(busybox insmod /tmp/escape.ko 2>&1)"
case "$out" in
  *"not permitted"*) report kernel_module blocked "$out" ;;
  *"does not support"*) report kernel_module blocked "this kernel loads no modules: $out" ;;
  *) report kernel_module open "the kernel parsed it: $out" ;;
esac
rm -f /tmp/escape.ko

# A cgroup v1 release_agent runs as host root when a cgroup empties: existing hierarchies,
# then a freshly mounted one (the classic escape). The value is written back unchanged.
try_agent() { local v; v="$(cat "$1" 2>/dev/null)" || return 1; { printf '%s\n' "$v" >"$1"; } 2>/dev/null; }
found=""
for f in /sys/fs/cgroup/*/release_agent; do
  [ -e "$f" ] && try_agent "$f" && { found="$f"; break; }
done
if [ -z "$found" ]; then
  mkdir -p /tmp/escape-cg
  if mount -t cgroup -o rdma cgroup /tmp/escape-cg 2>/dev/null || mount -t cgroup -o memory cgroup /tmp/escape-cg 2>/dev/null; then
    try_agent /tmp/escape-cg/release_agent && found="a new cgroup mount"
    umount /tmp/escape-cg
  fi
fi
if [ -n "$found" ]; then report release_agent open "wrote $found"; else report release_agent blocked "no writable release_agent"; fi

# Kernel memory.
n="$(head -c 16 /proc/kcore 2>/dev/null | wc -c)"
if [ "$n" -gt 0 ]; then report proc_kcore open "read $n bytes"; else report proc_kcore blocked "$(head -c 1 /proc/kcore 2>&1 >/dev/null)"; fi
if out="$(mknod /tmp/escape-mem c 1 1 2>&1)"; then
  n="$(head -c 16 /tmp/escape-mem 2>/dev/null | wc -c)"
  if [ "$n" -gt 0 ]; then report dev_mem open "read $n bytes"; else report dev_mem blocked "$(head -c 1 /tmp/escape-mem 2>&1 >/dev/null)"; fi
else report dev_mem blocked "$out"; fi
rm -f /tmp/escape-mem

# The host's Docker engine: any socket file that answers with the host engine's ID, or
# the API on a TCP port of the host.
hit=""
for s in /var/run/docker.sock /run/docker.sock /var/run/docker-host.sock; do
  [ -S "$s" ] || continue
  if curl -s -m 3 --unix-socket "$s" http://docker/info 2>/dev/null | grep -q "${hostEngineId}"; then hit="socket $s"; fi
done
for a in $(ip -4 route | awk '/default/ { print $3 }') ${hostAddresses.join(" ")}; do
  for p in 2375 2376; do
    if curl -s -m 2 "http://$a:$p/info" 2>/dev/null | grep -q "${hostEngineId}"; then hit="tcp $a:$p"; fi
  done
done
if [ -n "$hit" ]; then report host_docker_socket open "$hit"; else report host_docker_socket blocked "no socket or port answers as the host engine"; fi
`;
}

export interface EscapeResult {
  vector: EscapeVector;
  open: boolean;
  detail: string;
}

/** This host's IPv4 addresses: where the suite looks for the host's Docker API. */
export function hostAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flat()
    .filter((i) => i && i.family === "IPv4")
    .map((i) => i!.address);
}

/** Runs the suite as the learner's root in `sandbox` (any engine; the host's Docker engine is the one looked for). */
export async function runEscapeSuite(driver: SandboxDriver, sandbox: Sandbox, hostAddresses: string[]): Promise<EscapeResult[]> {
  const hostDocker = driver instanceof DockerDriver ? driver.docker : new Docker();
  const hostEngineId = String((await hostDocker.info()).ID);
  const r = await driver.run(sandbox, { cmd: ["bash", "-c", script(hostEngineId, hostAddresses)], user: "root", timeoutMs: 120_000 });
  const results: EscapeResult[] = [];
  for (const line of r.stdout.split("\n")) {
    const m = /^(\S+) (open|blocked) ?(.*)$/.exec(line);
    if (m && (ESCAPE_VECTORS as readonly string[]).includes(m[1])) {
      results.push({ vector: m[1] as EscapeVector, open: m[2] === "open", detail: m[3] });
    }
  }
  const missing = ESCAPE_VECTORS.filter((v) => !results.some((x) => x.vector === v));
  if (missing.length) throw new Error(`escape suite did not report ${missing.join(", ")}: ${r.stdout}${r.stderr}`);
  return results;
}

export function formatEscapeTable(results: EscapeResult[]): string {
  return results.map((r) => `${r.vector.padEnd(20)} ${r.open ? "OPEN   " : "blocked"} ${r.detail}`).join("\n");
}

/** The escape table in SECURITY.md, for one profile (or the LXD engine's column, "lxd"). */
export function documentedEscapes(profile: "trusted" | "hardened" | "lxd"): Map<EscapeVector, "open" | "blocked"> {
  return documentedVectors(profile, ESCAPE_VECTORS);
}
