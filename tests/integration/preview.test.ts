// Previews of web servers in a learner's sandbox, in both profiles: the owner sees the page
// (a container publishing port 8080), nobody else does, the playground cookie never reaches
// the sandbox, the sandbox cannot set cookies on the playground, and a port with nothing
// behind it explains what to do.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { startApp, type RunningApp } from "../../server/app";
import { call, connect, guestCookie, type TestSocket } from "../helpers/client";
import { endAllSessions, log, requireDocker, requireSandboxImage, testConfig } from "../helpers/env";

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
  "docker run -d --name web -p 8080:80 -v /tmp/www:/www busybox httpd -f -p 80 -h /www >/dev/null",
  "for i in $(seq 1 50); do curl -fsS localhost:8080/ >/dev/null 2>&1 && break; sleep 0.2; done",
].join(" && ");

for (const profile of ["trusted", "hardened"] as const) {
  test(`${profile}: a learner's web server opens in a browser tab through the playground, for its owner only`, async () => {
    const image = await requireSandboxImage(await requireDocker());
    const app = await startApp(testConfig({ SANDBOX_IMAGE: image.ref, SANDBOX_PROFILE: profile }), log, { withNext: false });
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
