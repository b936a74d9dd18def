// The page warns before the sandbox ends, Extend works from the banner, and a memory
// notice is shown and dismissable. The server's clock and the page's clock are both set by
// the test, so the warning comes when the test says, however busy the machine is.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { startApp, type RunningApp } from "../../server/app";
import { ManualClock } from "../../server/lifecycle/clock";
import { launchBrowser, SCREENSHOTS, waitForStatus, waitForTerminal } from "../helpers/browser";
import { stopApp, log, requireDocker, requireSandboxImage, testConfig } from "../helpers/env";

let app: RunningApp;
let browser: Browser;
let closeBrowser: () => Promise<void>;
let page: Page;
// Whole seconds, so the page shows round figures.
const clock = new ManualClock(new Date(Math.floor(Date.now() / 1000) * 1000));
const MINUTE = 60_000;

/** Moves the server's and the page's time together, then lets the server look at its clocks. */
async function advance(ms: number): Promise<void> {
  clock.advance(ms);
  await page.clock.setFixedTime(clock.now());
  await app.tickClocks();
}

before(async () => {
  const docker = await requireDocker();
  const image = await requireSandboxImage(docker);
  app = await startApp(
    testConfig({
      SANDBOX_IMAGE: image.ref,
      SANDBOX_MEMORY_MB: "384",
      SESSION_MAX_MINUTES: "30",
      SESSION_WARN_MINUTES: "5",
      SESSION_EXTEND_MINUTES: "20",
      SESSION_MAX_TOTAL_MINUTES: "60",
      SESSION_IDLE_MINUTES: "600", // only the time limit warns here
      LIFECYCLE_TICK_SECONDS: "300", // the test ticks the clocks itself
    }),
    log,
    { clock },
  );
  ({ browser, close: closeBrowser } = await launchBrowser());
  page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
  await page.clock.setFixedTime(clock.now());
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
});

after(async () => {
  await closeBrowser?.();
  if (app) await stopApp(app);
});

test("the page shows time left, warns before the end, and Extend adds time", async () => {
  await page.goto(`${app.url}/play`);
  await waitForStatus(page, /^Ready/);
  await page.getByTestId("time-left").filter({ hasText: /^30:00 left$/ }).waitFor();
  const warning = page.getByTestId("warning");
  await advance(20 * MINUTE);
  await page.getByTestId("time-left").filter({ hasText: /^10:00 left$/ }).waitFor();
  assert.equal(await warning.count(), 0, "no warning 10 minutes before the end");
  await advance(6 * MINUTE);
  await warning.filter({ hasText: /Your sandbox ends in 4:00/ }).waitFor();
  await page.screenshot({ path: path.join(SCREENSHOTS, "warning-light.png") });
  await warning.getByRole("button", { name: "Extend" }).click();
  await page.getByTestId("time-left").filter({ hasText: /^24:00 left$/ }).waitFor();
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
  await notice.waitFor({ state: "detached", timeout: 10_000 });
  assert.equal(await notice.count(), 0, "dismissed, and the same burst does not bring it back");
});
