// Feeds the memory gate: reads the engine host's available memory every second, and when
// memory was freed serves the learners waiting for it and refills the warm pool. Says once in
// the log when the host runs short, and once when it recovers.
import type { Logger } from "../log";
import type { SandboxDriver } from "../sandbox/driver";
import type { SandboxSlots } from "./capacity";
import type { MemoryGate } from "./memory-gate";
import type { SandboxPool } from "./pool";

export const MEMORY_READ_INTERVAL_MS = 1000;

export interface MemoryWatch {
  /** One reading into the gate, nobody served (the server takes one before its reconcile). */
  readNow(): Promise<void>;
  /** Reads every second from now on, serving waiters and the pool when memory frees. */
  start(): void;
  stop(): void;
}

export function watchHostMemory(
  deps: { driver: SandboxDriver; gate: MemoryGate; slots: SandboxSlots; pool: SandboxPool; log: Logger },
  limits: { reserveBytes: number; perSandboxBytes: number },
): MemoryWatch {
  const { driver, gate, slots, pool, log } = deps;
  let short = false;
  const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
  const readNow = async () => {
    const available = await driver.memoryAvailable().catch(() => null);
    gate.update(available);
    const nowShort = available !== null && available - limits.perSandboxBytes < limits.reserveBytes;
    if (nowShort !== short) {
      short = nowShort;
      if (short) log.warn({ availableMb: mb(available!), reserveMb: mb(limits.reserveBytes) }, "host memory is short: new sandboxes wait until some is free");
      else log.info({ availableMb: available === null ? null : mb(available) }, "host memory recovered: new sandboxes start again");
    }
  };
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    await readNow();
    slots.retry();
    pool.fill();
  };
  return {
    readNow,
    start() {
      timer ??= setInterval(() => void tick().catch((err) => log.error({ err }, "reading host memory failed")), MEMORY_READ_INTERVAL_MS);
      timer.unref();
    },
    stop: () => clearInterval(timer),
  };
}
