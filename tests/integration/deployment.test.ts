// The production compose file is valid and wires two app replicas, the balancer, PostgreSQL
// and the host engine together (tests/e2e/failover.test.ts runs the balancer's nginx config).
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { parseDocument } from "yaml";

test("docker-compose.yml describes two app replicas behind nginx, PostgreSQL and the host's Docker engine", () => {
  const out = execFileSync("docker-compose", ["config"], {
    env: { ...process.env, POSTGRES_PASSWORD: "pw-for-test", SESSION_SECRET: "x".repeat(40) },
    encoding: "utf8",
  });
  for (const service of ["app-a", "app-b", "balancer", "db"]) assert.match(out, new RegExp(`^\\s{2}${service}:$`, "m"), service);
  const replica = (name: string) => out.slice(out.indexOf(`  ${name}:\n`)).split(/\n {2}\S/)[0];
  for (const name of ["app-a", "app-b"]) {
    const r = replica(name);
    assert.match(r, /DATABASE_URL: postgresql:\/\/playground:pw-for-test@127\.0\.0\.1:5432\/playground/, name);
    assert.match(r, new RegExp(`SERVER_ID: ${name}`), `${name} has its own server id`);
    assert.match(r, /TERMINAL_HOLDER: tmux/, "shells outlive a replica");
    assert.match(r, /HOST: 127\.0\.0\.1/, "only the balancer reaches a replica");
    assert.match(r, /network_mode: host/, "the app installs host firewall rules");
    assert.match(r, /NET_ADMIN/);
    assert.match(r, /SANDBOX_PROFILE: hardened/, "production runs the hardened profile by default");
    // Least privilege, and --privileged fails on kernels whose bounding set lacks a capability.
    assert.doesNotMatch(r, /privileged: true/, "not privileged");
    assert.match(r, /SYS_ADMIN/, "losetup for sandbox disks");
    assert.match(r, /device_cgroup_rules:\s+- b 7:\* rwm\s+- c 10:237 rwm/, "the loop devices and /dev/loop-control, nothing else");
    assert.match(r, /\/var\/run\/docker\.sock/);
    assert.match(r, /appdata:\/app\/data/, "disks and recordings shared by the replicas");
  }
  // The balancer's upstreams are the replicas' ports.
  const nginx = fs.readFileSync(path.join(__dirname, "..", "..", "deploy", "balancer", "nginx.conf"), "utf8");
  for (const name of ["app-a", "app-b"]) {
    const port = /PORT: '?(\d+)'?/.exec(replica(name))?.[1];
    assert.ok(port && nginx.includes(`server 127.0.0.1:${port} `), `nginx sends learners to ${name} (port ${port})`);
  }
  assert.match(nginx, /proxy_set_header Upgrade \$http_upgrade/, "WebSockets pass through");
  assert.match(out, /127\.0\.0\.1:5432/, "the database listens on loopback only");
  assert.match(out, /pgdata/);
  assert.match(out, /dockerfile: Dockerfile|context: /);
});

test("docker-compose.yml has no key twice (YAML readers keep the last one silently) and every replica waits for a healthy database", () => {
  const text = fs.readFileSync(path.join(__dirname, "..", "..", "docker-compose.yml"), "utf8");
  const doc = parseDocument(text, { uniqueKeys: true, merge: true });
  assert.deepEqual(doc.errors.map((e) => e.message), []);
  const compose = doc.toJS() as { services: Record<string, { depends_on?: Record<string, { condition: string }> | string[] }> };
  for (const name of ["app-a", "app-b"]) {
    assert.deepEqual(compose.services[name]?.depends_on, { db: { condition: "service_healthy" } }, name);
  }
});

test("the balancer's nginx configuration is valid for Debian's nginx", () => {
  const r = spawnSync("nginx", ["-t", "-c", path.join(__dirname, "..", "..", "deploy", "balancer", "nginx.conf")], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
});

test("the balancer's start script refuses a port that is not a number, and says which", () => {
  const r = spawnSync("sh", [path.join(__dirname, "..", "..", "deploy", "balancer", "start.sh")], {
    env: { ...process.env, PLAYGROUND_PORT: "3000", APP_A_PORT: "80; evil", APP_B_PORT: "3002" },
    encoding: "utf8",
  });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /APP_A_PORT must be a port number \(got '80; evil'\)/);
});

test("docker-compose refuses to start without the required secrets", () => {
  const env = { ...process.env };
  delete env.POSTGRES_PASSWORD;
  delete env.SESSION_SECRET;
  assert.throws(
    () => execFileSync("docker-compose", ["config"], { env, encoding: "utf8", stdio: "pipe" }),
    (err: { stderr?: string }) => /POSTGRES_PASSWORD|SESSION_SECRET/.test(String(err.stderr)),
  );
});
