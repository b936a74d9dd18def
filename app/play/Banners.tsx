"use client";
// Time left in the header, and the banners above the terminal: "ends soon" warnings with
// Extend or "I'm still here", and notices such as running out of memory.
import { useEffect, useState } from "react";
import type { ClientView, TerminalClient } from "./terminal-client";
import { WorkshopBar } from "./WorkshopBar";

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}

export function formatLeft(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, "0")}m`;
  return `${m}:${String(sec).padStart(2, "0")}`;
}

export function TimeLeft({ endsAt }: { endsAt: string }) {
  const now = useNow(1000);
  return (
    <span className="time-left" title={`Your sandbox ends at ${new Date(endsAt).toLocaleTimeString()}`} data-testid="time-left">
      {formatLeft(Date.parse(endsAt) - now)} left
    </span>
  );
}

export function Banners({ view, client }: { view: ClientView; client: () => TerminalClient | null }) {
  const now = useNow(1000);
  const { warning, notice, controlledBy, watchedBy } = view;
  const live = view.state !== "ended";
  // The container always renders: it is a row of the page grid even when empty.
  return (
    <div className="banners">
      <WorkshopBar view={view} client={client()} />
      {live && controlledBy && (
        <div className="banner control" role="status" data-testid="control-banner">
          <span>
            <strong>{controlledBy}</strong> (your instructor) is typing in your terminal. You can keep typing too; they hand it back when done.
          </span>
        </div>
      )}
      {live && !controlledBy && watchedBy.length > 0 && (
        <div className="banner watched" role="status" data-testid="watched-banner">
          <span>
            <strong>{watchedBy.join(", ")}</strong> (your instructor) can see your terminal right now.
          </span>
        </div>
      )}
      {live && warning && (
        <div className="banner warn" role="alert" data-testid="warning">
          {warning.kind === "expiry" ? (
            <>
              <span>
                Your sandbox ends in <strong>{formatLeft(Date.parse(warning.endsAt) - now)}</strong>
                {warning.canExtend ? "." : ". It cannot be extended further: save what you need."}
              </span>
              {warning.canExtend && (
                <button type="button" className="button primary" onClick={() => void client()?.extend()}>
                  Extend
                </button>
              )}
            </>
          ) : (
            <>
              <span>
                Nothing has happened in your sandbox for a while: it stops in <strong>{formatLeft(Date.parse(warning.endsAt) - now)}</strong>.
              </span>
              <button type="button" className="button primary" onClick={() => client()?.stillHere()}>
                I’m still here
              </button>
            </>
          )}
        </div>
      )}
      {live && notice && (
        <div className="banner info" role="status" data-testid="notice">
          <span>{notice}</span>
          <button type="button" className="button" onClick={() => client()?.dismissNotice()} aria-label="Dismiss this message">
            Dismiss
          </button>
        </div>
      )}
    </div>
  );
}
