// Entry point: `tsx server/main.ts`. Config errors and start-up failures exit with a clear message.
import { ConfigError, loadConfig } from "./config";
import { createLogger } from "./log";
import { startApp } from "./app";

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  // One failed request or event must never take every learner's terminal down with it.
  process.on("unhandledRejection", (err) => log.error({ err }, "unhandled promise rejection"));
  try {
    const app = await startApp(config, log);
    // The logs are JSON for machines; a person who typed `npm start` wants the address.
    const shown = config.host === "0.0.0.0" || config.host === "::" ? app.url : app.url.replace("localhost", config.host);
    console.log(`\n==> Container Playground is ready: ${shown}\n`);
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      // Sandboxes keep running: learners reconnect to them after a restart.
      log.info({ signal }, "shutting down");
      void app.close().then(() => process.exit(0));
      setTimeout(() => process.exit(0), 5000).unref();
    };
    process.on("SIGINT", () => stop("SIGINT"));
    process.on("SIGTERM", () => stop("SIGTERM"));
  } catch (err) {
    log.fatal({ err }, "container playground failed to start");
    process.exit(1);
  }
}

void main();
