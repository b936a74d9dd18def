// Previews of web servers in a learner's sandbox, in both profiles: the owner sees the page
// (a container publishing port 8080), nobody else does, the playground cookie never reaches
// the sandbox, only an allow-list of response headers comes back (no cookies, HSTS,
// Clear-Site-Data, Alt-Svc or CORS on the playground's origin), a learner has a bounded number
// of previews in flight, a port with nothing behind it explains what to do, and with
// PREVIEW_ORIGIN previews live on that origin only. On the engine under test (npm test runs it on
// Docker, then on LXD).
import assert from "node:assert/strict";
import http from "node:http";
import net from "node:net";
import { after, test } from "node:test";
import type { RunningApp } from "../../server/app";
import { call, connect, guestCookie, type TestSocket } from "../helpers/client";
import { previewsInFlight } from "../../server/http/preview";
import { endAllSessions, startTestApp, until } from "../helpers/env";

const apps: RunningApp[] = [];
const sockets: TestSocket[] = [];

after(async () => {
  for (const s of sockets) s.close();
  for (const app of apps) {
    await endAllSessions(app);
    await app.close();
  }
});

// A busybox web server with a CGI that echoes the cookie it received and tries to set one.
const SERVE = [
  "mkdir -p /tmp/www/cgi-bin",
  "echo served-from-the-sandbox > /tmp/www/index.html",
  `printf '#!/bin/sh\\nprintf "Set-Cookie: cp_guest=stolen\\\\r\\\\nContent-Type: text/plain\\\\r\\\\n\\\\r\\\\ncookie=[%%s]" "$HTTP_COOKIE"\\n' > /tmp/www/cgi-bin/echo`,
  "chmod +x /tmp/www/cgi-bin/echo",
  // Headers a hostile page would love the playground's origin to carry.
  `printf '#!/bin/sh\nprintf "Strict-Transport-Security: max-age=31536000\\r\\nClear-Site-Data: \\"*\\"\\r\\nAlt-Svc: h3=\\":443\\"\\r\\nAccess-Control-Allow-Origin: *\\r\\nAccess-Control-Allow-Credentials: true\\r\\nX-Custom: kept-out\\r\\nCache-Control: no-cache\\r\\nContent-Type: text/plain\\r\\n\\r\\nheaders-page"\n' > /tmp/www/cgi-bin/headers`,
  "chmod +x /tmp/www/cgi-bin/headers",
  `printf '#!/bin/sh\nsleep 4\nprintf "Content-Type: text/plain\\r\\n\\r\\nslow-page"\n' > /tmp/www/cgi-bin/slow`,
  "chmod +x /tmp/www/cgi-bin/slow",
  "docker run -d --name web -p 8080:80 -v /tmp/www:/www busybox httpd -f -p 80 -h /www >/dev/null",
  "for i in $(seq 1 50); do curl -fsS localhost:8080/ >/dev/null 2>&1 && break; sleep 0.2; done",
].join(" && ");

for (const profile of ["trusted", "hardened"] as const) {
  test(`${profile}: a learner's web server opens in a browser tab through the playground, for its owner only`, async () => {
    const app = await startTestApp({ SANDBOX_PROFILE: profile, LIMIT_PREVIEWS_PER_LEARNER: "1" });
    apps.push(app);
    const owner = await guestCookie(app.url);
    const socket = await connect(app.url, owner);
    sockets.push(socket);
    const opened = await call<{ sandbox: { name: string } }>(socket, "sandbox:open");
    assert.ok(opened.ok);
    const name = opened.sandbox.name;
    const row = (await app.service.activeSessions()).find((r) => r.sandboxName === name)!;
    const active = (await app.service.active(row.userId))!;
    const served = await app.driver.run(active.sandbox, { cmd: ["bash", "-c", SERVE], user: "ubuntu", workingDir: "/home/ubuntu", timeoutMs: 120_000 });
    assert.equal(served.exitCode, 0, served.stderr + served.stdout);

    const base = `${app.url}/preview/${name}/8080`;
    const redirect = await fetch(base, { headers: { cookie: owner }, redirect: "manual" });
    assert.equal(redirect.status, 308, "the bare address gets its trailing slash");
    const page = await fetch(`${base}/`, { headers: { cookie: owner } });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /served-from-the-sandbox/);
    assert.match(page.headers.get("content-security-policy") ?? "", /^sandbox /, "the page runs in an opaque origin");

    const cgi = await fetch(`${base}/cgi-bin/echo`, { headers: { cookie: owner } });
    assert.equal(await cgi.text(), "cookie=[]", "the playground cookie is not passed to the sandbox");
    assert.equal(cgi.headers.get("set-cookie"), null, "the sandbox cannot set cookies on the playground");

    const headers = await fetch(`${base}/cgi-bin/headers`, { headers: { cookie: owner } });
    assert.equal(await headers.text(), "headers-page");
    for (const h of ["strict-transport-security", "clear-site-data", "alt-svc", "access-control-allow-origin", "access-control-allow-credentials", "x-custom"]) {
      assert.equal(headers.headers.get(h), null, `${h} must not reach the playground's origin`);
    }
    assert.equal(headers.headers.get("cache-control"), "no-cache", "ordinary headers pass");

    // One preview in flight per learner here: a second one waits its turn, with a clear page.
    const slow = fetch(`${base}/cgi-bin/slow`, { headers: { cookie: owner } });
    await until("the slow page is in flight", () => previewsInFlight() === 1, 10_000);
    const busy = await fetch(`${base}/`, { headers: { cookie: owner } });
    assert.equal(busy.status, 429);
    assert.match(await busy.text(), /Too many previews at once/);
    assert.equal(await (await slow).text(), "slow-page");
    assert.equal((await fetch(`${base}/`, { headers: { cookie: owner } })).status, 200, "and after it, previews work again");

    const stranger = await guestCookie(app.url);
    for (const headers of [{ cookie: stranger }, {} as Record<string, string>]) {
      const denied = await fetch(`${base}/`, { headers });
      assert.equal(denied.status, 404);
      assert.doesNotMatch(await denied.text(), /served-from-the-sandbox/);
    }

    const nothing = await fetch(`${app.url}/preview/${name}/9999/`, { headers: { cookie: owner } });
    assert.equal(nothing.status, 502);
    assert.match(await nothing.text(), /Nothing answers on port 9999/);
    assert.equal((await fetch(`${app.url}/preview/${name}/70000/`, { headers: { cookie: owner } })).status, 404);
  });
}

