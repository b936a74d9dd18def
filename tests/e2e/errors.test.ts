// A learner meets a server that cannot make sandboxes: the page says what happened, what to
// do, and keeps a detail line for the operator; health says not ok.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { startApp, type RunningApp } from "../../server/app";
import { launchBrowser, SCREENSHOTS, waitForStatus } from "../helpers/browser";
import { log, requireDocker, testConfig } from "../helpers/env";

let app: RunningApp;
let browser: Browser;
let closeBrowser: () => Promise<void>;

before(async () => {
  await requireDocker();
  app = await startApp(testConfig({ SANDBOX_IMAGE: "container-playground/sandbox:not-built-yet" }), log);
  ({ browser, close: closeBrowser } = await launchBrowser());
});

after(async () => {
  await closeBrowser?.();
  await app?.close();
});

test("health is not ok while the sandbox image is missing", async () => {
  const res = await fetch(`${app.url}/api/health`);
  assert.equal(res.status, 503);
  const body = await res.json();
  assert.equal(body.ok, false);
  assert.equal(body.database.ok, true);
  assert.equal(body.docker.ok, true);
  assert.equal(body.image.ok, false);
});

test("the playground explains a missing image and offers Retry", async () => {
  for (const colorScheme of ["light", "dark"] as const) {
    const page = await browser.newPage({ viewport: { width: 390, height: 740 }, colorScheme });
    await page.goto(`${app.url}/play`);
    await waitForStatus(page, /^Problem/);
    // Next.js adds its own (empty) route-announcer alert; ours is the one with a heading.
    const alert = page.getByRole("alert").filter({ has: page.getByRole("heading") });
    await alert.getByRole("heading", { name: /sandbox image is not installed/ }).waitFor();
    assert.match(await alert.innerText(), /npm run sandbox-image/);
    assert.match(await alert.innerText(), /Detail for the operator: .*not-built-yet/);
    await page.screenshot({ path: path.join(SCREENSHOTS, `error-mobile-${colorScheme}.png`) });
    const attempts = await app.db.prisma.playgroundSession.count();
    await alert.getByRole("button", { name: "Retry" }).click();
    await waitForAttempts(attempts + 1);
    await waitForStatus(page, /^Problem/);
    await page.close();
  }
  const rows = await app.db.prisma.playgroundSession.findMany();
  assert.ok(rows.every((r) => r.state === "ended" && r.endReason === "error"), "every failed attempt is recorded as ended");
});

/** Each attempt leaves a session row; Retry must make a new attempt. */
async function waitForAttempts(count: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while ((await app.db.prisma.playgroundSession.count()) < count) {
    if (Date.now() > deadline) throw new Error(`expected ${count} attempts to be recorded`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
