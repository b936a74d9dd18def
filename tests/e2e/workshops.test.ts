// A workshop in real browsers: the instructor signs in and creates one, a learner joins with
// the code and lands in the first lesson with a sandbox, and the dashboard lists them.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { startApp, type RunningApp } from "../../server/app";
import { launchBrowser, SCREENSHOTS, waitForStatus } from "../helpers/browser";
import { endAllSessions, log, requireDocker, requireSandboxImage, testConfig, until } from "../helpers/env";

let app: RunningApp;
let browser: { browser: Browser; close(): Promise<void> };

before(async () => {
  const image = await requireSandboxImage(await requireDocker());
  const config = testConfig({ ADMIN_EMAIL: "teacher@example.org", ADMIN_PASSWORD: "a good long password", LESSONS_DIR: path.join(__dirname, "..", "..", "lessons") });
  app = await startApp({ ...config, sandbox: { ...config.sandbox, image: image.ref } }, log, { withNext: true });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  if (app) {
    await endAllSessions(app);
    await app.close();
  }
});

test("an instructor creates a workshop, a learner joins with its code, and the dashboard shows them", async () => {
  const teacher = await (await browser.browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
  await teacher.goto(`${app.url}/instructor`);
  await teacher.waitForURL(/\/instructor\/login$/);
  await teacher.getByLabel("Email").fill("teacher@example.org");
  await teacher.getByLabel("Password").fill("not the password");
  await teacher.getByRole("button", { name: "Sign in" }).click();
  await teacher.getByRole("alert").filter({ hasText: "do not match" }).waitFor();
  await teacher.getByLabel("Password").fill("a good long password");
  await teacher.getByRole("button", { name: "Sign in" }).click();
  await teacher.waitForURL(/\/instructor$/);
  await teacher.getByLabel("Title").fill("Friday containers class");
  await teacher.getByRole("button", { name: "Create workshop" }).click();
  await teacher.waitForURL(/\/instructor\/workshops\/[A-Za-z0-9_-]+$/);
  const code = (await teacher.getByTestId("join-code").innerText()).trim();
  assert.match(code, /^[A-Z2-9]{3}-[A-Z2-9]{3}$/);
  assert.ok(await teacher.getByRole("img", { name: /QR code/ }).count());

  const learner = await (await browser.browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
  await learner.goto(`${app.url}/join/${code}`);
  await learner.getByLabel(/Your name/).fill("Noor");
  await learner.getByRole("button", { name: "Join and start" }).click();
  await learner.waitForURL(/\/lessons\/container-is-a-process$/);
  await waitForStatus(learner, /Ready/);

  await until("the learner on the dashboard", async () => /Noor/.test(await teacher.getByTestId("learners").innerText()), 20_000);
  assert.match(await teacher.getByTestId("learners").innerText(), /A container is a process, step 1 of 4/);

  // What the learner types shows in the live miniature, and full-size on click.
  await learner.locator(".xterm-helper-textarea").focus();
  await learner.keyboard.type("echo hello-from-noor-$((40+2))");
  await learner.keyboard.press("Enter");
  const mini = teacher.locator("[data-testid^=live-]").first();
  await until("the command in the miniature", async () => /hello-from-noor-42/.test(await mini.innerText()), 30_000);
  await teacher.screenshot({ path: path.join(SCREENSHOTS, "workshop-dashboard.png") });
  await teacher.getByRole("button", { name: "Open Noor's terminal" }).click();
  const full = teacher.getByRole("dialog", { name: "Noor's terminal" });
  await until("the full view", async () => /hello-from-noor-42/.test(await full.innerText()), 30_000);
  await teacher.screenshot({ path: path.join(SCREENSHOTS, "workshop-watch.png") });
  await teacher.keyboard.press("Escape");
  await until("the full view to close", async () => (await full.count()) === 0, 10_000);
});
