// The production compose file is valid and wires the app to PostgreSQL and the host engine.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";

test("docker-compose.yml describes app + PostgreSQL + the host's Docker engine", () => {
  const out = execFileSync("docker-compose", ["config"], {
    env: { ...process.env, POSTGRES_PASSWORD: "pw-for-test", SESSION_SECRET: "x".repeat(40) },
    encoding: "utf8",
  });
  assert.match(out, /^\s{2}app:$/m);
  assert.match(out, /^\s{2}db:$/m);
  assert.match(out, /DATABASE_URL: postgresql:\/\/playground:pw-for-test@127\.0\.0\.1:5432\/playground/);
  assert.match(out, /network_mode: host/, "the app installs host firewall rules");
  assert.match(out, /NET_ADMIN/);
  assert.match(out, /SANDBOX_PROFILE: hardened/, "production runs the hardened profile by default");
  assert.match(out, /privileged: true/, "the app makes loop devices for sandbox disks");
  assert.match(out, /127\.0\.0\.1:5432/, "the database listens on loopback only");
  assert.match(out, /\/var\/run\/docker\.sock/);
  assert.match(out, /pgdata/);
  assert.match(out, /dockerfile: Dockerfile|context: /);
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
