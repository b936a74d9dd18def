// What a figure was measured on: CPUs, memory, kernel, Node, Docker, and the code's commit.
import { execFileSync } from "node:child_process";
import os from "node:os";

function run(cmd: string, args: string[]): string | null {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 10_000 }).trim();
  } catch {
    return null;
  }
}

export function machine() {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    memoryGiB: Number((os.totalmem() / 1024 ** 3).toFixed(1)),
    kernel: os.release(),
    node: process.version,
    docker: run("docker", ["version", "--format", "{{.Server.Version}}"]),
    commit: run("git", ["rev-parse", "--short", "HEAD"]),
  };
}
