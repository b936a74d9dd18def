"use client";
// The playground page: header with sandbox actions, the terminal, overlays for progress,
// errors and endings, and a status line that screen readers announce.
import "@xterm/xterm/css/xterm.css";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { SplitView } from "../components/SplitView";
import { Banners, TimeLeft } from "./Banners";
import type { ShellUser } from "../../lib/protocol";
import { INITIAL_VIEW, TerminalClient, type ClientView, type ConnectionState } from "./terminal-client";

const STATE_LABEL: Record<ConnectionState, string> = {
  connecting: "Connecting",
  queued: "Waiting in queue",
  starting: "Starting sandbox",
  ready: "Ready",
  reconnecting: "Reconnecting",
  ended: "Ended",
  error: "Problem",
};

type Confirming = "reset" | "end" | null;

/** Content beside the terminal (the lesson player), given the terminal client once it exists. */
export type AsideRenderer = (client: TerminalClient | null, view: ClientView) => React.ReactNode;

/**
 * `shell`: whose shell the terminal is (default ubuntu); null while the page does not know
 * yet (a lesson still loading), and nothing is opened until it does.
 */
export function Playground({ aside, asideLabel = "Lesson", shell = "ubuntu" }: { aside?: AsideRenderer; asideLabel?: string; shell?: ShellUser | null } = {}) {
  const hostRef = useRef<HTMLDivElement>(null);
  const clientRef = useRef<TerminalClient | null>(null);
  const [view, setView] = useState<ClientView>(INITIAL_VIEW);
  const [confirming, setConfirming] = useState<Confirming>(null);
  const [clientReady, setClientReady] = useState<TerminalClient | null>(null);

  useEffect(() => {
    if (!hostRef.current || !shell) return;
    const client = new TerminalClient(hostRef.current, setView, shell);
    clientRef.current = client;
    setClientReady(client);
    void client.start();
    return () => client.dispose();
  }, [shell]);

  const client = () => clientRef.current;
  const busy = view.state === "starting" || view.state === "connecting" || view.state === "queued";
  const hasSandbox = view.sandbox !== null && view.state !== "ended";

  return (
    <div className="play">
      <header className="play-header">
        <Link className="brand" href="/">
          Container Playground
        </Link>
        {view.sandbox && (
          <span className="sandbox-name" title="Your sandbox's name (also its hostname)">
            {view.sandbox.name}
          </span>
        )}
        {view.sandbox && view.state !== "ended" && <TimeLeft endsAt={view.sandbox.expiresAt} />}
        <button type="button" className="button" disabled={!hasSandbox || busy} onClick={() => setConfirming("reset")}>
          Reset sandbox
        </button>
        <button type="button" className="button danger" disabled={!hasSandbox || busy} onClick={() => setConfirming("end")}>
          End session
        </button>
      </header>

      <Banners view={view} client={client} />

      {aside ? (
        <SplitView label={asideLabel} aside={aside(clientReady, view)}>
          <section className="terminal-area" aria-label="Terminal">
            <div ref={hostRef} className="terminal-host" data-testid="terminal" />
            <Overlay view={view} client={client} />
          </section>
        </SplitView>
      ) : (
        <section className="terminal-area" aria-label="Terminal">
          <div ref={hostRef} className="terminal-host" data-testid="terminal" />
          <Overlay view={view} client={client} />
        </section>
      )}

      <footer className="status-bar">
        <span className="status-dot" data-state={view.state} aria-hidden="true" />
        <span role="status" aria-live="polite" data-testid="status">
          {STATE_LABEL[view.state]}
          {view.state === "ready" && view.sandbox ? ` · logged in as ${shell ?? "ubuntu"} on ${view.sandbox.name}` : ""}
        </span>
        {view.recordingId && view.state === "ready" && (
          <a className="recorded" href={`/api/recordings/${view.recordingId}.cast?download`} download title="This terminal's output is recorded (asciicast). Download your recording.">
            ● Recorded · Download
          </a>
        )}
        <span className="hint">Copy: Ctrl+Shift+C · Paste: Ctrl+Shift+V · Right-click copies a selection or pastes</span>
      </footer>

      <ConfirmDialog
        open={confirming === "reset"}
        title="Reset your sandbox?"
        body="Your current sandbox and everything in it (files, containers, images) is deleted and replaced by a fresh one."
        confirmLabel="Reset sandbox"
        danger
        onCancel={() => setConfirming(null)}
        onConfirm={() => {
          setConfirming(null);
          void client()?.reset();
        }}
      />
      <ConfirmDialog
        open={confirming === "end"}
        title="End this session?"
        body="Your sandbox and everything in it is deleted. You can start a new one afterwards."
        confirmLabel="End session"
        danger
        onCancel={() => setConfirming(null)}
        onConfirm={() => {
          setConfirming(null);
          void client()?.end();
        }}
      />
    </div>
  );
}

function Overlay({ view, client }: { view: ClientView; client: () => TerminalClient | null }) {
  if (view.state === "connecting" || view.state === "queued" || view.state === "starting" || view.state === "reconnecting") {
    return (
      <div className="overlay" data-testid="overlay">
        <div className="panel">
          <div className="progress-line">
            <span className="spinner" aria-hidden="true" />
            <p style={{ margin: 0 }}>{view.message}</p>
          </div>
          {view.state === "starting" && (
            <p className="detail" style={{ marginTop: "0.75rem" }}>
              A fresh sandbox takes a few seconds: it boots its own Docker engine.
            </p>
          )}
        </div>
      </div>
    );
  }
  if (view.state === "error" && view.error) {
    return (
      <div className="overlay" data-testid="overlay" role="alert">
        <div className="panel">
          <h2>{view.error.message}</h2>
          <p>{view.error.action}</p>
          {view.error.detail && <p className="detail">Detail for the operator: {view.error.detail}</p>}
          <div className="actions">
            <button type="button" className="button primary" onClick={() => void client()?.retry()} autoFocus>
              Retry
            </button>
          </div>
        </div>
      </div>
    );
  }
  if (view.state === "ended") {
    return (
      <div className="overlay" data-testid="overlay">
        <div className="panel">
          <h2>Session ended</h2>
          <p>{view.message}</p>
          <div className="actions">
            <Link className="button" href="/">
              Home
            </Link>
            <button type="button" className="button primary" onClick={() => void client()?.startNew()} autoFocus>
              Start a new sandbox
            </button>
          </div>
        </div>
      </div>
    );
  }
  if (view.shellExited) {
    return (
      <div className="overlay" data-testid="overlay">
        <div className="panel">
          <h2>The shell has exited</h2>
          <p>Your sandbox is still running. Open a new shell to keep going.</p>
          <div className="actions">
            <button type="button" className="button primary" onClick={() => void client()?.newShell()} autoFocus>
              Open a new shell
            </button>
          </div>
        </div>
      </div>
    );
  }
  return null;
}
