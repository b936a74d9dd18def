// A learner in a real browser: landing page, a real sandbox terminal, reload, flow control,
// end of session. Needs the production build (`next build`, done by npm test).
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { startApp, type RunningApp } from "../../server/app";
import { launchBrowser, SCREENSHOTS, waitForPrompt, waitForStatus, waitForTerminal } from "../helpers/browser";
import { engineLeftovers, log, requireEngineImage, stopApp, testConfig } from "../helpers/env";

let app: RunningApp;
let browser: Browser;
let closeBrowser: () => Promise<void>;
let page: Page;

before(async () => {
  if (!fs.existsSync(path.join(process.cwd(), ".next", "BUILD_ID"))) {
    throw new Error("No production build: run `npm run build` first (npm test does).");
  }
  // On the engine under test (TEST_SANDBOX_ENGINE: docker, or lxd).
  app = await startApp(testConfig({ SANDBOX_IMAGE: await requireEngineImage() }), log);
  ({ browser, close: closeBrowser } = await launchBrowser());
  const context = await browser.newContext({ viewport: { width: 1200, height: 760 } });
  page = await context.newPage();
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
});

after(async () => {
  await closeBrowser?.();
  if (app) await stopApp(app);
});

async function run(command: string): Promise<void> {
  await page.keyboard.type(command);
  await page.keyboard.press("Enter");
}

async function sandboxName(): Promise<string> {
  return (await page.locator(".sandbox-name").textContent())?.trim() ?? "";
}

test("the landing page explains the playground and starts it", async () => {
  await page.goto(app.url);
  await page.getByRole("heading", { name: "Container Playground" }).waitFor();
  await page.getByRole("link", { name: "Open a free playground" }).click();
  await page.waitForURL(/\/play$/);
  await waitForStatus(page, /^Ready/);
});

test("the guest cookie is HttpOnly and SameSite", async () => {
  const cookie = (await page.context().cookies()).find((c) => c.name === "cp_guest");
  assert.ok(cookie, "a guest cookie was set");
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, "Lax");
});

test("the terminal is a shell as ubuntu in the sandbox, with a prompt naming it", async () => {
  const name = await sandboxName();
  assert.match(name, /^sbx-/);
  await waitForTerminal(page, new RegExp(`ubuntu@${name}:~\\$`));
  await page.screenshot({ path: path.join(SCREENSHOTS, "play-ready.png") });
});

test("namespaces and Docker work from the browser terminal", async () => {
  await run("sudo unshare --pid --fork --mount-proc ps -o pid,comm");
  await waitForTerminal(page, /PID COMMAND\n\s*1 ps/);
  await run("docker run --rm hello-world");
  await waitForTerminal(page, /Hello from Docker!/);
});

test("reloading reconnects to the same sandbox and the same shell, losing nothing", async () => {
  const before = await sandboxName();
  await run("echo kept-across-reload > ~/note.txt");
  await run("clear; for i in $(seq 1 40); do echo r-$i; sleep 0.1; done; echo finished-$((6*7))");
  await waitForTerminal(page, /^r-5$/m);
  await page.reload(); // the loop keeps running on the server meanwhile
  await waitForStatus(page, /^Ready/);
  assert.equal(await sandboxName(), before, "same sandbox after reload");
  const text = await waitForTerminal(page, /^finished-42$/m);
  const lines = text.split("\n");
  for (let i = 1; i <= 40; i++) {
    assert.equal(lines.filter((l) => l === `r-${i}`).length, 1, `r-${i} shows exactly once in the restored terminal`);
  }
  await run("cat ~/note.txt");
  await waitForTerminal(page, /^kept-across-reload$/m);
});

test("`yes` then Ctrl-C returns a prompt", async () => {
  await run("yes");
  await waitForTerminal(page, /^y\ny\ny$/m);
  await page.keyboard.press("Control+c");
  await run("clear; echo after-$((2+3))");
  await waitForTerminal(page, /^after-5$/m, 30_000);
});

