// Imported scenarios in a real browser, as a learner takes them: a Killercoda-format and a
// Katacoda-format folder (our own fixtures, written from the formats' public documentation)
// given in SCENARIOS_DIR, completed by clicking their actions and typing. Covers the
// foreground script typed at the step's start, {{exec}}, {{exec interrupt}} (Ctrl-C first),
// a traffic link opening the sandbox's page in a preview tab, a step without a verify script
// ("Next"), and the finish text. The scenario's terminal is root's in /root, as on those
// platforms, and a native lesson opened afterwards gets the learner's own ubuntu shell back.
// npm test runs it in both sandbox profiles.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import type { BrowserContext, Page } from "playwright-core";
import type { RunningApp } from "../../server/app";
import { SCREENSHOTS, terminalText, waitForStatus } from "../helpers/browser";
import { startBrowserApp, type BrowserApp } from "../helpers/browser-app";
import { tempDataDir, until } from "../helpers/env";

const FIXTURES = path.join(__dirname, "..", "fixtures", "scenarios");
let app: RunningApp;
let context: BrowserContext;
let page: Page;
let stack: BrowserApp | undefined;

before(async () => {
  // Only the two good fixtures: the others are refusals, tested in tests/unit and tests/fast.
  const scenarios = path.join(tempDataDir(), "scenarios");
  for (const name of ["killercoda-basics", "katacoda-basics"]) fs.cpSync(path.join(FIXTURES, name), path.join(scenarios, name), { recursive: true });
  stack = await startBrowserApp({ LESSONS_DIR: path.join(__dirname, "..", "..", "lessons"), SCENARIOS_DIR: scenarios });
  ({ app, context, page } = stack);
});

after(async () => {
  await stack?.close();
});

const step = (n: number) => page.getByTestId(`step-step-${n}`);
/** Waits for step n to pass; on a timeout, says what the step and the terminal showed. */
async function passed(n: number): Promise<void> {
  try {
    await until(`step ${n} to pass`, async () => (await step(n).getAttribute("data-state")) === "passed", 60_000);
  } catch (err) {
    const shown = await step(n).innerText().catch(() => "");
    throw new Error(`${(err as Error).message}\nstep ${n}:\n${shown}\nterminal:\n${await terminalText(page)}`);
  }
}

test("the course list labels imported scenarios with their format", async () => {
  await page.goto(`${app.url}/lessons`);
  await until("the scenarios in the course list", async () => (await page.locator(".lesson-card").filter({ hasText: /fixture/ }).count()) === 2, 30_000);
  assert.match(await page.locator(".lesson-card").filter({ hasText: "Killercoda fixture" }).innerText(), /Killercoda scenario/);
  assert.match(await page.locator(".lesson-card").filter({ hasText: "Katacoda fixture" }).innerText(), /Katacoda scenario/);
});

test("a Killercoda scenario is completed by clicking its actions: exec, exec interrupt, a traffic link, Next", async () => {
  await page.goto(`${app.url}/lessons/killercoda-basics`);
  await waitForStatus(page, /Ready/);
  // The step's foreground script runs visibly in the learner's terminal.
  await until("the foreground script in the terminal", async () => /kc-fixture foreground: step 1 starts/.test(await terminalText(page)), 60_000);
  // As on Killercoda: the scenario's terminal is root's, in /root.
  assert.match(await terminalText(page), /root@sbx-[a-z0-9]+:~# /);
  await waitForStatus(page, /logged in as root on sbx-/);

  await step(1).getByRole("button", { name: "Run in the terminal: kc-greet > /tmp/kc-fixture/greeting.txt" }).click();
  await passed(1);

  // A loop that never ends, then "Stop and run": Ctrl-C first, then the command.
  await step(2).getByRole("button", { name: "Run in the terminal: while true; do sleep 1; done" }).click();
  await step(2).getByRole("button", { name: "Stop and run in the terminal: touch /tmp/kc-fixture/stopped" }).click();
  await passed(2);
  await page.screenshot({ path: path.join(SCREENSHOTS, "scenario-killercoda.png") });

  // A traffic link opens the learner's own page through the preview.
  await step(3).getByRole("button", { name: /^Run: mkdir -p \/tmp\/kc-fixture\/site/ }).click();
  const link = step(3).getByRole("link", { name: "the page itself" });
  assert.match((await link.getAttribute("href")) ?? "", /^\/preview\/sbx-[a-z0-9]+\/8080\/index\.html$/);
  const [preview] = await Promise.all([context.waitForEvent("page"), link.click()]);
  await until("the preview shows the learner's page", async () => {
    await preview.reload().catch(() => undefined);
    return /hi-from-kc/.test(await preview.locator("body").innerText().catch(() => ""));
  }, 60_000);
  await preview.close();

  // No verify script: the learner moves on with Next.
  await step(3).getByRole("button", { name: "Next" }).click();
  await passed(3);
  await page.getByTestId("lesson-complete").waitFor({ timeout: 30_000 });
  assert.match(await page.getByTestId("lesson-recap").innerText(), /You ran commands, stopped a loop and opened a page/);
});

test("a Katacoda scenario is completed the same way: assets, courseData, code, execute, Next", async () => {
  await page.goto(`${app.url}/lessons/katacoda-basics`);
  await waitForStatus(page, /Ready/);
  await step(1).getByRole("button", { name: "Run in the terminal: touch /tmp/kata-fixture/done" }).click();
  await passed(1);
  await step(2).getByRole("button", { name: "Next" }).click();
  await passed(2);
  await page.getByTestId("lesson-complete").waitFor({ timeout: 30_000 });
  await page.screenshot({ path: path.join(SCREENSHOTS, "scenario-katacoda.png") });
});

test("a native lesson after a scenario opens the learner's own shell (ubuntu), and the scenario's root shell is resumed on its page", async () => {
  await page.goto(`${app.url}/lessons/container-is-a-process`);
  await waitForStatus(page, /Ready/);
  await until("ubuntu's prompt", async () => /ubuntu@sbx-[a-z0-9]+:~\$ /.test(await terminalText(page)), 30_000);
  await waitForStatus(page, /logged in as ubuntu on sbx-/);
  assert.doesNotMatch(await terminalText(page), /kc-fixture/, "not the scenario's shell");
  await page.goto(`${app.url}/lessons/killercoda-basics`);
  await waitForStatus(page, /Ready/);
  await until("the scenario's root shell, with what was typed in it", async () => /root@sbx-[a-z0-9]+:~# /.test(await terminalText(page)) && /kata-fixture\/done/.test(await terminalText(page)), 30_000);
});
