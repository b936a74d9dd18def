import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { ConfigError, loadConfig, parseDatabaseUrl } from "../../server/config";

test("defaults give a runnable local setup", () => {
  const c = loadConfig({});
  assert.equal(c.port, 3000);
  assert.equal(c.database.provider, "sqlite");
  assert.equal(c.database.url, `file:${path.resolve("data", "playground.db")}`);
  assert.equal(c.sandbox.memoryBytes, 1024 * 1024 * 1024);
  assert.equal(c.sandbox.nanoCpus, 1e9);
  assert.equal(c.docker.privileged, "auto");
  assert.equal(c.session.maxMs, 240 * 60_000);
  assert.equal(c.session.idleMs, 30 * 60_000);
  assert.equal(c.session.warnMs, 5 * 60_000);
  assert.equal(c.terminalGraceMs, 600_000);
  assert.equal(c.sandbox.isolation, "enforce");
  assert.equal(c.dev, true);
});

test("values are parsed and converted", () => {
  const c = loadConfig({
    PORT: "8080",
    NODE_ENV: "production",
    SANDBOX_CPUS: "1.5",
    SANDBOX_MEMORY_MB: "512",
    SANDBOX_PRIVILEGED: "never",
    SANDBOX_AUTO_BUILD: "false",
    DATABASE_URL: "postgresql://u:p@db:5432/playground",
  });
  assert.equal(c.port, 8080);
  assert.equal(c.dev, false);
  assert.equal(c.sandbox.nanoCpus, 1.5e9);
  assert.equal(c.sandbox.memoryBytes, 512 * 1024 * 1024);
  assert.equal(c.docker.privileged, "never");
  assert.equal(c.sandbox.autoBuild, false);
  assert.deepEqual(c.database, { provider: "postgresql", url: "postgresql://u:p@db:5432/playground" });
});

test("bad values name every offending variable", () => {
  assert.throws(
    () => loadConfig({ PORT: "99999", SANDBOX_MEMORY_MB: "lots", SESSION_SECRET: "short" }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /PORT/);
      assert.match(err.message, /SANDBOX_MEMORY_MB/);
      assert.match(err.message, /SESSION_SECRET must be at least 32 characters/);
      return true;
    },
  );
});

test("database URLs: sqlite file paths resolve, unknown schemes are refused", () => {
  assert.deepEqual(parseDatabaseUrl("file:./x/y.db", "/d"), { provider: "sqlite", url: `file:${path.resolve("x/y.db")}` });
  assert.equal(parseDatabaseUrl("postgres://h/db", "/d").provider, "postgresql");
  assert.throws(() => parseDatabaseUrl("mysql://h/db", "/d"), /expected file:/);
  assert.throws(() => parseDatabaseUrl("file:", "/d"), /needs a path/);
});

test("empty variables mean the default", () => {
  const c = loadConfig({ SANDBOX_IMAGE: "", PORT: "", DATABASE_URL: "" });
  assert.equal(c.sandbox.image, undefined);
  assert.equal(c.port, 3000);
  assert.equal(c.database.provider, "sqlite");
});

test("security settings: profile, disk size, egress allow-list", () => {
  const c = loadConfig({ SANDBOX_PROFILE: "hardened", SANDBOX_DISK_MB: "2048", SANDBOX_EGRESS: "allowlist", SANDBOX_EGRESS_ALLOW: "10.0.0.5:5000, 192.168.0.0/16" });
  assert.equal(c.sandbox.profile, "hardened");
  assert.equal(c.sandbox.diskMb, 2048);
  assert.deepEqual(c.sandbox.egressAllow, [{ cidr: "10.0.0.5/32", port: 5000 }, { cidr: "192.168.0.0/16", port: undefined }]);
  assert.throws(() => loadConfig({ SANDBOX_EGRESS: "allowlist" }), /needs SANDBOX_EGRESS_ALLOW/);
  assert.throws(() => loadConfig({ SANDBOX_EGRESS_ALLOW: "mirror.example:80" }), /not an IPv4 address/);
  assert.throws(() => loadConfig({ SANDBOX_EGRESS_ALLOW: "10.0.0.1:70000" }), /not an IPv4 address/);
  assert.throws(() => loadConfig({ SANDBOX_PROFILE: "paranoid" }), /SANDBOX_PROFILE/);
});

test("hardened is the default; trusted beyond loopback needs the operator's explicit acceptance", () => {
  assert.equal(loadConfig({}).sandbox.profile, "hardened");
  assert.throws(() => loadConfig({ SANDBOX_PROFILE: "trusted" }), /take over this machine.*HOST=0\.0\.0\.0.*TRUSTED_PROFILE_ACCEPT_HOST_TAKEOVER=true/s);
  assert.throws(() => loadConfig({ SANDBOX_PROFILE: "trusted", HOST: "192.168.1.5" }), /TRUSTED_PROFILE_ACCEPT_HOST_TAKEOVER/);
  for (const host of ["127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.53"]) {
    assert.equal(loadConfig({ SANDBOX_PROFILE: "trusted", HOST: host }).sandbox.profile, "trusted", `loopback ${host} needs no acceptance`);
  }
  assert.equal(loadConfig({ SANDBOX_PROFILE: "trusted", TRUSTED_PROFILE_ACCEPT_HOST_TAKEOVER: "true" }).sandbox.profile, "trusted");
  assert.throws(() => loadConfig({ SANDBOX_PROFILE: "trusted", TRUSTED_PROFILE_ACCEPT_HOST_TAKEOVER: "maybe" }), /TRUSTED_PROFILE_ACCEPT_HOST_TAKEOVER/);
});
