// LXD's lifecycle events as SandboxEvents: an instance of this installation that stops without
// the playground asking is a death; an instance whose configuration changed is handed on (a
// cluster member's out-of-memory count arrives that way, oom.ts). The stream reconnects by
// itself (LXD restarts, a cluster member goes away); events missed meanwhile are the
// reconciler's to find (onReconnect).
import type WebSocket from "ws";
import type { Logger } from "../../log";
import type { SandboxEvent } from "../driver";
import type { LxdClient } from "./client";

interface LifecycleEvent {
  type: string;
  metadata?: { action?: string; source?: string };
}

const DEATHS = new Set(["instance-stopped", "instance-shutdown"]);
const UPDATED = "instance-updated";

/** The instance name in an event's source ("/1.0/instances/NAME" or with "?project="). */
export function instanceOfSource(source: string | undefined): string | null {
  const m = /^\/1\.0\/instances\/([^/?]+)/.exec(source ?? "");
  return m ? decodeURIComponent(m[1]) : null;
}

export interface LifecycleWatch {
  /** Whether a stopped instance is this installation's sandbox, ended without the playground asking. */
  isDeath: (instance: string) => Promise<boolean>;
  /** An instance's configuration changed (instance-updated). */
  onUpdated?: (instance: string) => void;
  log: Logger;
  onEvent: (event: SandboxEvent) => void;
  onReconnect: () => void;
  onConnected?: () => void;
}

export function watchLifecycle(client: LxdClient, { isDeath, onUpdated, log, onEvent, onReconnect, onConnected }: LifecycleWatch): () => void {
  let stopped = false;
  let socket: WebSocket | null = null;
  let timer: NodeJS.Timeout | null = null;
  let connectedBefore = false;

  const connect = () => {
    client.events("lifecycle").then(
      (ws) => {
        if (stopped) return ws.close();
        socket = ws;
        if (connectedBefore) onReconnect();
        connectedBefore = true;
        onConnected?.();
        ws.on("message", (data: Buffer) => {
          let event: LifecycleEvent;
          try {
            event = JSON.parse(data.toString()) as LifecycleEvent;
          } catch {
            return;
          }
          const name = instanceOfSource(event.metadata?.source);
          const action = event.metadata?.action ?? "";
          if (name && action === UPDATED) onUpdated?.(name);
          if (!name || !DEATHS.has(action)) return;
          void isDeath(name).then(
            (died) => died && onEvent({ kind: "died", sandboxId: name, exitCode: null, oomKilled: false }),
            () => undefined,
          );
        });
        ws.on("close", retry);
        ws.on("error", () => undefined);
      },
      (err: Error) => {
        log.warn({ err: err.message }, "LXD event stream unavailable; retrying");
        retry();
      },
    );
  };
  const retry = () => {
    socket = null;
    if (stopped || timer) return;
    timer = setTimeout(() => {
      timer = null;
      connect();
    }, 2000);
  };
  connect();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    socket?.close();
  };
}