test("colours and full-screen programs work (TERM, vim, less)", async () => {
  await run("clear; echo colors=$(tput colors) term=$TERM");
  await waitForTerminal(page, /^colors=256 term=xterm-256color$/m);
  await run("vim -u NONE /etc/hostname");
  await waitForTerminal(page, /"\/etc\/hostname"/);
  await page.keyboard.type(":q");
  await page.keyboard.press("Enter");
  // Keys typed before a full-screen program has handed the terminal back are lost (it
  // flushes pending input as it restores the terminal): wait for the shell's prompt, as a
  // learner does.
  await waitForPrompt(page);
  await run("clear; seq 1 500 | less");
  await waitForTerminal(page, /^:$/m);
  await page.keyboard.press("q");
  await waitForPrompt(page);
  await run("clear; echo back-$((3+4))");
  await waitForTerminal(page, /^back-7$/m);
});

test("the terminal follows the window size", async () => {
  await page.setViewportSize({ width: 800, height: 500 });
  await page.waitForTimeout(300);
  const size = await page.evaluate(() => {
    const t = (window as unknown as { playground: { term: { cols: number; rows: number } } }).playground.term;
    return `${t.rows} ${t.cols}`;
  });
  await run("clear; echo size=$(stty size)");
  await waitForTerminal(page, new RegExp(`^size=${size}$`, "m"));
  await page.setViewportSize({ width: 1200, height: 760 });
});

test("copy with Ctrl+Shift+C and paste with right-click", async () => {
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: app.url });
  await run("clear; echo copy-me-$((5*5))");
  await waitForTerminal(page, /^copy-me-25$/m);
  await page.evaluate(() => {
    const t = (window as unknown as { playground: { term: { buffer: { active: { length: number; getLine(i: number): { translateToString(t: boolean): string } } }; select(c: number, r: number, l: number): void } } }).playground.term;
    const b = t.buffer.active;
    for (let i = 0; i < b.length; i++) if (b.getLine(i).translateToString(true) === "copy-me-25") t.select(0, i, 10);
  });
  await page.keyboard.press("Control+Shift+C");
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), "copy-me-25");
  await page.evaluate(() => navigator.clipboard.writeText("echo pasted-$((6*6))"));
  await page.evaluate(() => (window as unknown as { playground: { term: { clearSelection(): void } } }).playground.term.clearSelection());
  await page.getByTestId("terminal").click({ button: "right" });
  await waitForTerminal(page, /\$ echo pasted-\$\(\(6\*6\)\)$/m); // pasting is async: wait for it, as a person would
  await page.keyboard.press("Enter");
  await waitForTerminal(page, /^pasted-36$/m);
});

test("the UI is readable in dark mode", async () => {
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: path.join(SCREENSHOTS, "play-dark.png") });
  const bg = await page.locator(".play-header").evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.equal(bg, "rgb(26, 29, 36)", "dark surface colour applied");
  await page.emulateMedia({ colorScheme: "light" });
});

test("Reset sandbox asks first, then gives a fresh sandbox", async () => {
  const before = await sandboxName();
  await run("touch ~/old-sandbox-file");
  await page.getByRole("button", { name: "Reset sandbox" }).click();
  const dialog = page.getByRole("dialog", { name: "Reset your sandbox?" });
  await dialog.getByRole("button", { name: "Reset sandbox" }).click();
  await page.locator(".sandbox-name").filter({ hasNotText: before }).waitFor({ timeout: 120_000 });
  await waitForStatus(page, /^Ready/);
  assert.deepEqual(await engineLeftovers(app.driver, before), [], "the old sandbox is removed");
  await waitForTerminal(page, new RegExp(`ubuntu@${await sandboxName()}:~\\$`));
  await run("ls ~/old-sandbox-file 2>&1 | tail -1");
  await waitForTerminal(page, /No such file or directory/);
});

test("End session asks first, removes the sandbox, and says so", async () => {
  const name = await sandboxName();
  await page.getByRole("button", { name: "End session" }).click();
  const dialog = page.getByRole("dialog", { name: "End this session?" });
  await dialog.waitFor();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  assert.equal(await sandboxName(), name, "cancel keeps the sandbox");
  await page.getByRole("button", { name: "End session" }).click();
  await dialog.getByRole("button", { name: "End session" }).click();
  await page.getByRole("heading", { name: "Session ended" }).waitFor();
  await waitForStatus(page, /^Ended/);
  assert.deepEqual(await engineLeftovers(app.driver, name), []);
  await page.screenshot({ path: path.join(SCREENSHOTS, "play-ended.png") });
  await page.getByRole("button", { name: "Start a new sandbox" }).click();
  await waitForStatus(page, /^Ready/);
  assert.notEqual(await sandboxName(), name);
  await waitForTerminal(page, /ubuntu@sbx-/);
});
