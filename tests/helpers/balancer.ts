// nginx from Debian in front of two app servers, with the configuration docker-compose.yml
// ships (deploy/balancer/nginx.conf: WebSocket upgrades passed through, the Host header
// kept for the app's same-origin checks, the next server tried when one refuses), moved to
// the test's ports. Runs as the test's own process, with its own prefix.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { tempDataDir } from "./env";

export interface Balancer {
  url: string;
  stop(): Promise<void>;
}

/** A free TCP port on loopback (for servers that must come back on the same one). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

/** The shipped balancer configuration (docker-compose.yml's nginx). */
export const SHIPPED_CONFIG = path.join(__dirname, "..", "..", "deploy", "balancer", "nginx.conf");

/**
 * The shipped configuration, moved to this test's ports and a private prefix: the replicas'
 * loopback ports become `upstreams`, the public port `port`. Each change must apply, so a
 * reshaped shipped file breaks the test instead of being tested half.
 */
export function balancerConfig(dir: string, port: number, upstreams: number[]): string {
  let conf = fs.readFileSync(SHIPPED_CONFIG, "utf8");
  const swap = (from: string | RegExp, to: string) => {
    const next = conf.replace(from, to);
    if (next === conf) throw new Error(`deploy/balancer/nginx.conf no longer has ${from}`);
    conf = next;
  };
  swap(/^error_log .*$/m, `error_log ${dir}/error.log warn;`);
  swap(/^pid .*$/m, `pid ${dir}/nginx.pid;`);
  swap(/^http \{$/m, `http {\n${["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((t) => `  ${t}_temp_path ${dir}/${t};`).join("\n")}`);
  swap("server 127.0.0.1:3001 ", `server 127.0.0.1:${upstreams[0]} `);
  swap("server 127.0.0.1:3002 ", `server 127.0.0.1:${upstreams[1]} `);
  swap(/listen 3000;/, `listen 127.0.0.1:${port};`);
  return conf;
}

export async function startBalancer(upstreams: number[]): Promise<Balancer> {
  const nginx = ["/usr/sbin/nginx", "/usr/bin/nginx"].find((p) => fs.existsSync(p));
  if (!nginx) throw new Error("nginx is not installed: run sudo bash scripts/system-packages.sh test");
  const dir = path.join(tempDataDir(), "nginx");
  fs.mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const conf = path.join(dir, "nginx.conf");
  fs.writeFileSync(conf, balancerConfig(dir, port, upstreams));
  const check = spawnSync(nginx, ["-t", "-q", "-p", dir, "-c", conf], { encoding: "utf8" });
  if (check.status !== 0) throw new Error(`nginx refused its configuration: ${check.stderr}`);
  const child = spawn(nginx, ["-p", dir, "-c", conf, "-g", "daemon off;"], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${stderr}`);
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => (s.end(), resolve(true)));
      s.on("error", () => resolve(false));
    });
    if (up) break;
    if (i > 600) throw new Error("nginx did not listen within a minute");
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGQUIT");
      }),
  };
}
