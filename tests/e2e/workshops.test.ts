// A workshop in real browsers: the instructor signs in and creates one, a learner joins with
// the code and lands in the first lesson with a sandbox, and the dashboard lists them; the
// instructor watches, takes control (the learner sees a banner), answers a raised hand,
// broadcasts a message, and replays the learner's recorded terminal.
import assert from "node:assert/strict";
import path from "node:path";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { startApp, type RunningApp } from "../../server/app";
import { loadCourse } from "../../server/lessons/parse";
import { launchBrowser, SCREENSHOTS, waitForStatus, waitForTerminal } from "../helpers/browser";
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
  // The name learners will see (never the email): a bad one is refused next to the field.
  const shownName = teacher.getByLabel("Your name as learners see it");
  await shownName.fill("rahman@school.org");
  await teacher.getByRole("button", { name: "Save name" }).click();
  await teacher.getByRole("status").filter({ hasText: "not an email address" }).waitFor();
  await shownName.fill("Ms Rahman");
  await teacher.getByRole("button", { name: "Save name" }).click();
  await teacher.getByRole("status").filter({ hasText: "learners see you as “Ms Rahman”" }).waitFor();
  await teacher.getByLabel("Title").fill("Friday containers class");
  // A mistake in the form is said beside the button, as a sentence, and the form keeps its values.
  await teacher.getByLabel("Ends").fill("2020-01-01T10:00");
  await teacher.getByRole("button", { name: "Create workshop" }).click();
  await teacher.getByRole("alert").filter({ hasText: "The workshop must end after it starts." }).waitFor();
  assert.equal(await teacher.getByLabel("Title").inputValue(), "Friday containers class");
  await teacher.getByLabel("Ends").fill("2099-01-01T10:00");
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

  // The class wall is the dashboard's first view: a tile per learner, with where they are.
  const wall = teacher.getByTestId("class-wall");
  await until("the learner on the class wall", async () => /Noor/.test(await wall.innerText()), 20_000);
  const first = loadCourse(path.join(__dirname, "..", "..", "lessons")).lessons.find((l) => l.slug === "container-is-a-process")!;
  assert.match(await wall.innerText(), new RegExp(`${first.title} · step 1 of ${first.steps.length}`));

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
  // The learner knows they are being watched, and by whom.
  await learner.getByTestId("watched-banner").filter({ hasText: "Ms Rahman" }).waitFor({ timeout: 10_000 });
  await learner.screenshot({ path: path.join(SCREENSHOTS, "workshop-watched-banner.png") });

  // Take control: the instructor's typing runs in the learner's shell, under a banner.
  const learnerBar = learner.getByTestId("workshop-bar");
  assert.match(await learnerBar.innerText(), /Friday containers class.*recorded/s, "the learner is told the session is recorded");
  await full.getByRole("button", { name: "Take control" }).click();
  await full.getByRole("button", { name: "Give control back" }).waitFor();
  await learner.getByTestId("control-banner").filter({ hasText: "Ms Rahman" }).waitFor({ timeout: 10_000 });
  await full.locator(".xterm-helper-textarea").focus();
  await teacher.keyboard.type("echo from-teacher-$((9*9))");
  await teacher.keyboard.press("Enter");
  await waitForTerminal(learner, /from-teacher-81/, 20_000);
  await learner.screenshot({ path: path.join(SCREENSHOTS, "workshop-control-banner.png") });
  await full.getByRole("button", { name: "Give control back" }).click();
  await until("the banner to go", async () => (await learner.getByTestId("control-banner").count()) === 0, 10_000);

  // Replay: the recorded terminal plays back what was typed.
  await full.getByRole("tab", { name: "Recordings" }).click();
  await full.getByLabel("Speed").selectOption("8");
  await full.getByTestId("replay-play").click();
  await until("the replay to show the commands", async () => /hello-from-noor-42[\s\S]*from-teacher-81/.test(await full.getByTestId("replay-screen").innerText()), 60_000);
  await teacher.screenshot({ path: path.join(SCREENSHOTS, "workshop-replay.png") });
  await teacher.keyboard.press("Escape");
  await until("the full view to close", async () => (await full.count()) === 0, 10_000);

  // Raise hand: it shows on the dashboard until answered; the learner hears the answer.
  await learnerBar.getByRole("button", { name: "Raise hand" }).click();
  await learnerBar.getByLabel(/What do you need/).fill("stuck on step 2");
  await learner.screenshot({ path: path.join(SCREENSHOTS, "workshop-raise-hand.png") });
  await learnerBar.getByRole("button", { name: "Raise hand" }).click();
  await learner.getByTestId("hand-status").filter({ hasText: "stuck on step 2" }).waitFor();
  const hands = teacher.getByTestId("hands");
  await hands.filter({ hasText: /Noor.*stuck on step 2/s }).waitFor({ timeout: 10_000 });
  // The hand shows on the learner's tile and in the tab title too (seen from another tab).
  await wall.locator('[data-state="hand"]').filter({ hasText: "Noor" }).waitFor({ timeout: 10_000 });
  assert.match(await teacher.title(), /^\(1 hand up\) /);
  await teacher.screenshot({ path: path.join(SCREENSHOTS, "workshop-hands.png"), fullPage: true });
  await hands.getByRole("button", { name: "Mark answered" }).click();
  await learner.getByText("Ms Rahman answered your raised hand.").waitFor({ timeout: 10_000 });
  assert.doesNotMatch(await learner.locator("body").innerText(), /teacher@example\.org/, "learners never see the instructor's email");
  await until("the hand to leave the dashboard", async () => (await hands.count()) === 0, 10_000);
  assert.doesNotMatch(await teacher.title(), /hand up/);

  // A broadcast appears in the learner's page.
  await teacher.getByLabel("Message to everyone").fill("Ten minutes left on this lesson");
  await teacher.getByRole("button", { name: "Send" }).click();
  await learner.getByTestId("workshop-message").filter({ hasText: "Ten minutes left on this lesson" }).waitFor({ timeout: 10_000 });
  // The dashboard keeps a list of what was sent, and to whom.
  const sent = teacher.getByTestId("sent-messages");
  await sent.locator("summary").click();
  await until("the broadcast under Messages sent", async () => /Ms Rahman to everyone: \W?Ten minutes left on this lesson/.test(await sent.innerText()), 10_000);
  await learner.screenshot({ path: path.join(SCREENSHOTS, "workshop-learner-message.png") });

  // The table view: one row per learner, with when they last typed and saw output.
  await teacher.getByRole("button", { name: "Table", exact: true }).click();
  const row = teacher.getByTestId("learners").getByRole("row").filter({ hasText: "Noor" });
  assert.match(await row.innerText(), new RegExp(`${first.title}, step 1 of ${first.steps.length}`));
  assert.match(await row.innerText(), /typed (just now|\d+ s ago|\d+ min ago) · output (just now|\d+ s ago|\d+ min ago)/);

  // The progress matrix lists the learner; the CSV link is there.
  assert.match(await teacher.getByTestId("matrix").innerText(), /Noor/);
  assert.equal(await teacher.getByRole("link", { name: "Download CSV" }).getAttribute("href"), `/api/workshops/${teacher.url().split("/").pop()}/progress.csv`);
});
