// The fast tier's server: the real app (database, sockets, services) on the in-memory fake
// driver, so gateway, terminals, pool, capacity, reconciler, clocks, lessons and workshops are
// tested in milliseconds. The real-engine tests stay as they are; this tier is added to them.
import type { RunningApp } from "../../server/app";
import { startApp } from "../../server/app";
import type { Clock } from "../../server/lifecycle/clock";
import { FakeDriver } from "../../server/sandbox/fake/driver";
import { log, testConfig } from "./env";

export interface FastApp extends RunningApp {
  fake: FakeDriver;
}

export async function startFastApp(settings: Record<string, string> = {}, fake?: FakeDriver, clock?: Clock, opts: { dashboardRefreshMs?: number } = {}): Promise<FastApp> {
  const config = testConfig({ SANDBOX_ENGINE: "fake", SANDBOX_IMAGE: "fake/sandbox:1", MIRROR: "off", ...settings });
  const driver = fake ?? new FakeDriver({ instanceId: config.instanceId!, profile: config.sandbox.profile, image: "fake/sandbox:1" });
  const app = await startApp(config, log, { withNext: false, driver, clock, ...opts });
  return Object.assign(app, { fake: driver });
}
