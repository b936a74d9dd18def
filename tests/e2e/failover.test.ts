// Two app servers behind nginx (Debian's), on one PostgreSQL database and one Docker engine,
// with shells held by tmux (TERMINAL_HOLDER=tmux). A learner works in a real browser; one
// app server is killed (SIGKILL: no goodbye), then, once it is back, the other one. Each
// time the page reconnects through the balancer to the server still alive and finds the same
// sandbox and the same shell: its screen, its directory and its variables, nothing lost and
// nothing run twice.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { startServerProcess, type ServerProcess } from "../../bench/support/server-process";
import { startBalancer, freePort, type Balancer } from "../helpers/balancer";
import { launchBrowser, SCREENSHOTS, terminalText, waitForStatus, waitForTerminal } from "../helpers/browser";
import { TEST_RUN_PREFIX, tempDataDir } from "../helpers/env";
import { freshPostgresDatabase, type TestPostgres } from "../helpers/postgres";

let database: TestPostgres;
let balancer: Balancer;
let browser: Browser;
let closeBrowser: () => Promise<void>;
let page: Page;
const servers = new Map<string, { port: number; process: ServerProcess }>();
let shared: Record<string, string>;
let ports: number[];

async function startServer(id: string, port: number): Promise<void> {
  const process = await startServerProcess({ ...shared, SERVER_ID: id, PORT: String(port) }, { withNext: true });
  servers.set(id, { port, process });
}

before(async () => {
  if (!fs.existsSync(path.join(process.cwd(), ".next", "BUILD_ID"))) {
    throw new Error("No production build: run `npm run build` first (npm test does).");
  }
  database = await freshPostgresDatabase();
  shared = {
    DATABASE_URL: database.url,
    INSTANCE_ID: `${TEST_RUN_PREFIX}failover`,
    SESSION_SECRET: "one secret for both app servers behind the balancer",
    TERMINAL_HOLDER: "tmux",
    // Sandbox disks are files on the engine's host: whichever server removes a sandbox must find its disk.
    SANDBOX_DISK_DIR: path.join(tempDataDir(), "disks"),
  };
  ports = [await freePort(), await freePort()];
  // Only a is up at first, so the page's socket is on a: each kill below hits the page's server.
  await startServer("app-a", ports[0]);
  balancer = await startBalancer(ports);
  ({ browser, close: closeBrowser } = await launchBrowser());
  page = await (await browser.newContext({ viewport: { width: 1200, height: 760 } })).newPage();
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
});

after(async () => {
  await closeBrowser?.();
  await balancer?.stop();
  // The last one standing ends every session (and removes the sandboxes) as it stops.
  for (const s of servers.values()) await s.process.stop();
  await database?.drop();
});

async function run(command: string): Promise<void> {
  await page.keyboard.type(command);
  await page.keyboard.press("Enter");
}

const sandboxName = async () => (await page.locator(".sandbox-name").textContent())?.trim() ?? "";

test("a learner's shell survives the loss of either app server, through the balancer", async () => {
  await page.goto(`${balancer.url}/play`);
  await waitForStatus(page, /^Ready/);
  const name = await sandboxName();
  await waitForTerminal(page, new RegExp(`ubuntu@${name}:~\\$`));
  await run("cd /tmp && X=held-$((40+2)) && echo before-$X");
  await waitForTerminal(page, /^before-held-42$/m);
  await startServer("app-b", ports[1]);

  // The page is on a; a is killed, the page moves to b; a comes back; b is killed, the page moves to a.
  for (const victim of ["app-a", "app-b"]) {
    const { port, process: doomed } = servers.get(victim)!;
    await doomed.kill();
    // The page notices, reconnects through nginx to the server still alive, attaches again.
    await waitForStatus(page, /^Reconnecting/);
    await waitForStatus(page, /^Ready/);
    await run(`echo after-${victim}-$X in $(pwd)`);
    await waitForTerminal(page, new RegExp(`^after-${victim}-held-42 in /tmp$`, "m"));
    assert.equal(await sandboxName(), name, "the same sandbox");
    const screen = await terminalText(page);
    assert.equal(screen.match(/^before-held-42$/gm)?.length, 1, `the screen from before, once (${victim} killed):\n${screen}`);
    assert.equal(screen.match(new RegExp(`^after-${victim}-held-42 in /tmp$`, "gm"))?.length, 1, "the new command ran once");
    await page.screenshot({ path: path.join(SCREENSHOTS, `failover-${victim}.png`) });
    // The server comes back (a restart): the next round kills the other one.
    await startServer(victim, port);
  }
});
