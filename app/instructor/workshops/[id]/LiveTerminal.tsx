"use client";
// A learner's terminal as the instructor sees it: live and read-only, sized like the
// learner's. Output is acknowledged as it is drawn; if this view falls behind, the server
// drops frames and sends a fresh screen, so watching never slows the learner.
import "@xterm/xterm/css/xterm.css";
import { useEffect, useRef, useState } from "react";
import { io, type Socket } from "socket.io-client";

let shared: Socket | null = null;
/** One /staff connection per page, shared by every live view. */
function staffSocket(): Socket {
  shared ??= io("/staff", { transports: ["websocket"], withCredentials: true });
  return shared;
}

export function LiveTerminal({ workshopId, userId, fontSize, label }: { workshopId: string; userId: string; fontSize: number; label: string }) {
  const host = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState("Connecting…");

  useEffect(() => {
    let disposed = false;
    let watchId: string | null = null;
    let term: import("@xterm/xterm").Terminal | null = null;
    const socket = staffSocket();
    const onOutput = (id: string, data: ArrayBuffer) => {
      if (id !== watchId || !term) return;
      const bytes = new Uint8Array(data);
      term.write(bytes, () => socket.emit("watch:ack", id, bytes.byteLength));
    };
    const onExit = (id: string, message: string) => id === watchId && setStatus(message);
    socket.on("watch:output", onOutput);
    socket.on("watch:exit", onExit);
    void (async () => {
      const { Terminal } = await import("@xterm/xterm");
      if (disposed || !host.current) return;
      const start = () =>
        socket.emit("watch:start", { workshopId, userId }, (res: { ok: boolean; watchId?: string; cols?: number; rows?: number; error?: string }) => {
          if (disposed) {
            if (res.watchId) socket.emit("watch:stop", res.watchId);
            return;
          }
          if (!res.ok || !res.watchId) return setStatus(res.error ?? "Cannot watch this terminal.");
          term = new Terminal({ cols: res.cols, rows: res.rows, fontSize, disableStdin: true, cursorBlink: false, scrollback: 2000, theme: { background: "#14161b" } });
          term.open(host.current!);
          watchId = res.watchId;
          setStatus("");
        });
      if (socket.connected) start();
      else socket.once("connect", start);
    })();
    return () => {
      disposed = true;
      socket.off("watch:output", onOutput);
      socket.off("watch:exit", onExit);
      if (watchId) socket.emit("watch:stop", watchId);
      term?.dispose();
    };
  }, [workshopId, userId, fontSize]);

  return (
    <div className="live-terminal" aria-label={label} role="img" data-testid={`live-${userId}`}>
      {status && <p className="live-status">{status}</p>}
      <div ref={host} />
    </div>
  );
}
