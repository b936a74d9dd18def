// The peer: wetty, installed on demand into bench/peer (pinned by its package-lock) and started
// on a free port with `docker exec -it` into the same sandbox as the others. wetty runs the
// command locally only as root (otherwise it would ssh); the benchmarks run as root.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { SHELL_ENV } from "./terminals";

const PEER_DIR = path.join(__dirname, "..", "peer");
const MAIN = path.join(PEER_DIR, "node_modules", "wetty", "build", "main.js");

export function ensurePeerInstalled(): void {
  if (fs.existsSync(MAIN)) return;
  console.log("installing the peer web terminal (wetty) into bench/peer…");
  execFileSync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: PEER_DIR, stdio: "inherit" });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

export interface PeerServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startPeer(containerName: string): Promise<PeerServer> {
  if (process.getuid?.() !== 0) throw new Error("the peer (wetty) runs a local command only as root: run the benchmarks as root");
  ensurePeerInstalled();
  const port = await freePort();
  const env = SHELL_ENV.flatMap((e) => ["-e", e]).join(" ");
  const command = `docker exec -it -u ubuntu -w /home/ubuntu ${env} ${containerName} bash -l`;
  const child: ChildProcess = spawn(process.execPath, [MAIN, "--host", "127.0.0.1", "--port", String(port), "--base", "/wetty", "--ssh-host", "localhost", "--command", command], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, NODE_ENV: "production" },
  });
  let stderr = "";
  child.stderr?.on("data", (b: Buffer) => (stderr = (stderr + b.toString()).slice(-2000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ok = await fetch(`${url}/wetty`).then((r) => r.ok, () => false);
    if (ok) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL"); // never leave a half-started peer behind
      throw new Error(`wetty did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
