// The rest of a workshop day in the instructor's browser: pre-warming for the class and
// cancelling it, the page opening at its top, a full workshop turning a learner away, filter
// and sort, a stuck learner and passed/failed cells in the matrix (with its legend), a learner
// with several recordings listed with their durations, and the learner dialog fitting a
// 900-pixel-high screen with its Close button in view.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import type { Ack } from "../../lib/protocol";
import { SCREENSHOTS } from "../helpers/browser";
import { startBrowserApp, type BrowserApp } from "../helpers/browser-app";
import { call, connect, OutputCollector, openTerminal, type TestSocket, PROMPT } from "../helpers/client";
import { tempDataDir, until } from "../helpers/env";
import { httpClient, staffLogin, workshopBody } from "../helpers/staff";

const ADMIN = { email: "day@example.org", password: "a good long password" };
const LESSON = "01-day-lesson";
let stack: BrowserApp;
const sockets: TestSocket[] = [];

/** A two-step lesson whose first step passes when ~/first exists. */
function writeLesson(): string {
  const dir = path.join(tempDataDir(), "lessons");
  const step = (id: string, check: string) => {
    const d = path.join(dir, LESSON, "steps", id);
    fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(d, "check.sh"), `#!/bin/bash\n${check}\n`);
    fs.writeFileSync(path.join(d, "solve.sh"), `#!/bin/bash\ntouch ~/${id}\n`);
    fs.writeFileSync(path.join(d, "hint.md"), "Use touch.\n");
  };
  step("first", "[ -f /home/ubuntu/first ] || { echo 'No ~/first yet.'; exit 1; }");
  step("second", "[ -f /home/ubuntu/second ] || { echo 'No ~/second yet.'; exit 1; }");
  fs.writeFileSync(
    path.join(dir, LESSON, "lesson.md"),
    "---\ntitle: A day lesson\nsummary: Two files, for the workshop-day test.\nminutes: 5\n---\nMake two files.\n\n## First {#first}\nRun `touch ~/first`.\n\n## Second {#second .challenge}\nMake ~/second on your own.\n\n## Recap {.recap}\nTwo files made.\n",
  );
  return dir;
}

before(async () => {
  stack = await startBrowserApp({ LESSONS_DIR: writeLesson(), ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, ADMIN_NAME: "Mx Day", SANDBOX_MAX: "6" }, { width: 1440, height: 900 });
});

after(async () => {
  for (const s of sockets) s.close();
  await stack?.close();
});

const ask = <T>(socket: TestSocket, event: string, payload: unknown) =>
  new Promise<Ack<T>>((resolve) => (socket.emit as (e: string, p: unknown, cb: (r: Ack<T>) => void) => void).call(socket, event, payload, resolve));

async function learner(code: string, name: string): Promise<TestSocket> {
  const res = await httpClient(stack.app.url).post(`/api/join/${code}`, { displayName: name });
  assert.equal(res.status, 200, `${name} joins`);
  const socket = await connect(stack.app.url, res.headers.get("set-cookie")!.split(";")[0]);
  sockets.push(socket);
  assert.ok((await call(socket, "sandbox:open")).ok);
  return socket;
}

async function type(socket: TestSocket, line: string): Promise<void> {
  const t = await openTerminal(socket);
  assert.ok(t.ok);
  const shell = new OutputCollector(socket, t.terminalId);
  await shell.waitFor(PROMPT, 120_000);
  socket.emit("terminal:input", t.terminalId, `${line}; echo typed-$((1+1))\r`);
  await shell.waitFor(/typed-2/);
}

