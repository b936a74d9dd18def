// Reacts to Docker's event stream instead of polling every sandbox: a sandbox that dies ends
// its session with a reason; memory exhaustion inside a sandbox is told to its learner.
import type { Logger } from "../log";
import type { SandboxDriver } from "../sandbox/driver";
import type { PlaygroundService } from "../sessions/playground-service";
import type { SandboxPool } from "./pool";

export const OOM_NOTICE =
  "Your sandbox ran out of memory, so the kernel stopped a program in it. Your sandbox keeps running; use less memory at once, or reset it if things misbehave.";

export function watchSandboxEvents(
  deps: { driver: SandboxDriver; service: PlaygroundService; pool?: SandboxPool; log: Logger },
  onReconnect: () => void,
): () => void {
  const { driver, service, pool, log } = deps;
  return driver.watch((event) => {
    const work =
      event.kind === "oom"
        ? service.notice(event.sandboxId, OOM_NOTICE)
        : service.sandboxDied(event.sandboxId, event).then(async (ended) => {
            if (ended) log.warn({ sandboxId: event.sandboxId, exitCode: event.exitCode, oomKilled: event.oomKilled }, "sandbox died; session ended");
            else if (await pool?.discard(event.sandboxId)) log.warn({ sandboxId: event.sandboxId }, "pool sandbox died; replaced");
          });
    work.catch((err) => log.error({ err, event }, "handling a sandbox event failed"));
  }, onReconnect);
}
