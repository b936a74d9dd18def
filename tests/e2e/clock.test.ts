// The page warns before the sandbox ends, Extend works from the banner, and a memory
// notice is shown and dismissable. Short limits so the warning comes at once.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { startApp, type RunningApp } from "../../server/app";
import { launchBrowser, SCREENSHOTS, waitForStatus, waitForTerminal } from "../helpers/browser";
import { stopApp, log, requireDocker, requireSandboxImage, testConfig } from "../helpers/env";

let app: RunningApp;
let browser: Browser;
let closeBrowser: () => Promise<void>;
let page: Page;

before(async () => {
  const docker = await requireDocker();
  const image = await requireSandboxImage(docker);
  app = await startApp(
    testConfig({
      SANDBOX_IMAGE: image.ref,
      SANDBOX_MEMORY_MB: "384",
      SESSION_MAX_MINUTES: "1", // the warning window (55 s) starts almost at once
      SESSION_WARN_MINUTES: "0.92",
      SESSION_EXTEND_MINUTES: "2",
      SESSION_MAX_TOTAL_MINUTES: "10",
      LIFECYCLE_TICK_SECONDS: "0.5",
    }),
    log,
  );
  ({ browser, close: closeBrowser } = await launchBrowser());
  page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
});

after(async () => {
  await closeBrowser?.();
  if (app) await stopApp(app);
});

test("the page shows time left, warns before the end, and Extend adds time", async () => {
  await page.goto(`${app.url}/play`);
  await waitForStatus(page, /^Ready/);
  await page.getByTestId("time-left").filter({ hasText: /^0:[0-5]\d left$/ }).waitFor();
  const warning = page.getByTestId("warning");
  await warning.filter({ hasText: /Your sandbox ends in 0:\d\d/ }).waitFor({ timeout: 30_000 });
  await page.screenshot({ path: path.join(SCREENSHOTS, "warning-light.png") });
  await warning.getByRole("button", { name: "Extend" }).click();
  await page.getByTestId("time-left").filter({ hasText: /^2:\d\d left$/ }).waitFor();
  assert.equal(await warning.count(), 0, "the warning goes away once extended");
});

test("running out of memory shows a notice that can be dismissed", async () => {
  await waitForTerminal(page, /\$ $/m);
  await page.getByTestId("terminal").click(); // focus left the terminal for the Extend button
  await page.keyboard.type("head -c 1000m /dev/zero | tail > /dev/null\n");
  const notice = page.getByTestId("notice");
  await notice.filter({ hasText: /ran out of memory/ }).waitFor({ timeout: 60_000 });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: path.join(SCREENSHOTS, "notice-dark.png") });
  await page.emulateMedia({ colorScheme: "light" });
  await notice.getByRole("button", { name: "Dismiss this message" }).click();
  assert.equal(await notice.count(), 0);
});
