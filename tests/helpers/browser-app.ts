// A playground with its web pages (Next) on the built sandbox image, and one Chromium page
// beside it: the set-up most browser tests share. close() ends every session first, so no
// sandbox outlives the file.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { startApp, type RunningApp } from "../../server/app";
import { launchBrowser } from "./browser";
import { endAllSessions, log, requireDocker, requireSandboxImage, testConfig } from "./env";

export interface BrowserApp {
  app: RunningApp;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function startBrowserApp(settings: Record<string, string>, viewport = { width: 1400, height: 900 }): Promise<BrowserApp> {
  const image = await requireSandboxImage(await requireDocker());
  const config = testConfig(settings);
  const app = await startApp({ ...config, sandbox: { ...config.sandbox, image: image.ref } }, log, { withNext: true });
  const chromium = await launchBrowser().catch(async (err) => {
    await app.close();
    throw err;
  });
  const context = await chromium.browser.newContext({ viewport });
  const page = await context.newPage();
  return {
    app,
    browser: chromium.browser,
    context,
    page,
    async close() {
      await context.close().catch(() => undefined);
      await chromium.close();
      await endAllSessions(app);
      await app.close();
    },
  };
}