/** A request as a browser would send it to another host name served by this same server. */
function requestAs(url: string, host: string, cookie?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: u.port, path: `${u.pathname}${u.search}`, headers: { host, ...(cookie ? { cookie } : {}) } }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

test("PREVIEW_ORIGIN: previews are served on that origin only, reached with a short-lived token; it serves nothing else", async () => {
  const port = await freePort();
  const previewHost = `preview.localhost:${port}`;
  const app = await startTestApp({ PORT: String(port), PREVIEW_ORIGIN: `http://${previewHost}` });
  apps.push(app);
  const owner = await guestCookie(app.url);
  const socket = await connect(app.url, owner);
  sockets.push(socket);
  const opened = await call<{ sandbox: { name: string } }>(socket, "sandbox:open");
  assert.ok(opened.ok);
  const name = opened.sandbox.name;
  const active = (await app.service.active((await app.service.activeSessions()).find((r) => r.sandboxName === name)!.userId))!;
  const served = await app.driver.run(active.sandbox, { cmd: ["bash", "-c", SERVE], user: "ubuntu", workingDir: "/home/ubuntu", timeoutMs: 120_000 });
  assert.equal(served.exitCode, 0, served.stderr + served.stdout);

  // The playground's origin hands the owner over; a stranger gets nothing.
  const handOver = await fetch(`${app.url}/preview/${name}/8080/`, { headers: { cookie: owner }, redirect: "manual" });
  assert.equal(handOver.status, 302);
  const target = new URL(handOver.headers.get("location")!);
  assert.equal(target.host, previewHost);
  assert.ok(target.searchParams.get("cp_preview_token"));
  assert.equal((await fetch(`${app.url}/preview/${name}/8080/`, { headers: { cookie: await guestCookie(app.url) }, redirect: "manual" })).status, 404);

  // On the preview origin: the token becomes a cookie for this preview only, then the page.
  const landed = await requestAs(target.toString(), previewHost);
  assert.equal(landed.status, 302);
  const previewCookie = String(landed.headers["set-cookie"]).split(";")[0];
  assert.match(String(landed.headers["set-cookie"]), new RegExp(`Path=/preview/${name}/8080/`));
  const page = await requestAs(`${app.url}/preview/${name}/8080/`, previewHost, previewCookie);
  assert.equal(page.status, 200);
  assert.match(page.body, /served-from-the-sandbox/);
  // A tampered or reused-elsewhere token, no cookie, and everything that is not a preview: refused.
  assert.equal((await requestAs(`${app.url}/preview/${name}/8081/?cp_preview_token=${target.searchParams.get("cp_preview_token")}`, previewHost)).status, 403);
  assert.equal((await requestAs(`${app.url}/preview/${name}/8080/`, previewHost)).status, 404);
  assert.equal((await requestAs(`${app.url}/api/health`, previewHost)).status, 404);
  assert.equal((await requestAs(`${app.url}/play`, previewHost, previewCookie)).status, 404);
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
