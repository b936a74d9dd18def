// A page on another site, opened in a real browser by someone who also has the playground
// open, can neither create state in the playground nor open its sockets: the origin checks
// hold where they matter, in Chromium.
import assert from "node:assert/strict";
import http from "node:http";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { startApp, type RunningApp } from "../../server/app";
import { launchBrowser } from "../helpers/browser";
import { log, requireDocker, requireSandboxImage, testConfig } from "../helpers/env";

let app: RunningApp;
let evil: http.Server;
let evilUrl: string;
let browser: Browser;
let closeBrowser: () => Promise<void>;

before(async () => {
  const image = await requireSandboxImage(await requireDocker());
  app = await startApp(testConfig({ SANDBOX_IMAGE: image.ref, MIRROR: "off" }), log, { withNext: false });
  const target = app.url;
  // The other site: tries a cross-site POST (as a form would, and as fetch with credentials) and a socket.
  evil = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end(`<!doctype html><title>other site</title><body><script>
      window.results = {};
      fetch(${JSON.stringify(`${target}/api/guest`)}, { method: "POST", credentials: "include", mode: "no-cors", headers: { "content-type": "text/plain" }, body: "{}" })
        .then(() => (window.results.post = "sent"), () => (window.results.post = "failed"));
      const ws = new WebSocket(${JSON.stringify(`${target.replace("http", "ws")}/socket.io/?EIO=4&transport=websocket`)});
      ws.onopen = () => (window.results.socket = "open");
      ws.onerror = () => (window.results.socket = "refused");
    </script></body>`);
  });
  await new Promise<void>((r) => evil.listen(0, "127.0.0.1", r));
  evilUrl = `http://127.0.0.1:${(evil.address() as { port: number }).port}/`;
  ({ browser, close: closeBrowser } = await launchBrowser());
});

after(async () => {
  await closeBrowser?.();
  evil?.close();
  await app?.close();
});

test("another site's page cannot create a guest or open a socket to the playground", async () => {
  const users = await app.db.prisma.user.count();
  const page = await browser.newPage();
  await page.goto(evilUrl);
  await page.waitForFunction(() => {
    const r = (window as unknown as { results: Record<string, string> }).results;
    return r.post && r.socket;
  });
  const results = await page.evaluate(() => (window as unknown as { results: Record<string, string> }).results);
  assert.equal(results.socket, "refused", "the socket handshake from another origin is refused");
  assert.equal(await app.db.prisma.user.count(), users, "no guest was created by the cross-site POST");
  await page.close();
});
