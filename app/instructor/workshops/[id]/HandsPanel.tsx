"use client";
// Raised hands, oldest first, until an instructor answers them.
import type { HandInfo } from "../../../../lib/protocol";
import { staffRequest } from "../../staff-socket";

export function HandsPanel({ workshopId, hands, onOpen, onProblem }: { workshopId: string; hands: HandInfo[]; onOpen: (userId: string) => void; onProblem: (message: string) => void }) {
  if (hands.length === 0) return null;
  const answer = async (handId: string) => {
    const res = await staffRequest("hand:answer", { workshopId, handId });
    if (!res.ok) onProblem(res.error);
  };
  return (
    <section className="hands" aria-labelledby="hands-title" data-testid="hands">
      <h2 id="hands-title">Raised hands ({hands.length})</h2>
      <ul>
        {hands.map((h) => (
          <li key={h.id}>
            <strong>{h.displayName}</strong> <span className="muted">since {new Date(h.raisedAt).toLocaleTimeString()}</span>
            {h.message && <q>{h.message}</q>}
            <span className="hand-actions">
              <button type="button" className="button small" onClick={() => onOpen(h.userId)}>
                Open terminal
              </button>
              <button type="button" className="button small primary" onClick={() => void answer(h.id)}>
                Mark answered
              </button>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
