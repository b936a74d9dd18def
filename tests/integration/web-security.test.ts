// The web side of being safe on a network: origin checks on sockets and state-changing
// routes, JSON-only routes, separate cookie keys, health details only for this machine or
// staff, staff sign-in limits that slow an attacker without locking out the instructor, and
// signing out (or expiry) ending that person's dashboard sockets.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { io } from "socket.io-client";
import { startApp, type RunningApp } from "../../server/app";
import { loginSlowdownMs } from "../../server/auth/staff";
import { loadOrCreateSecret } from "../../server/auth/secret";
import type { Config } from "../../server/config";
import { guestCookie } from "../helpers/client";
import { log, requireDocker, requireSandboxImage, testConfig, until } from "../helpers/env";
import { httpClient, staffLogin } from "../helpers/staff";

const ADMIN = { email: "web@example.org", password: "correct horse battery" };

async function start(settings: Record<string, string>): Promise<{ app: RunningApp; config: Config }> {
  const image = await requireSandboxImage(await requireDocker());
  const config = testConfig({ SANDBOX_IMAGE: image.ref, MIRROR: "off", ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, ...settings });
  return { app: await startApp(config, log, { withNext: false }), config };
}

/** Whether a socket.io handshake with these headers is accepted. */
function handshake(url: string, headers: Record<string, string>, namespace = ""): Promise<boolean> {
  const socket = io(`${url}${namespace}`, { transports: ["websocket"], reconnection: false, forceNew: true, extraHeaders: headers });
  return new Promise((resolve) => {
    socket.once("connect", () => (socket.close(), resolve(true)));
    socket.once("connect_error", () => (socket.close(), resolve(false)));
  });
}

