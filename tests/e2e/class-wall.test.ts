// The class wall as a teacher sees it in front of a class: ten learners with real sandboxes,
// each tile a faithful live picture of that learner's terminal (every line of it, in place,
// scaled down), with name, lesson and step; a raised hand on the tile and in the tab title;
// then a class of 40 on a server that fits only 10 sandboxes, where the other 30 show as
// queued with their place. Screenshots at 10 and 40 learners, light and dark.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import type { Ack } from "../../lib/protocol";
import { startApp, type RunningApp } from "../../server/app";
import { launchBrowser, SCREENSHOTS } from "../helpers/browser";
import { call, connect, OutputCollector, openTerminal, type TestSocket, PROMPT } from "../helpers/client";
import { endAllSessions, log, requireDocker, requireSandboxImage, testConfig, until } from "../helpers/env";
import { httpClient, staffLogin, workshopBody } from "../helpers/staff";

const ADMIN = { email: "wall@example.org", password: "a good long password" };
const FITS = 10;
let app: RunningApp;
let browser: { browser: Browser; close(): Promise<void> };
const sockets: TestSocket[] = [];

before(async () => {
  const image = await requireSandboxImage(await requireDocker());
  const config = testConfig({
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    LESSONS_DIR: path.join(__dirname, "..", "..", "lessons"),
    SANDBOX_MAX: String(FITS),
    SANDBOX_MEMORY_MB: "512",
  });
  app = await startApp({ ...config, sandbox: { ...config.sandbox, image: image.ref } }, log, { withNext: true });
  browser = await launchBrowser();
});

after(async () => {
  for (const s of sockets) s.close();
  await browser?.close();
  if (app) {
    await endAllSessions(app);
    await app.close();
  }
});

async function join(code: string, name: string): Promise<TestSocket> {
  const res = await httpClient(app.url).post(`/api/join/${code}`, { displayName: name });
  assert.equal(res.status, 200, `${name} joins`);
  const socket = await connect(app.url, res.headers.get("set-cookie")!.split(";")[0]);
  sockets.push(socket);
  return socket;
}

/** A learner with a sandbox and a shell that has printed a line of its own. */
async function busyLearner(code: string, name: string): Promise<TestSocket> {
  const socket = await join(code, name);
  const opened = await call(socket, "sandbox:open");
  assert.ok(opened.ok, `${name}'s sandbox: ${JSON.stringify(opened)}`);
  const t = await openTerminal(socket, { cols: 100, rows: 24 });
  assert.ok(t.ok);
  const shell = new OutputCollector(socket, t.terminalId);
  await shell.waitFor(PROMPT, 120_000);
  socket.emit("terminal:input", t.terminalId, `echo wall-of-${name.toLowerCase()}-$((6*7))\r`);
  await shell.waitFor(new RegExp(`wall-of-${name.toLowerCase()}-42`));
  return socket;
}

async function shoot(page: Page, name: string): Promise<void> {
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: path.join(SCREENSHOTS, `class-wall-${name}-${scheme}.png`), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: "light" });
}

