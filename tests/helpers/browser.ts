// Headless Debian Chromium through playwright-core. A missing browser fails the test.
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export async function launchBrowser(): Promise<{ browser: Browser; close(): Promise<void> }> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium (npm test does as root) or set CHROMIUM_PATH.`);
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    browser,
    // playwright's launch() gives every run a fresh, temporary profile of its own.
    close: () => browser.close(),
  };
}

/** The terminal's text, read from xterm's buffer (the DOM lags it). */
export function terminalText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const term = (window as unknown as { playground?: { term: { buffer: { active: { length: number; getLine(i: number): { translateToString(trim: boolean): string } | undefined } } } } }).playground?.term;
    if (!term) return "";
    const b = term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < b.length; i++) lines.push(b.getLine(i)?.translateToString(true) ?? "");
    return lines.join("\n");
  });
}

export async function waitForTerminal(page: Page, re: RegExp, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await terminalText(page);
    if (re.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`terminal never showed ${re}; it shows:\n${text.trimEnd().slice(-1500)}`);
    await page.waitForTimeout(100);
  }
}

/** The screen xterm shows ("normal", or "alternate" for a full-screen program) and the text of the cursor's line. */
export function cursorLine(page: Page): Promise<{ screen: string; line: string }> {
  return page.evaluate(() => {
    const b = (window as unknown as { playground: { term: { buffer: { active: { type: string; baseY: number; cursorY: number; getLine(i: number): { translateToString(trim: boolean): string } | undefined } } } } }).playground.term.buffer.active;
    return { screen: b.type, line: b.getLine(b.baseY + b.cursorY)?.translateToString(true) ?? "" };
  });
}

/**
 * Waits until the normal screen shows the shell's prompt where the cursor is: keys typed
 * before a full-screen program (vim, less) has handed the terminal back are flushed by it.
 */
export async function waitForPrompt(page: Page, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const at = await cursorLine(page);
    if (at.screen === "normal" && /\$\s*$/.test(at.line)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for the shell's prompt: ${JSON.stringify(at)}\n${(await terminalText(page)).trimEnd().slice(-1500)}`);
    await page.waitForTimeout(100);
  }
}

export async function waitForStatus(page: Page, re: RegExp, timeoutMs = 120_000): Promise<void> {
  await page.getByTestId("status").filter({ hasText: re }).waitFor({ timeout: timeoutMs });
}

/** Screenshots, one folder per sandbox profile (the browser tests run in both). */
export const SCREENSHOTS = path.join(process.cwd(), "test-results", "screenshots", process.env.TEST_SANDBOX_PROFILE ?? "hardened");
