// Reacts to Docker's event stream instead of polling every sandbox: a sandbox that dies ends
// its session with a reason; memory exhaustion inside a sandbox is told to its learner.
import type { Logger } from "../log";
import { systemClock, type Clock } from "./clock";
import type { SandboxDriver } from "../sandbox/driver";
import type { PlaygroundService } from "../sessions/playground-service";
import type { SandboxPool } from "./pool";

export const OOM_NOTICE =
  "Your sandbox ran out of memory, so the kernel stopped a program in it. Your sandbox keeps running; use less memory at once, or reset it if things misbehave.";

/**
 * One runaway program makes the engine report several OOM events within a moment (the kernel
 * counts each reclaim failure); the learner hears about it once per burst.
 */
export const OOM_NOTICE_QUIET_MS = 30_000;

export function watchSandboxEvents(
  deps: { driver: SandboxDriver; service: PlaygroundService; pool?: SandboxPool; log: Logger; clock?: Clock },
  onReconnect: () => void,
): () => void {
  const { driver, service, pool, log } = deps;
  const clock = deps.clock ?? systemClock;
  const lastOomNotice = new Map<string, number>();
  const oomNotice = (sandboxId: string): Promise<void> => {
    const now = clock.now().getTime();
    const last = lastOomNotice.get(sandboxId);
    if (last !== undefined && now - last < OOM_NOTICE_QUIET_MS) return Promise.resolve();
    lastOomNotice.set(sandboxId, now);
    return service.notice(sandboxId, OOM_NOTICE);
  };
  return driver.watch((event) => {
    if (event.kind === "died") lastOomNotice.delete(event.sandboxId);
    const work =
      event.kind === "oom"
        ? oomNotice(event.sandboxId)
        : service.sandboxDied(event.sandboxId, event).then(async (ended) => {
            if (ended) log.warn({ sandboxId: event.sandboxId, exitCode: event.exitCode, oomKilled: event.oomKilled }, "sandbox died; session ended");
            else if (await pool?.discard(event.sandboxId)) log.warn({ sandboxId: event.sandboxId }, "pool sandbox died; replaced");
          });
    work.catch((err) => log.error({ err, event }, "handling a sandbox event failed"));
  }, onReconnect);
}