describe("without PUBLIC_URL: same-origin only", () => {
  let app: RunningApp;
  let config: Config;
  before(async () => ({ app, config } = await start({ TRUST_PROXY: "loopback" })));
  after(async () => app?.close());

  test("a page on another site can neither open a socket nor change state; the playground's own page can", async () => {
    const cookie = await guestCookie(app.url);
    const host = new URL(app.url).host;
    assert.equal(await handshake(app.url, { cookie, origin: "http://evil.example" }), false, "learner socket from another site");
    assert.equal(await handshake(app.url, { cookie, origin: `http://${host}` }), true, "learner socket from the playground's page");
    const staff = await staffLogin(app.url, ADMIN.email, ADMIN.password);
    assert.equal(await handshake(app.url, { cookie: staff, origin: "http://evil.example" }, "/staff"), false, "/staff socket from another site");
    assert.equal(await handshake(app.url, { cookie: staff, origin: `http://${host}` }, "/staff"), true);
    for (const [path, body] of [["/api/guest", {}], ["/api/staff/login", ADMIN], ["/api/me/name", { name: "Mallory" }]] as const) {
      const res = await fetch(`${app.url}${path}`, { method: "POST", headers: { "content-type": "application/json", origin: "http://evil.example", cookie }, body: JSON.stringify(body) });
      assert.equal(res.status, 403, `${path} from another site`);
      assert.match(((await res.json()) as { error: string }).error, /another site/);
    }
  });

  test("POST /api/guest takes JSON only (a cross-site form cannot post it)", async () => {
    const form = await fetch(`${app.url}/api/guest`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "a=1" });
    assert.equal(form.status, 415);
    assert.equal(form.headers.get("set-cookie"), null);
  });

  test("guest and staff cookies are signed with separate keys; a guest cookie of the old single key still works and is re-signed", async () => {
    const secret = loadOrCreateSecret(undefined, config.dataDir);
    // A staff cookie's value in the guest cookie's place is no identity.
    const staffValue = (await staffLogin(app.url, ADMIN.email, ADMIN.password)).split("=")[1];
    const me = await fetch(`${app.url}/api/me`, { headers: { cookie: `cp_guest=${staffValue}` } });
    assert.equal(me.status, 401);
    // An existing guest whose cookie was signed with the raw secret (before derived keys).
    const userId = "g_legacyguest01";
    await app.db.prisma.user.create({ data: { id: userId, kind: "guest" } });
    const legacy = `cp_guest=${userId}.${createHmac("sha256", secret).update(userId).digest("base64url")}`;
    assert.equal((await fetch(`${app.url}/api/me`, { headers: { cookie: legacy } })).status, 200, "still this learner");
    const renewed = await fetch(`${app.url}/api/guest`, { method: "POST", headers: { "content-type": "application/json", cookie: legacy }, body: "{}" });
    const fresh = renewed.headers.get("set-cookie")?.split(";")[0] ?? "";
    assert.match(fresh, new RegExp(`^cp_guest=${userId}\\.`), "re-signed with the guest key");
    assert.notEqual(fresh, legacy);
  });

  test("/api/health gives details to this machine and to staff, a bare status to everyone else", async () => {
    const local = (await (await fetch(`${app.url}/api/health`)).json()) as Record<string, unknown>;
    assert.ok("database" in local && "docker" in local, "details for a local caller");
    const remote = (await (await fetch(`${app.url}/api/health`, { headers: { "x-forwarded-for": "203.0.113.4" } })).json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(remote), ["ok"]);
    const staff = await staffLogin(app.url, ADMIN.email, ADMIN.password);
    const forStaff = (await (await fetch(`${app.url}/api/health`, { headers: { "x-forwarded-for": "203.0.113.4", cookie: staff } })).json()) as Record<string, unknown>;
    assert.ok("docker" in forStaff, "details for staff");
  });

  test("staff sign-in: attempts count before the password is compared; wrong passwords slow an email down but never lock out its owner", async () => {
    // 35 guesses at once from one address: each is counted before bcrypt runs, so only 30 are tried.
    const guesses = await Promise.all(
      Array.from({ length: 35 }, (_, i) =>
        fetch(`${app.url}/api/staff/login`, { method: "POST", headers: { "content-type": "application/json", "x-forwarded-for": "198.51.100.99" }, body: JSON.stringify({ email: `guess${i}@example.org`, password: "wrong wrong" }) }),
      ),
    );
    const codes = guesses.map((r) => r.status).sort();
    assert.equal(codes.filter((c) => c === 401).length, 30);
    assert.equal(codes.filter((c) => c === 429).length, 5);
    // Seven wrong passwords for the instructor's email from several addresses: the right one still works.
    for (let i = 0; i < 7; i++) {
      const r = await fetch(`${app.url}/api/staff/login`, { method: "POST", headers: { "content-type": "application/json", "x-forwarded-for": `198.51.100.${i + 10}` }, body: JSON.stringify({ email: ADMIN.email, password: "not the password" }) });
      assert.equal(r.status, 401);
    }
    const ok = await fetch(`${app.url}/api/staff/login`, { method: "POST", headers: { "content-type": "application/json", "x-forwarded-for": "198.51.100.50" }, body: JSON.stringify(ADMIN) });
    assert.equal(ok.status, 200, "the instructor is slowed down, not locked out");
  });

  test("signing out, or the session expiring, disconnects that person's /staff sockets", async () => {
    const cookie = await staffLogin(app.url, ADMIN.email, ADMIN.password);
    const socket = io(`${app.url}/staff`, { transports: ["websocket"], reconnection: false, forceNew: true, extraHeaders: { cookie } });
    await new Promise<void>((resolve, reject) => (socket.once("connect", resolve), socket.once("connect_error", reject)));
    const gone = new Promise<void>((resolve) => socket.once("disconnect", () => resolve()));
    assert.equal((await httpClient(app.url).post("/api/staff/logout", {}, cookie)).status, 200);
    await gone;

    const soon = await staffLogin(app.url, ADMIN.email, ADMIN.password);
    await app.db.prisma.staffSession.updateMany({ where: {}, data: { expiresAt: new Date(Date.now() + 1500) } });
    const expiring = io(`${app.url}/staff`, { transports: ["websocket"], reconnection: false, forceNew: true, extraHeaders: { cookie: soon } });
    await new Promise<void>((resolve, reject) => (expiring.once("connect", resolve), expiring.once("connect_error", reject)));
    let disconnected = false;
    expiring.once("disconnect", () => (disconnected = true));
    await until("the expired session's socket is disconnected", () => disconnected, 20_000);
  });
});

describe("with PUBLIC_URL: exactly that origin", () => {
  let app: RunningApp;
  before(async () => ({ app } = await start({ PUBLIC_URL: "https://play.example.org" })));
  after(async () => app?.close());

  test("only the configured origin may open sockets and post", async () => {
    const cookie = await guestCookie(app.url);
    const host = new URL(app.url).host;
    assert.equal(await handshake(app.url, { cookie, origin: "https://play.example.org" }), true);
    assert.equal(await handshake(app.url, { cookie, origin: `http://${host}` }), false, "not even the request's own host");
    const res = await fetch(`${app.url}/api/guest`, { method: "POST", headers: { "content-type": "application/json", origin: "https://play.example.org.evil.example" }, body: "{}" });
    assert.equal(res.status, 403);
  });
});

test("wrong passwords slow an email down progressively, up to 30 s, never a lock-out", () => {
  assert.deepEqual([0, 1, 5].map(loginSlowdownMs), [0, 0, 0]);
  assert.deepEqual([6, 7, 8].map(loginSlowdownMs), [250, 500, 1000]);
  assert.equal(loginSlowdownMs(100), 30_000);
});
