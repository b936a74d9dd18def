// A sandbox reaches neither the host (a listener started here, the playground's own port)
// nor another sandbox, in both profiles; only the egress allow-list opens a way (here to an
// allow-listed listener on the host). Each sandbox has its own network. Rules go away when
// no sandbox of their installation is left, and never take another installation's with them.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import net from "node:net";
import os from "node:os";
import { after, before, test } from "node:test";
import { openDatabase, type Database_ } from "../../server/db";
import type { ActiveSandbox } from "../../server/sessions/playground-service";
import { PlaygroundService } from "../../server/sessions/playground-service";
import type { DockerDriver } from "../../server/sandbox/docker/driver";
import { firewallInstalled } from "../../server/sandbox/docker/firewall";
import type { Config } from "../../server/config";
import { leftovers, log, testConfig, testDriver } from "../helpers/env";

let config: Config;
let db: Database_;
let driver: DockerDriver;
let hardenedDriver: DockerDriver;
let service: PlaygroundService;
let hardenedService: PlaygroundService;
let a: ActiveSandbox;
let b: ActiveSandbox;
/** A hardened sandbox: its learner namespace is NATed through the container's address. */
let c: ActiveSandbox;
const users: [PlaygroundService, string][] = [];
let listener: net.Server;
let listenerPort: number;
let allowed: net.Server;
let allowedPort: number;
let hostIp: string;

/** The host's main address (not a Docker bridge). */
function mainHostIp(): string {
  const found = Object.entries(os.networkInterfaces())
    .filter(([name]) => !/^(docker|br-|veth|lo)/.test(name))
    .flatMap(([, addrs]) => addrs ?? [])
    .find((i) => i.family === "IPv4" && !i.internal);
  if (!found) throw new Error("this test needs a host network interface besides Docker's bridges");
  return found.address;
}

async function listen(text: string): Promise<[net.Server, number]> {
  const server = net.createServer((s) => s.end(`${text}\n`));
  await new Promise<void>((r) => server.listen(0, "0.0.0.0", r));
  return [server, (server.address() as net.AddressInfo).port];
}

async function user(): Promise<string> {
  const id = `g_${randomUUID().slice(0, 12)}`;
  await db.prisma.user.create({ data: { id } });
  return id;
}

before(async () => {
  // A service on the host that no sandbox may reach, on every address, and a "mirror" that
  // the allow-list opens.
  [listener, listenerPort] = await listen("host-secret");
  [allowed, allowedPort] = await listen("mirror-ok");
  hostIp = mainHostIp();
  config = testConfig({ SANDBOX_EGRESS: "allowlist", SANDBOX_EGRESS_ALLOW: `${hostIp}:${allowedPort}` });
  driver = await testDriver(config);
  hardenedDriver = await testDriver({ ...config, sandbox: { ...config.sandbox, profile: "hardened" } });
  db = await openDatabase(config.database);
  service = new PlaygroundService({ prisma: db.prisma, driver, imageRef: driver.image, limits: config.session, log });
  hardenedService = new PlaygroundService({ prisma: db.prisma, driver: hardenedDriver, imageRef: driver.image, limits: config.session, log });
  const [ua, ub, uc] = [await user(), await user(), await user()];
  users.push([service, ua], [service, ub], [hardenedService, uc]);
  [a, b, c] = await Promise.all([service.open(ua), service.open(ub), hardenedService.open(uc)]);
});

after(async () => {
  listener?.close();
  allowed?.close();
  // Every learner this file made, even when a start failed halfway (nothing may leak).
  for (const [svc, id] of users) await svc.end(id, "admin");
  for (const s of [a, b, c]) if (s) assert.deepEqual(await leftovers(driver.docker, s.sandbox.name, config.docker.diskDir), [], "container, volume, network and disk removed");
  await db?.close();
});

async function sh(sandbox: ActiveSandbox, cmd: string, user = "root") {
  const d = sandbox === c ? hardenedDriver : driver;
  return d.run(sandbox.sandbox, { cmd: ["sh", "-c", cmd], user, timeoutMs: 60_000 });
}

async function ipOf(sandbox: ActiveSandbox): Promise<{ ip: string; gateway: string; network: string }> {
  const info = await driver.docker.getContainer(sandbox.sandbox.id).inspect();
  const [network, settings] = Object.entries(info.NetworkSettings.Networks)[0];
  return { ip: settings.IPAddress, gateway: settings.Gateway, network };
}

test("each sandbox has a network of its own, from the configured pool", async () => {
  await sh(b, "mkdir -p /tmp/www && echo neighbour-page > /tmp/www/index.html && (busybox httpd -p 8081 -h /tmp/www &) ; sleep 0.5");
  const na = await ipOf(a);
  const nb = await ipOf(b);
  assert.equal(na.network, `cp-${a.sandbox.name}-net`);
  assert.notEqual(na.network, nb.network);
  assert.match(na.ip, /^10\.213\./);
  assert.match(nb.ip, /^10\.213\./);
});

