// Test hosts on this machine: each a network namespace linked to the host by a veth pair,
// at an address of our choosing (a cloud metadata address, a LAN address, a CGNAT address),
// answering HTTP with its own name. Sandboxes reach them (or not) through the host's routing
// and firewall exactly as they would reach real machines there.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";

export interface TestHost {
  name: string;
  address: string;
  close(): void;
}

function ip(...args: string[]): void {
  execFileSync("ip", args, { stdio: "pipe" });
}

/**
 * Makes a host at `address` (the /30 around it: the host side gets the first address, the
 * test host the second; pick `address` as the second of its /30). Serves "hello from <name>"
 * on TCP 80.
 */
export async function startTestHost(name: string, address: string): Promise<TestHost> {
  const ns = `cpt-${name}`;
  const hostSide = `cpt${name}`.slice(0, 15);
  const [a, b, c, d] = address.split(".").map(Number);
  const gateway = `${a}.${b}.${c}.${d - 1}`;
  stopTestHost(name); // a run that crashed may have left one
  ip("netns", "add", ns);
  ip("link", "add", hostSide, "type", "veth", "peer", "name", "eth0", "netns", ns);
  ip("addr", "add", `${gateway}/30`, "dev", hostSide);
  ip("link", "set", hostSide, "up");
  ip("-n", ns, "link", "set", "lo", "up");
  ip("-n", ns, "addr", "add", `${address}/30`, "dev", "eth0");
  ip("-n", ns, "link", "set", "eth0", "up");
  ip("-n", ns, "route", "add", "default", "via", gateway);
  const server: ChildProcess = spawn(
    "ip",
    [
      "netns",
      "exec",
      ns,
      "python3",
      "-c",
      // socketserver.TCPServer, not http.server.HTTPServer: the latter looks up its own name
      // (getfqdn) on start, which in a namespace without DNS waits seconds for timeouts.
      `import http.server as h, socketserver
class H(h.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"hello from ${name}\\n"
        self.send_response(200); self.send_header("content-length", str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
socketserver.TCPServer.allow_reuse_address = True
socketserver.TCPServer(("${address}", 80), H).serve_forever()`,
    ],
    { stdio: "ignore" },
  );
  // Ready once it answers from the host side.
  for (let i = 0; i < 100; i++) {
    try {
      execFileSync("curl", ["-sf", "-m", "1", `http://${address}/`], { stdio: "pipe" });
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    name,
    address,
    close: () => {
      server.kill();
      stopTestHost(name);
    },
  };
}

export function stopTestHost(name: string): void {
  try {
    execFileSync("ip", ["netns", "pids", `cpt-${name}`], { stdio: "pipe" })
      .toString()
      .split("\n")
      .filter(Boolean)
      .forEach((pid) => {
        try {
          process.kill(Number(pid), "SIGKILL");
        } catch {
          /* gone already */
        }
      });
  } catch {
    /* no such namespace */
  }
  try {
    ip("netns", "del", `cpt-${name}`);
  } catch {
    /* no such namespace */
  }
  try {
    ip("link", "del", `cpt${name}`.slice(0, 15));
  } catch {
    /* gone with the namespace */
  }
}
