// The lesson player in a real browser against a real server and sandbox: the course list,
// completing lesson 2 by typing into the terminal (steps turn green as the shell returns to
// a prompt), hints and solutions, and progress that survives a server restart.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, test } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { RunningApp } from "../../server/app";
import { startApp } from "../../server/app";
import { launchBrowser, SCREENSHOTS, terminalText, waitForStatus } from "../helpers/browser";
import { endAllSessions, log, requireDocker, requireSandboxImage, testConfig, until } from "../helpers/env";

let app: RunningApp;
let browser: { browser: Browser; close(): Promise<void> };
let context: BrowserContext;
let page: Page;
const config = testConfig({ LESSONS_DIR: path.join(__dirname, "..", "..", "lessons") });

before(async () => {
  const image = await requireSandboxImage(await requireDocker());
  app = await startApp({ ...config, sandbox: { ...config.sandbox, image: image.ref } }, log, { withNext: true });
  browser = await launchBrowser();
  context = await browser.browser.newContext({ viewport: { width: 1400, height: 900 } });
  page = await context.newPage();
});

after(async () => {
  await context?.close();
  await browser?.close();
  if (app) {
    await endAllSessions(app);
    await app.close();
  }
});

async function typeInTerminal(text: string): Promise<void> {
  await page.locator(".xterm-helper-textarea").focus();
  await page.keyboard.type(text);
  await page.keyboard.press("Enter");
}

async function stepState(id: string): Promise<string | null> {
  return page.getByTestId(`step-${id}`).getAttribute("data-state");
}

test("the course list shows every lesson with its progress and links to it", async () => {
  await page.goto(`${app.url}/lessons`);
  const cards = page.locator(".lesson-card");
  await until("the course list", async () => (await cards.count()) >= 2, 30_000);
  assert.match(await cards.nth(1).innerText(), /Namespaces[\s\S]*Not started/);
  await page.screenshot({ path: path.join(SCREENSHOTS, "lessons-list.png") });
  await page.getByRole("link", { name: /Namespaces/ }).click();
  await page.waitForURL(/\/lessons\/namespaces$/);
  await waitForStatus(page, /Ready/);
});

test("lesson 2 is completed by typing into the terminal; each step turns green", async () => {
  assert.equal(await stepState("your-view"), "current");
  await typeInTerminal("lsns > ~/my-namespaces.txt");
  await until("step your-view to pass", async () => (await stepState("your-view")) === "passed", 30_000);
  assert.match(await page.getByTestId("check-result").first().innerText(), /Done \(checked automatically\)/);

  // A manual check that fails says what is missing.
  await page.getByTestId("step-full-view").getByRole("button", { name: "Check" }).click();
  await until("feedback", async () => /Not yet/.test(await page.getByTestId("step-full-view").innerText()), 30_000);
  assert.match(await page.getByTestId("step-full-view").innerText(), /all-namespaces\.txt does not exist yet/);

  // A hint and the solution can be revealed.
  await page.getByTestId("step-full-view").getByRole("button", { name: "Show a hint" }).click();
  await until("the hint", async () => /Hint/.test(await page.getByTestId("step-full-view").innerText()), 10_000);
  await page.getByTestId("step-full-view").getByRole("button", { name: "Show the solution" }).click();
  await until("the solution", async () => /sudo lsns > ~\/all-namespaces\.txt/.test(await page.getByTestId("step-full-view").innerText()), 10_000);
  await page.screenshot({ path: path.join(SCREENSHOTS, "lesson-player.png") });

  await typeInTerminal("sudo lsns > ~/all-namespaces.txt");
  await until("step full-view to pass", async () => (await stepState("full-view")) === "passed", 30_000);
  await typeInTerminal("sudo lsns -t net -n -o NS,COMMAND | awk '/sleep 90201/ { print $1 }' > ~/net-inode.txt");
  await until("step net-inode to pass", async () => (await stepState("net-inode")) === "passed", 30_000);
  // The Run button types a command block into the terminal.
  await page.getByTestId("step-your-processes").getByRole("button", { name: /^Run in the terminal: ps -U ubuntu/ }).click();
  await until("step your-processes to pass", async () => (await stepState("your-processes")) === "passed", 30_000);
  await typeInTerminal("sudo lsns -t mnt -n -o PID,COMMAND | awk '/sleep 90202/ { print $1 }' > ~/mount-pid.txt");
  await until("step own-mount-namespace to pass", async () => (await stepState("own-mount-namespace")) === "passed", 30_000);
  // The challenge: no Run button, the learner types it all.
  assert.equal(await page.getByTestId("step-pid-namespace").getByRole("button", { name: /^Run in the terminal/ }).count(), 0);
  await typeInTerminal("docker run -d --name ns-challenge busybox sleep 90203");
  await typeInTerminal("sudo lsns -t pid -n -o NS,COMMAND | awk '/sleep 90203/ { print $1 }' > ~/pid-ns.txt");
  await until("the lesson to complete", async () => (await page.getByTestId("lesson-complete").count()) === 1, 60_000);
  assert.match(await page.getByTestId("lesson-progress").innerText(), /6 of 6 steps done/);
  assert.match(await page.getByTestId("lesson-complete").innerText(), /1 hint and 1 solution revealed/);
  assert.ok(await page.getByTestId("lesson-complete").getByRole("link", { name: /^(Next:|Back to the course)/ }).count(), "the way on is offered");
  assert.match(await terminalText(page), /ubuntu@/);
  await page.screenshot({ path: path.join(SCREENSHOTS, "lesson-complete.png") });
});

