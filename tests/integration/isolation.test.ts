// A sandbox reaches neither the host (a listener started here, the playground's own port)
// nor another sandbox; inside itself everything works. Each sandbox has its own network.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import net from "node:net";
import { after, before, test } from "node:test";
import { openDatabase, type Database_ } from "../../server/db";
import type { ActiveSandbox } from "../../server/sessions/playground-service";
import { PlaygroundService } from "../../server/sessions/playground-service";
import type { DockerDriver } from "../../server/sandbox/docker-driver";
import { leftovers, log, testConfig, testDriver } from "../helpers/env";

const config = testConfig();
let db: Database_;
let driver: DockerDriver;
let service: PlaygroundService;
let a: ActiveSandbox;
let b: ActiveSandbox;
let listener: net.Server;
let listenerPort: number;

async function user(): Promise<string> {
  const id = `g_${randomUUID().slice(0, 12)}`;
  await db.prisma.user.create({ data: { id } });
  return id;
}

before(async () => {
  driver = await testDriver(config);
  db = await openDatabase(config.database);
  service = new PlaygroundService({ prisma: db.prisma, driver, imageRef: driver.imageRef, limits: config.session, log });
  [a, b] = await Promise.all([service.open(await user()), service.open(await user())]);
  // A service on the host that no sandbox may reach, on every address.
  listener = net.createServer((s) => s.end("host-secret\n"));
  await new Promise<void>((r) => listener.listen(0, "0.0.0.0", r));
  listenerPort = (listener.address() as net.AddressInfo).port;
});

after(async () => {
  listener?.close();
  for (const s of [a, b]) if (s) await service.end(s.userId, "admin");
  for (const s of [a, b]) if (s) assert.deepEqual(await leftovers(driver.docker, s.sandbox.name), [], "container, volume and network removed");
  await db?.close();
});

async function sh(sandbox: ActiveSandbox, cmd: string, user = "root") {
  return driver.run(sandbox.sandbox, { cmd: ["sh", "-c", cmd], user, timeoutMs: 60_000 });
}

async function ipOf(sandbox: ActiveSandbox): Promise<{ ip: string; gateway: string; network: string }> {
  const info = await driver.docker.getContainer(sandbox.sandbox.id).inspect();
  const [network, settings] = Object.entries(info.NetworkSettings.Networks)[0];
  return { ip: settings.IPAddress, gateway: settings.Gateway, network };
}

test("each sandbox has a network of its own, from the configured pool", async () => {
  const na = await ipOf(a);
  const nb = await ipOf(b);
  assert.equal(na.network, `cp-${a.sandbox.name}-net`);
  assert.notEqual(na.network, nb.network);
  assert.match(na.ip, /^10\.213\./);
  assert.match(nb.ip, /^10\.213\./);
});

test("a sandbox cannot reach the host: not its gateway address, not the host's other addresses", async () => {
  const { gateway } = await ipOf(a);
  const hostIps = Object.values((await import("node:os")).networkInterfaces())
    .flat()
    .filter((i) => i && i.family === "IPv4" && !i.internal)
    .map((i) => i!.address);
  for (const ip of [gateway, ...hostIps]) {
    const r = await sh(a, `curl -sS -m 3 telnet://${ip}:${listenerPort} </dev/null; echo exit=$?`);
    assert.doesNotMatch(r.stdout, /host-secret/, `${ip}:${listenerPort} must be unreachable`);
    assert.match(r.stdout, /exit=(7|28)/, `connection to ${ip} fails or times out: ${r.stdout}${r.stderr}`);
  }
});

test("a sandbox cannot reach another sandbox", async () => {
  await sh(b, "mkdir -p /tmp/www && echo neighbour-page > /tmp/www/index.html && (busybox httpd -p 8081 -h /tmp/www &) ; sleep 0.5");
  const own = await sh(b, "curl -sS -m 3 http://127.0.0.1:8081/");
  assert.match(own.stdout, /neighbour-page/, "the server works inside its own sandbox");
  const { ip } = await ipOf(b);
  const r = await sh(a, `curl -sS -m 3 http://${ip}:8081/; echo exit=$?`);
  assert.doesNotMatch(r.stdout, /neighbour-page/);
  assert.match(r.stdout, /exit=(7|28)/);
});