test("a workshop day: pre-warm and cancel, capacity, filter and sort, stuck and matrix cells, recordings, the dialog on a small screen", async () => {
  const { page, context, app } = stack;
  const cookie = await staffLogin(app.url, ADMIN.email, ADMIN.password);
  const created = await httpClient(app.url).post("/api/workshops", workshopBody([LESSON], 3), cookie);
  const { workshop } = (await created.json()) as { workshop: { id: string; joinCode: string } };
  const [name, value] = cookie.split("=");
  await context.addCookies([{ name, value, url: app.url }]);
  // Counts chimes: a raised hand with "Sound when a hand goes up" ticked makes an AudioContext.
  await context.addInitScript(() => {
    const Real = window.AudioContext;
    (window as unknown as { chimes: number }).chimes = 0;
    window.AudioContext = class extends Real {
      constructor() {
        super();
        (window as unknown as { chimes: number }).chimes++;
      }
    };
  });
  await page.goto(`${app.url}/instructor/workshops/${workshop.id}`);
  await page.getByTestId("join-code").waitFor();
  assert.equal(await page.evaluate(() => window.scrollY), 0, "the dashboard opens at its top: title, code and QR in view");

  // Pre-warm two sandboxes for this class, see them become ready, then cancel.
  await page.getByRole("spinbutton", { name: "Sandboxes" }).fill("2");
  await page.getByRole("button", { name: "Pre-warm" }).click();
  const status = page.getByTestId("prewarm-status");
  await until("2 of 2 ready for this class", async () => /2 of 2 ready\s+for this class/.test(await status.innerText().catch(() => "")), 120_000);
  await page.getByRole("button", { name: "Cancel pre-warm" }).click();
  await until("the pre-warm gone", async () => (await status.count()) === 0, 30_000);
  assert.equal(app.pool.readyCount, 0, "cancelling removed the class's warm sandboxes");

  // Three learners fill the workshop; a fourth is turned away with a reason.
  const ana = await learner(workshop.joinCode, "Ana");
  const ben = await learner(workshop.joinCode, "Ben");
  await learner(workshop.joinCode, "Cy");
  const late = await context.newPage();
  await late.goto(`${app.url}/join/${workshop.joinCode}`);
  await late.getByLabel(/Your name/).fill("Dee");
  await late.getByRole("button", { name: "Join and start" }).click();
  await late.getByRole("alert").filter({ hasText: "This workshop is full" }).waitFor({ timeout: 15_000 });
  await late.close();

  // Ana passes step 1 (and has two terminals, so two recordings); Ben fails five checks: stuck.
  await type(ana, "touch ~/first");
  await type(ana, "ls ~");
  assert.ok((await ask<{ result: { passed: boolean } }>(ana, "lesson:check", { lessonId: LESSON, stepId: "first" })).ok);
  for (let i = 0; i < 5; i++) await ask(ben, "lesson:check", { lessonId: LESSON, stepId: "first" });

  const wall = page.getByTestId("class-wall");
  await until("Ben stuck on the wall", async () => /Stuck/.test(await wall.locator(".wall-tile").filter({ has: page.getByRole("button", { name: "Open Ben's terminal", exact: true }) }).innerText()), 30_000);
  await until("Ben first (needs help first)", async () => /^Ben/.test(await wall.locator(".wall-tile").first().innerText()), 30_000);
  // A hand goes up: with the sound on, the dashboard chimes once.
  await page.getByLabel("Sound when a hand goes up").check();
  assert.ok((await ask(ben, "hand:raise", { message: "my check keeps failing" })).ok);
  await until("a chime for Ben's hand", async () => (await page.evaluate(() => (window as unknown as { chimes: number }).chimes)) === 1, 15_000);
  await page.getByLabel("Sort by").selectOption("name");
  await until("sorted by name", async () => (await wall.locator(".tile-open").allInnerTexts()).join(",") === "Ana,Ben,Cy", 10_000);
  await page.getByLabel("Filter by name").fill("an");
  await until("only Ana", async () => (await wall.locator(".tile-open").allInnerTexts()).join(",") === "Ana", 10_000);
  await page.getByLabel("Filter by name").fill("");

  // The matrix: Ana passed step 1, Ben tried it five times; a legend explains the cells.
  const matrix = page.getByTestId("matrix");
  await until("the matrix cells", async () => {
    const rows = await matrix.locator("tbody tr").allInnerTexts();
    return rows.some((r) => /^Ana\s+✓/.test(r)) && rows.some((r) => /^Ben\s+✗5/.test(r));
  }, 30_000);
  assert.match(await page.locator(".matrix-legend").innerText(), /✓ passed.*01.*A day lesson/s);
  await page.screenshot({ path: path.join(SCREENSHOTS, "workshop-day.png"), fullPage: true });

  // Ana's dialog: where she is, two recordings with their durations, and Close in view on a
  // 900-pixel screen however far the panel scrolls.
  await page.getByRole("button", { name: "Open Ana's terminal", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Ana's terminal" });
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /A day lesson · step 2 of 2/);
  await dialog.getByRole("tab", { name: "Recordings" }).click();
  const recordings = dialog.getByTestId("recording-select").locator("option");
  await until("two recordings", async () => (await recordings.count()) === 2, 15_000);
  for (const text of await recordings.allInnerTexts()) assert.match(text, / · (live|\d+ s|\d+ min \d+ s) · \d+ KB/);
  const panel = dialog.locator(".watch-panel");
  await panel.evaluate((el) => el.scrollTo(0, el.scrollHeight));
  const box = await panel.boundingBox();
  assert.ok(box && box.y >= 0 && box.y + box.height <= 900, `the panel fits the screen: ${JSON.stringify(box)}`);
  const close = await dialog.getByRole("button", { name: "Close" }).boundingBox();
  assert.ok(close && close.y >= 0 && close.y + close.height <= 900, `Close stays in view: ${JSON.stringify(close)}`);
  await page.screenshot({ path: path.join(SCREENSHOTS, "workshop-day-dialog.png") });
  await page.keyboard.press("Escape");
});