for (const [profile, pick] of [["trusted", () => a], ["hardened", () => c]] as const) {
  test(`${profile}: a sandbox cannot reach the host: not its gateway address, not the host's other addresses`, async () => {
    const from = pick();
    const { gateway } = await ipOf(from);
    const hostIps = Object.values(os.networkInterfaces())
      .flat()
      .filter((i) => i && i.family === "IPv4" && !i.internal)
      .map((i) => i!.address);
    for (const ip of [gateway, ...hostIps]) {
      const r = await sh(from, `curl -sS -m 3 telnet://${ip}:${listenerPort} </dev/null; echo exit=$?`);
      assert.doesNotMatch(r.stdout, /host-secret/, `${ip}:${listenerPort} must be unreachable`);
      assert.match(r.stdout, /exit=(7|28)/, `connection to ${ip} fails or times out: ${r.stdout}${r.stderr}`);
    }
  });

  test(`${profile}: a sandbox cannot reach another sandbox`, async () => {
    const from = pick();
    const r = await sh(from, `curl -sS -m 3 http://${(await ipOf(b)).ip}:8081/; echo exit=$?`);
    assert.doesNotMatch(r.stdout, /neighbour-page/);
    assert.match(r.stdout, /exit=(7|28)/);
  });

  test(`${profile}: the allow-listed mirror is reachable, nothing else outside`, async () => {
    const from = pick();
    const ok = await sh(from, `curl -sS -m 5 telnet://${hostIp}:${allowedPort} </dev/null; echo exit=$?`);
    assert.match(ok.stdout, /mirror-ok/, `the allow-listed ${hostIp}:${allowedPort} answers: ${ok.stdout}${ok.stderr}`);
    // A public address (the Debian mirror this machine installs from) is not on the list.
    const out = await sh(from, "curl -sS -m 5 -o /dev/null -w '%{http_code}' http://deb.debian.org/debian/; echo exit=$?");
    assert.doesNotMatch(out.stdout, /^200/, "egress outside the allow-list is dropped");
    assert.match(out.stdout, /exit=[1-9]/);
  });
}

test("the neighbour's server works inside its own sandbox", async () => {
  const own = await sh(b, "curl -sS -m 3 http://127.0.0.1:8081/");
  assert.match(own.stdout, /neighbour-page/);
});

test("the firewall rules go away when no sandbox is left, and come back with the next one", async () => {
  const plan = driver.firewallPlan();
  assert.equal(await firewallInstalled(plan), true);
  assert.equal(await driver.releaseIsolation(), false, "kept while sandboxes run");
  for (const s of [a, b]) await service.end(s.userId, "admin");
  await hardenedService.end(c.userId, "admin");
  assert.equal(await driver.releaseIsolation(), true, "removed when none is left");
  assert.equal(await firewallInstalled(plan), false);
  const again = await user();
  users.push([service, again]);
  a = await service.open(again);
  assert.equal(await firewallInstalled(plan), true, "reinstalled before the next sandbox starts");
  await service.end(a.userId, "admin");
});

test("another playground on the same engine keeps its rules, and its sandboxes their boundary, when this one's go away", async () => {
  // A second installation (its own INSTANCE_ID and data) with a learner, as on a machine that
  // runs two playgrounds (or a test run beside a class).
  const otherConfig = testConfig({ SANDBOX_EGRESS: "allowlist", SANDBOX_EGRESS_ALLOW: `${hostIp}:${allowedPort}` });
  const otherDriver = await testDriver(otherConfig);
  const otherService = new PlaygroundService({ prisma: db.prisma, driver: otherDriver, imageRef: otherDriver.image, limits: otherConfig.session, log });
  const neighbour = await user();
  users.push([otherService, neighbour]);
  const theirs = await otherService.open(neighbour);
  try {
    const mine = await user();
    users.push([service, mine]);
    await service.open(mine);
    await service.end(mine, "admin");
    assert.equal(await driver.releaseIsolation(), true, "this playground's rules go when its last sandbox does");
    assert.equal(await firewallInstalled(driver.firewallPlan()), false);
    assert.equal(await firewallInstalled(otherDriver.firewallPlan()), true, "the other playground's rules stay");
    const r = await otherDriver.run(theirs.sandbox, { cmd: ["sh", "-c", `curl -sS -m 3 telnet://${hostIp}:${listenerPort} </dev/null; echo exit=$?`], user: "root", timeoutMs: 60_000 });
    assert.doesNotMatch(r.stdout, /host-secret/, "the other playground's sandbox still cannot reach the host");
    assert.match(r.stdout, /exit=(7|28)/);
  } finally {
    await otherService.end(neighbour, "admin");
  }
  assert.equal(await otherDriver.releaseIsolation(), true);
  assert.deepEqual(await leftovers(otherDriver.docker, theirs.sandbox.name, otherConfig.docker.diskDir), []);
});
