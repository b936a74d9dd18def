// `npm run check:first-prompt [URL]`: what a newcomer does after `npm start`, in a real
// browser: open the playground, press the button, and get a prompt in the terminal, then
// type a command that needs sudo and the sandbox's own Docker engine. Exits non-zero with
// the reason when any of that fails. .ci/run uses it against the server `npm start` runs.
import { launchBrowser, waitForTerminal } from "../tests/helpers/browser";

const url = process.argv[2] ?? `http://localhost:${process.env.PORT ?? 3000}`;

async function main(): Promise<void> {
  const started = Date.now();
  const { browser, close } = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 760 } });
    await page.goto(url);
    await page.getByRole("link", { name: "Open a free playground" }).click();
    await page.waitForURL(/\/play$/);
    await waitForTerminal(page, /ubuntu@sbx-[a-z0-9]+:~\$/, 180_000);
    console.log(`==> A prompt in the browser after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await page.keyboard.type("sudo id -u && docker run --rm hello-world | head -2");
    await page.keyboard.press("Enter");
    await waitForTerminal(page, /^0\n[\s\S]*Hello from Docker!/m, 120_000);
    console.log("==> sudo and docker work from the browser's terminal");
  } finally {
    await close();
  }
}

main().catch((err) => {
  console.error(`first-prompt check failed at ${url}: ${(err as Error).message}`);
  process.exit(1);
});
