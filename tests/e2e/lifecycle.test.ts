// A class in the browser: a second tab is a second shell in the same sandbox, a full server
// queues the next learner with a visible position, and a server restart reconnects everyone
// to the same sandbox.
import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { after, before, test } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { startApp, type RunningApp } from "../../server/app";
import { launchBrowser, SCREENSHOTS, terminalText, waitForStatus, waitForTerminal } from "../helpers/browser";
import { stopApp, log, requireDocker, requireSandboxImage, testConfig } from "../helpers/env";

let app: RunningApp | null = null;
let config: ReturnType<typeof testConfig>;
let browser: Browser;
let closeBrowser: () => Promise<void>;
const contexts: BrowserContext[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

before(async () => {
  const docker = await requireDocker();
  const image = await requireSandboxImage(docker);
  config = testConfig({ SANDBOX_IMAGE: image.ref, SANDBOX_MAX: "2", SANDBOX_POOL_SIZE: "0", PORT: String(await freePort()) });
  app = await startApp(config, log);
  ({ browser, close: closeBrowser } = await launchBrowser());
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
});

after(async () => {
  await closeBrowser?.();
  if (app) await stopApp(app);
});

async function learnerPage(context?: BrowserContext): Promise<Page> {
  const ctx = context ?? (await browser.newContext({ viewport: { width: 1000, height: 640 } }));
  if (!context) contexts.push(ctx);
  const page = await ctx.newPage();
  await page.goto(`${app!.url}/play`);
  return page;
}

const nameOf = async (page: Page) => (await page.locator(".sandbox-name").textContent())?.trim() ?? "";

let first: Page;
let second: Page;

test("a second tab is its own shell in the same sandbox, and each resumes on reload", async () => {
  first = await learnerPage();
  await waitForStatus(first, /^Ready/);
  second = await learnerPage(contexts[0]);
  await waitForStatus(second, /^Ready/);
  assert.equal(await nameOf(second), await nameOf(first), "one sandbox per learner");
  await waitForTerminal(second, /\$ $/m);
  await second.keyboard.type("echo tab-two-$((1+1))\n");
  await waitForTerminal(second, /^tab-two-2$/m);
  assert.doesNotMatch(await terminalText(first), /tab-two-2/, "the first tab has its own shell");
  await second.reload();
  await waitForStatus(second, /^Ready/);
  await waitForTerminal(second, /^tab-two-2$/m); // the same shell, screen restored
  await first.keyboard.type("echo kept > ~/class-file\n");
});

test("a full server queues the next learner with a position, then serves them", async () => {
  const other = await learnerPage();
  await waitForStatus(other, /^Ready/);
  const queued = await learnerPage();
  await waitForStatus(queued, /^Waiting in queue/);
  await queued.getByText(/You are number 1 in the queue/).waitFor();
  await queued.screenshot({ path: path.join(SCREENSHOTS, "queued.png") });
  await other.getByRole("button", { name: "End session" }).click();
  await other.getByRole("dialog", { name: "End this session?" }).getByRole("button", { name: "End session" }).click();
  await waitForStatus(queued, /^Ready/);
  assert.match(await nameOf(queued), /^sbx-/);
});

test("after a server restart the browser reconnects to the same sandbox", async () => {
  const name = await nameOf(first);
  await app!.close();
  app = null;
  await waitForStatus(first, /^Reconnecting/);
  app = await startApp(config, log); // same database, same port
  await waitForStatus(first, /^Ready/, 60_000);
  assert.equal(await nameOf(first), name, "re-adopted, not replaced");
  await first.keyboard.type("cat ~/class-file\n");
  await waitForTerminal(first, /^kept$/m);
});
