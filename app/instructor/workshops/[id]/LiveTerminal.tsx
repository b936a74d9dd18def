"use client";
// A learner's terminal as the instructor sees it: live and read-only, sized like the
// learner's. Output is acknowledged as it is drawn; if this view falls behind, the server
// drops frames and sends a fresh screen, so watching never slows the learner.
import "@xterm/xterm/css/xterm.css";
import { useEffect, useRef, useState } from "react";
import { staffSocket } from "../../staff-socket";

interface Props {
  workshopId: string;
  userId: string;
  fontSize: number;
  label: string;
  /** The full view: lets the instructor take control (type into the learner's shell). */
  controllable?: boolean;
}

const RETRY_MS = 5000;

export function LiveTerminal({ workshopId, userId, fontSize, label, controllable = false }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const termRef = useRef<import("@xterm/xterm").Terminal | null>(null);
  const watchRef = useRef<string | null>(null);
  const [status, setStatus] = useState("Connecting…");
  const [watchId, setWatchId] = useState<string | null>(null);
  const [control, setControl] = useState<"off" | "asking" | "on">("off");
  const [controlProblem, setControlProblem] = useState<string | null>(null);
  /** Set when this view can only watch (the learner's shell is served by another app server). */
  const [readOnlyBecause, setReadOnlyBecause] = useState<string | null>(null);

  useEffect(() => {
    let disposed = false;
    let watchId: string | null = null;
    setControl("off");
    let term: import("@xterm/xterm").Terminal | null = null;
    const socket = staffSocket();
    const onOutput = (id: string, data: ArrayBuffer | Uint8Array) => {
      if (id !== watchId || !term) return;
      const bytes = new Uint8Array(data);
      term.write(bytes, () => socket.emit("watch:ack", id, bytes.byteLength));
    };
    let retry: ReturnType<typeof setTimeout> | null = null;
    /** The learner may open a shell later, or get a new one after a reset: look again soon. */
    const retryLater = (message: string) => {
      setStatus(`${message} Looking again in a few seconds…`);
      if (retry) clearTimeout(retry);
      retry = setTimeout(() => socket.connected && start(), RETRY_MS);
    };
    const onExit = (id: string, message: string) => {
      if (id !== watchId) return;
      watchId = null;
      setWatchId(null);
      setControl("off");
      retryLater(message);
    };
    let Terminal: typeof import("@xterm/xterm").Terminal | null = null;
    const start = () =>
      socket.emit("watch:start", { workshopId, userId }, (res) => {
        if (disposed) {
          if (res.ok) socket.emit("watch:stop", res.watchId);
          return;
        }
        if (!res.ok) return retryLater(res.error);
        if (!Terminal || !host.current) return retryLater("Cannot watch this terminal.");
        term?.dispose(); // a fresh view for a fresh watch
        term = new Terminal({ cols: res.cols, rows: res.rows, fontSize, disableStdin: true, cursorBlink: false, scrollback: 2000, theme: { background: "#14161b" } });
        term.open(host.current);
        watchId = res.watchId;
        termRef.current = term;
        watchRef.current = watchId;
        setWatchId(watchId);
        setReadOnlyBecause(res.readOnlyBecause);
        setStatus("");
      });
    // After a dropped connection the server has forgotten our watches: start again.
    const onConnect = () => {
      watchId = null;
      setControl("off");
      start();
    };
    socket.on("watch:output", onOutput);
    socket.on("watch:exit", onExit);
    void (async () => {
      ({ Terminal } = await import("@xterm/xterm"));
      if (disposed || !host.current) return;
      socket.on("connect", onConnect);
      if (socket.connected) start();
    })();
    return () => {
      disposed = true;
      if (retry) clearTimeout(retry);
      socket.off("watch:output", onOutput);
      socket.off("watch:exit", onExit);
      socket.off("connect", onConnect);
      if (watchId) socket.emit("watch:stop", watchId); // also gives control back
      term?.dispose();
      termRef.current = null;
      watchRef.current = null;
    };
  }, [workshopId, userId, fontSize]);

  // While in control, keystrokes in this view go to the learner's shell.
  useEffect(() => {
    const term = termRef.current;
    if (!term || control !== "on") return;
    term.options.disableStdin = false;
    term.options.cursorBlink = true;
    term.focus();
    const sub = term.onData((data) => watchRef.current && staffSocket().emit("control:input", watchRef.current, data));
    return () => {
      sub.dispose();
      term.options.disableStdin = true;
      term.options.cursorBlink = false;
    };
  }, [control, watchId]);

  const toggleControl = () => {
    const socket = staffSocket();
    if (!watchId) return;
    if (control === "on") {
      socket.emit("control:stop", watchId, () => setControl("off"));
      return;
    }
    setControl("asking");
    socket.emit("control:start", watchId, (res) => {
      setControl(res.ok ? "on" : "off");
      setControlProblem(res.ok ? null : res.error);
    });
  };

  const screen = (
    <div className="live-terminal" aria-label={label} role={controllable ? undefined : "img"} data-testid={`live-${userId}`} data-control={control}>
      {status && <p className="live-status">{status}</p>}
      <div ref={host} />
    </div>
  );
  if (!controllable) return screen;
  return (
    <div className="live-full">
      <div className="live-tools">
        <button type="button" className={control === "on" ? "button danger" : "button"} disabled={!watchId || control === "asking" || !!readOnlyBecause} onClick={toggleControl} aria-pressed={control === "on"}>
          {control === "on" ? "Give control back" : "Take control"}
        </button>
        <span className="muted" role="status">
          {control === "on" ? "You are typing into the learner's shell; they see a banner. This is in the audit log." : controlProblem ?? readOnlyBecause ?? "Read-only."}
        </span>
      </div>
      {screen}
    </div>
  );
}
