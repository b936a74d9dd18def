"use client";
// Pre-warming sandboxes before the class arrives, with progress while they start.
import { useCallback, useEffect, useState } from "react";
import type { PrewarmStatus } from "../../../../server/workshops/service";
import { api } from "../../../api-client";

export function PrewarmPanel({ workshopId, capacity, ended }: { workshopId: string; capacity: number; ended: boolean }) {
  const [status, setStatus] = useState<PrewarmStatus | null>(null);
  const [count, setCount] = useState(Math.min(capacity, 20));
  const [problem, setProblem] = useState<string | null>(null);
  const base = `/api/workshops/${encodeURIComponent(workshopId)}/prewarm`;

  const load = useCallback(async () => {
    const res = await api<{ prewarm: PrewarmStatus }>(base);
    if (res.ok) setStatus(res.data.prewarm);
  }, [base]);
  // While sandboxes start, every 2 s; while some stay reserved, every 5 s (arriving learners
  // use them up); otherwise only on load.
  const busy = !!status && status.ready < Math.min(status.reserved, status.fits);
  const reserved = !!status && status.reserved > 0;
  useEffect(() => {
    void load();
    if (!busy && !reserved) return;
    const timer = setInterval(() => void load(), busy ? 2000 : 5000);
    return () => clearInterval(timer);
  }, [load, busy, reserved]);

  const submit = async (n: number) => {
    const res = await api<{ prewarm: PrewarmStatus }>(base, { method: "POST", body: { count: n } });
    if (!res.ok) return setProblem(res.error);
    setProblem(null);
    setStatus(res.data.prewarm);
  };

  if (ended) return null;
  const goal = status ? Math.min(status.reserved, status.fits) : 0;
  return (
    <section className="prewarm" aria-labelledby="prewarm-title">
      <h2 id="prewarm-title">Pre-warm sandboxes</h2>
      <p className="muted">Start sandboxes before the class arrives, so every learner gets a prompt at once. Each learner who arrives uses one.</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit(count);
        }}
      >
        <label>
          Sandboxes{" "}
          <input type="number" min={0} max={capacity} value={count} onChange={(e) => setCount(Number(e.target.value))} />
        </label>
        <button type="submit" className="button primary">
          Pre-warm
        </button>
        {status && status.reserved > 0 && (
          <button type="button" className="button" onClick={() => void submit(0)}>
            Cancel pre-warm
          </button>
        )}
      </form>
      {problem && (
        <p className="lesson-problem" role="alert">
          {problem}
        </p>
      )}
      {status && status.reserved > 0 && (
        <p role="status" data-testid="prewarm-status">
          <progress max={Math.max(goal, 1)} value={Math.min(status.ready, goal)} aria-label="Warm sandboxes ready for this class" /> {status.ready} of {status.reserved} ready
          for this class
          {status.starting > 0 ? `, ${status.starting} starting` : ""}
          {status.fits < status.reserved ? ` · this server has room for only ${status.fits} of them now (SANDBOX_MAX or memory); learners beyond that queue` : ""}
        </p>
      )}
    </section>
  );
}
