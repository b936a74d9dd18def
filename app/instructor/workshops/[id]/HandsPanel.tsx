"use client";
// Raised hands, oldest first, until an instructor answers them. Answering can carry a reply:
// one action sends the learner a message and marks their hand answered.
import { useState } from "react";
import type { HandInfo } from "../../../../lib/protocol";
import { staffRequest } from "../../staff-socket";

export function HandsPanel({ workshopId, hands, onOpen, onProblem }: { workshopId: string; hands: HandInfo[]; onOpen: (userId: string) => void; onProblem: (message: string) => void }) {
  if (hands.length === 0) return null;
  return (
    <section className="hands" aria-labelledby="hands-title" data-testid="hands">
      <h2 id="hands-title">Raised hands ({hands.length})</h2>
      <ul>
        {hands.map((h) => (
          <HandItem key={h.id} workshopId={workshopId} hand={h} onOpen={onOpen} onProblem={onProblem} />
        ))}
      </ul>
    </section>
  );
}

function HandItem({ workshopId, hand: h, onOpen, onProblem }: { workshopId: string; hand: HandInfo; onOpen: (userId: string) => void; onProblem: (message: string) => void }) {
  const [reply, setReply] = useState("");
  const [busy, setBusy] = useState(false);
  const answer = async () => {
    setBusy(true);
    try {
      if (reply.trim()) {
        const sent = await staffRequest("message:send", { workshopId, toUserId: h.userId, body: reply.trim() });
        if (!sent.ok) return onProblem(sent.error);
      }
      const res = await staffRequest("hand:answer", { workshopId, handId: h.id });
      if (!res.ok) onProblem(res.error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <li>
      <strong>{h.displayName}</strong> <span className="muted">since {new Date(h.raisedAt).toLocaleTimeString()}</span>
      {h.message && <q>{h.message}</q>}
      <form
        className="hand-actions"
        onSubmit={(e) => {
          e.preventDefault();
          void answer();
        }}
      >
        <button type="button" className="button small" onClick={() => onOpen(h.userId)}>
          Open terminal
        </button>
        <input aria-label={`Reply to ${h.displayName} (optional)`} placeholder="Reply (optional)" value={reply} maxLength={1000} onChange={(e) => setReply(e.target.value)} />
        <button type="submit" className="button small primary" disabled={busy}>
          {reply.trim() ? "Reply and mark answered" : "Mark answered"}
        </button>
      </form>
    </li>
  );
}
