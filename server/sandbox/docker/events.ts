// What the engine reports about this installation's sandboxes on its own: a container that
// died (and whether for memory) or an out-of-memory kill inside one. Docker's event stream,
// reconnected with backoff; after a reconnect the caller reconciles (events may be missed).
import type Docker from "dockerode";
import type { Logger } from "../../log";
import type { SandboxEvent } from "../driver";

export function watchEngineEvents(
  docker: Docker,
  labels: string[],
  log: Logger,
  onEvent: (event: SandboxEvent) => void,
  onReconnect: () => void,
  onConnected: () => void = () => undefined,
): () => void {
  let stopped = false;
  let stream: (NodeJS.ReadableStream & { destroy?: () => void }) | null = null;
  let failures = 0;
  const retry = () => {
    if (stopped) return;
    const delay = Math.min(30_000, 500 * 2 ** failures++);
    setTimeout(() => void connect(true), delay).unref();
  };
  const connect = async (isReconnect: boolean) => {
    try {
      stream = (await docker.getEvents({ filters: { type: ["container"], event: ["die", "oom"], label: labels } })) as NodeJS.ReadableStream & { destroy?: () => void };
    } catch (err) {
      log.warn({ err: (err as Error).message }, "cannot watch Docker events; retrying");
      return retry();
    }
    if (stopped) return stream.destroy?.();
    failures = 0;
    onConnected();
    if (isReconnect) onReconnect();
    let buffered = "";
    stream.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (line) void toSandboxEvent(docker, line).then((e) => e && onEvent(e));
      }
    });
    stream.on("end", retry);
    stream.on("error", retry);
  };
  void connect(false);
  return () => {
    stopped = true;
    stream?.destroy?.();
  };
}

async function toSandboxEvent(docker: Docker, line: string): Promise<SandboxEvent | null> {
  let raw: { Action?: string; Actor?: { ID?: string; Attributes?: Record<string, string> } };
  try {
    raw = JSON.parse(line);
  } catch {
    return null;
  }
  const sandboxId = raw.Actor?.ID;
  if (!sandboxId) return null;
  if (raw.Action === "oom") return { kind: "oom", sandboxId };
  if (raw.Action !== "die") return null;
  const exit = Number(raw.Actor?.Attributes?.exitCode);
  const oomKilled = await docker
    .getContainer(sandboxId)
    .inspect()
    .then((i) => i.State.OOMKilled, () => false);
  return { kind: "died", sandboxId, exitCode: Number.isFinite(exit) ? exit : null, oomKilled };
}
