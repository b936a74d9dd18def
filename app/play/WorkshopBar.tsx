"use client";
// A learner's workshop strip above the terminal: which workshop, that the instructor can watch
// and replay this terminal, "Raise hand" (with an optional message), and the instructor's
// messages as they arrive, also while the learner waits for a sandbox. Renders nothing
// outside a workshop.
import { useEffect, useState } from "react";
import type { LearnerWorkshopInfo, RaisedHand, WorkshopMessageInfo } from "../../lib/protocol";
import type { ClientView, TerminalClient } from "./terminal-client";

export function WorkshopBar({ view, client }: { view: ClientView; client: TerminalClient | null }) {
  const [workshop, setWorkshop] = useState<LearnerWorkshopInfo | null>(null);
  const [hand, setHand] = useState<RaisedHand | null>(null);
  const [messages, setMessages] = useState<WorkshopMessageInfo[]>([]);
  const [dismissed, setDismissed] = useState<Set<string>>(new Set());
  const [asking, setAsking] = useState(false);
  const [question, setQuestion] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [answeredBy, setAnsweredBy] = useState<string | null>(null);
  // Connected, with or without a sandbox yet: a learner waiting in the queue (or for their
  // sandbox to start) still sees their workshop, its messages, and can raise a hand.
  const ready = view.state === "ready" || view.state === "queued" || view.state === "starting";

  // (Re)load whenever the connection comes (back): first start, queue, reconnect, new sandbox.
  useEffect(() => {
    const c = client;
    if (!c || !ready) return;
    let gone = false;
    void c.workshopRequest<{ workshop: LearnerWorkshopInfo | null }>("workshop:state").then((res) => {
      if (gone || !res.ok) return;
      setWorkshop(res.workshop);
      setHand(res.workshop?.hand ?? null);
      setMessages(res.workshop?.messages ?? []);
    });
    const off = c.onWorkshop((event) => {
      if (event.kind === "message") setMessages((m) => [...m.filter((x) => x.id !== event.message.id), event.message].slice(-20));
      else {
        setHand(null);
        setAnsweredBy(event.by);
      }
    });
    return () => {
      gone = true;
      off();
    };
  }, [client, ready]);

  if (!workshop) return null;

  const raise = async () => {
    const res = await client?.workshopRequest<{ hand: RaisedHand }>("hand:raise", { message: question });
    if (!res) return;
    if (!res.ok) return setProblem(`${res.error.message} ${res.error.action}`);
    setProblem(null);
    setAnsweredBy(null);
    setHand(res.hand);
    setAsking(false);
    setQuestion("");
  };
  const lower = async () => {
    const res = await client?.workshopRequest<object>("hand:lower");
    if (res?.ok) setHand(null);
    else if (res) setProblem(`${res.error.message} ${res.error.action}`);
  };
  const unread = messages.filter((m) => !dismissed.has(m.id));

  return (
    <>
      <div className="banner workshop" data-testid="workshop-bar">
        <span>
          <strong>{workshop.title}</strong>
          <span className="muted">
            {" · "}Your instructor can watch this terminal live{workshop.recorded ? " and replay it: it is recorded (download it below)" : ""}.
          </span>
        </span>
        <span className="workshop-actions">
          {hand ? (
            <>
              <span role="status" data-testid="hand-status">
                Hand raised{hand.message ? `: “${hand.message}”` : ""}
              </span>
              <button type="button" className="button small" onClick={() => void lower()}>
                Lower hand
              </button>
            </>
          ) : asking ? (
            <form
              className="raise-form"
              onSubmit={(e) => {
                e.preventDefault();
                void raise();
              }}
            >
              <label>
                What do you need? <span className="muted">(optional)</span>
                <input value={question} onChange={(e) => setQuestion(e.target.value)} maxLength={280} autoFocus />
              </label>
              <button type="submit" className="button small primary">
                Raise hand
              </button>
              <button type="button" className="button small" onClick={() => setAsking(false)}>
                Cancel
              </button>
            </form>
          ) : (
            <button type="button" className="button small" onClick={() => setAsking(true)} disabled={!ready}>
              Raise hand
            </button>
          )}
        </span>
      </div>
      {(problem || answeredBy) && (
        <div className="banner info" role="status">
          <span>{problem ?? `${answeredBy} answered your raised hand.`}</span>
          <button
            type="button"
            className="button small"
            onClick={() => {
              setProblem(null);
              setAnsweredBy(null);
            }}
          >
            Dismiss
          </button>
        </div>
      )}
      {unread.slice(-3).map((m) => (
        <div key={m.id} className="banner message" role="status" data-testid="workshop-message">
          <span>
            <strong>{m.direct ? `Message to you from ${m.fromName}` : `${m.fromName} to everyone`}:</strong> {m.body}
          </span>
          <button type="button" className="button small" onClick={() => setDismissed((d) => new Set(d).add(m.id))} aria-label="Dismiss this message">
            Dismiss
          </button>
        </div>
      ))}
    </>
  );
}