test("lesson 10: the nginx the learner runs opens in a new tab through the preview link", async () => {
  await page.goto(`${app.url}/lessons/running-containers`);
  await waitForStatus(page, /Ready/);
  await typeInTerminal("docker run -d -p 8088:80 --name nginxwebserver nginx");
  await until("step publish-a-port to pass", async () => (await stepState("publish-a-port")) === "passed", 60_000);
  const link = page.getByTestId("step-publish-a-port").getByRole("link", { name: /Open the welcome page/ });
  assert.match((await link.getAttribute("href")) ?? "", /^\/preview\/sbx-[a-z0-9]+\/8088\/$/);
  const [preview] = await Promise.all([context.waitForEvent("page"), link.click()]);
  await preview.waitForLoadState();
  assert.match(await preview.content(), /Welcome to nginx/);
  await preview.screenshot({ path: path.join(SCREENSHOTS, "preview-nginx.png") });
  await preview.close();
});

test("a guest keeps their progress under a name and picks it up in another browser with the recovery code", async () => {
  await page.goto(`${app.url}/lessons`);
  await page.getByRole("button", { name: "Save my progress under a name" }).click();
  await page.getByLabel("Your name").fill("Kim Lessons");
  await page.getByRole("button", { name: "Save" }).click();
  const code = (await page.getByTestId("recovery-code").innerText()).trim();
  assert.ok(code.length >= 8, "a recovery code is shown");

  const other = await browser.browser.newContext({ viewport: { width: 1200, height: 900 } });
  try {
    const elsewhere = await other.newPage();
    await elsewhere.goto(`${app.url}/lessons`);
    const namespaces = elsewhere.getByRole("progressbar", { name: /^Namespaces:/ });
    await until("the course list", async () => (await namespaces.count()) === 1, 30_000);
    assert.equal(await namespaces.getAttribute("aria-label"), "Namespaces: Not started", "a new browser has no progress");
    await elsewhere.getByRole("button", { name: "I have a recovery code" }).click();
    await elsewhere.getByLabel("Name", { exact: true }).fill("Kim Lessons");
    await elsewhere.getByLabel("Recovery code").fill("WRONG-CODE-0000");
    await elsewhere.getByRole("button", { name: "Continue" }).click();
    const problem = elsewhere.getByRole("region", { name: "Keep your progress" }).getByRole("alert");
    await problem.waitFor();
    assert.match(await problem.innerText(), /\w{3}/, "a wrong code says what went wrong");
    await elsewhere.getByLabel("Recovery code").fill(code);
    await elsewhere.getByRole("button", { name: "Continue" }).click();
    await until("the progress in the other browser", async () => (await namespaces.getAttribute("aria-label")) === "Namespaces: Completed", 20_000);
    await elsewhere.getByText("Your progress is saved as").filter({ hasText: "Kim Lessons" }).waitFor();
  } finally {
    await other.close();
  }
});

test("progress survives a server restart and shows in the course list", async () => {
  await app.close();
  // Same database, new server (HTTP and sockets only: Next cannot start twice in one process).
  app = await startApp({ ...config, port: 0, sandbox: { ...config.sandbox, image: (await requireSandboxImage(await requireDocker())).ref } }, log, { withNext: false });
  const cookies = await context.cookies();
  const cookie = cookies.map((c) => `${c.name}=${c.value}`).join("; ");
  const res = await fetch(`${app.url}/api/lessons`, { headers: { cookie } });
  const body = (await res.json()) as { lessons: { id: string; done: number; steps: number }[] };
  const namespaces = body.lessons.find((l) => l.id === "02-namespaces");
  assert.ok(namespaces);
  assert.equal(namespaces.done, namespaces.steps, "all steps of lesson 2 are still done");
  const other = await fetch(`${app.url}/api/lessons`);
  const anonymous = (await other.json()) as { lessons: { id: string; done: number }[] };
  assert.equal(anonymous.lessons.find((l) => l.id === "02-namespaces")?.done, 0, "another visitor sees no progress of this one");
});