test("the class wall shows every learner's live terminal faithfully, hands and the queue, at 10 and at 40 learners", async () => {
  const teacherCookie = await staffLogin(app.url, ADMIN.email, ADMIN.password);
  const created = await httpClient(app.url).post("/api/workshops", workshopBody(["01-container-is-a-process"], 60), teacherCookie);
  const { workshop } = (await created.json()) as { workshop: { id: string; joinCode: string } };

  const names = ["Ada", "Bo", "Chen", "Dara", "Eli", "Femi", "Gus", "Hana", "Ines", "Jon"];
  // Four at a time: sandboxes start in parallel, as a class arriving does.
  const socketOf = new Map<string, TestSocket>();
  for (let i = 0; i < names.length; i += 4) {
    await Promise.all(names.slice(i, i + 4).map(async (n) => socketOf.set(n, await busyLearner(workshop.joinCode, n))));
  }

  const context = await browser.browser.newContext({ viewport: { width: 1440, height: 900 } });
  const [name, value] = teacherCookie.split("=");
  await context.addCookies([{ name, value, url: app.url }]);
  const page = await context.newPage();
  await page.goto(`${app.url}/instructor/workshops/${workshop.id}`);
  const wall = page.getByTestId("class-wall");
  // A learner's tile, found by its control's exact name (tile text also holds terminal output).
  const tileOf = (n: string) => wall.locator(".wall-tile").filter({ has: page.getByRole("button", { name: `Open ${n}'s terminal`, exact: true }) });
  await until("ten tiles", async () => (await wall.locator(".wall-tile").count()) === names.length, 30_000);

  for (const n of names) {
    const tile = tileOf(n);
    await until(`${n}'s own output on ${n}'s tile`, async () => new RegExp(`wall-of-${n.toLowerCase()}-42`).test(await tile.innerText()), 30_000);
    assert.match(await tile.innerText(), /A container is a process · step 1 of \d+/);
  }
  // Faithful: the picture has the learner's 24 lines, drawn left-aligned at its full width and
  // scaled down to fit the tile (the old miniature centred each line and cut off the right).
  const ada = tileOf("Ada");
  assert.equal(await ada.locator(".xterm-rows > div").count(), 24);
  const fit = await ada.locator(".scaled-inner").evaluate((el) => ({
    natural: (el as HTMLElement).offsetWidth,
    shown: el.getBoundingClientRect().width,
    tile: el.parentElement!.clientWidth,
    align: getComputedStyle(el.querySelector(".xterm-rows > div")!).textAlign,
  }));
  assert.ok(fit.shown <= fit.tile + 1, `the picture fits its tile: ${JSON.stringify(fit)}`);
  assert.ok(fit.natural > fit.shown, `drawn at full width, then scaled down: ${JSON.stringify(fit)}`);
  assert.match(fit.align, /^(start|left)$/);

  // A raised hand: on the tile, first in "needs help first" order, and in the tab title.
  const hana = socketOf.get("Hana")!;
  const raised = await new Promise<Ack<object>>((resolve) => (hana.emit as (e: string, p: unknown, cb: (r: Ack<object>) => void) => void).call(hana, "hand:raise", { message: "my container exits at once" }, resolve));
  assert.ok(raised.ok);
  await wall.locator('.wall-tile[data-state="hand"]').filter({ has: page.getByRole("button", { name: "Open Hana's terminal", exact: true }) }).waitFor({ timeout: 15_000 });
  await until("Hana's tile first", async () => /^Hana/.test(await wall.locator(".wall-tile").first().innerText()), 15_000);
  assert.match(await page.title(), /^\(1 hand up\) /);
  await shoot(page, "10");
  // Replying answers the hand in one step: Hana gets the message, the hand goes down.
  const messages: string[] = [];
  hana.on("workshop:message", (m) => messages.push(m.body));
  await page.getByLabel("Reply to Hana (optional)").fill("Look at docker logs first");
  await page.getByRole("button", { name: "Reply and mark answered" }).click();
  await until("Hana's reply", () => messages.includes("Look at docker logs first"), 15_000);
  await until("the hand to go down", async () => (await wall.locator('.wall-tile[data-state="hand"]').count()) === 0, 15_000);
  assert.doesNotMatch(await page.title(), /hand up/);

  // The join code full screen, for the projector; Escape closes it.
  await page.getByRole("button", { name: "Show on the projector" }).click();
  const projector = page.getByRole("dialog", { name: "Join code for the projector" });
  assert.match(await projector.innerText(), new RegExp(workshop.joinCode));
  await page.screenshot({ path: path.join(SCREENSHOTS, "class-wall-projector.png") });
  await page.keyboard.press("Escape");
  await until("the projector view to close", async () => (await projector.count()) === 0, 10_000);

  // One click on a tile opens the learner's full view, which says where they are.
  await ada.click({ position: { x: 40, y: 80 } });
  const dialog = page.getByRole("dialog", { name: "Ada's terminal" });
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /A container is a process · step 1 of \d+/);
  await until("Ada's output in the full view", async () => /wall-of-ada-42/.test(await dialog.innerText()), 30_000);
  await page.keyboard.press("Escape");
  await until("the full view to close", async () => (await dialog.count()) === 0, 10_000);

  // Thirty more learners than the server fits: they wait in the queue, and the wall says so.
  for (let i = 1; i <= 30; i++) {
    const socket = await join(workshop.joinCode, `Queued ${String(i).padStart(2, "0")}`);
    void call(socket, "sandbox:open"); // answers only when a slot frees up, or never if they leave
  }
  await until("40 tiles, 30 of them queued", async () => (await wall.locator(".wall-tile").count()) === 40 && (await wall.locator('.wall-tile[data-state="queued"]').count()) === 30, 30_000);
  const queuedTexts = await wall.locator('.wall-tile[data-state="queued"]').allInnerTexts();
  assert.deepEqual(
    queuedTexts.map((t) => Number(/Queued #(\d+)/.exec(t)?.[1])).sort((a, b) => a - b),
    Array.from({ length: 30 }, (_, i) => i + 1),
    "each queued learner shows their own place",
  );
  // A learner who waits in the queue in their browser still has the workshop bar and can
  // raise a hand; the wall shows both on their tile.
  const waiter = await (await browser.browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await waiter.goto(`${app.url}/join/${workshop.joinCode}`);
  await waiter.getByLabel(/Your name/).fill("Kim");
  await waiter.getByRole("button", { name: "Join and start" }).click();
  await waiter.getByText(/number 31 in the queue/).waitFor({ timeout: 30_000 });
  const bar = waiter.getByTestId("workshop-bar");
  await bar.getByRole("button", { name: "Raise hand" }).click();
  await bar.getByLabel(/What do you need/).fill("still waiting for a sandbox");
  await bar.getByRole("button", { name: "Raise hand" }).click();
  await waiter.getByTestId("hand-status").waitFor({ timeout: 10_000 });
  await waiter.screenshot({ path: path.join(SCREENSHOTS, "class-wall-queued-learner.png") });
  await until("Kim's tile: hand raised, number 31 in the queue", async () => {
    const text = await tileOf("Kim").innerText().catch(() => "");
    return (await tileOf("Kim").getAttribute("data-state").catch(() => null)) === "hand" && /Queued #31/.test(text);
  }, 30_000);
  await page.getByLabel("Tiles").selectOption("small");
  await shoot(page, "40");
  await waiter.context().close();
  // Leaving (closing the page) takes a learner out of the queue, and the wall follows.
  for (const s of sockets.filter((s) => ![...socketOf.values()].includes(s))) s.close();
  await until("no one queued any more", async () => (await wall.locator('.wall-tile[data-state="queued"]').count()) === 0, 30_000);

  // Ending the class: confirmed in red, then the code and QR give way to a note.
  await page.getByRole("button", { name: "End workshop" }).click();
  const confirm = page.getByRole("dialog", { name: "End this workshop?" });
  await confirm.getByRole("button", { name: "End workshop" }).click();
  await page.getByTestId("ended-note").waitFor({ timeout: 60_000 });
  assert.equal(await page.getByTestId("join-code").count(), 0, "the ended workshop's code is no longer shown");
  await context.close();
});
