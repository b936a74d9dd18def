"use client";
// The audit log: who watched or took control of which learner's terminal, and when.
import { useEffect, useState } from "react";
import type { AuditEntry } from "../../../../lib/protocol";
import { api } from "../../../api-client";

const ACTIONS: Record<string, string> = {
  "control:start": "took control of",
  "control:stop": "gave back control of",
  "watch:start": "started watching",
  "watch:stop": "stopped watching",
};

export function AuditTrail({ workshopId, version }: { workshopId: string; version: number }) {
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  useEffect(() => {
    void api<{ audit: AuditEntry[] }>(`/api/workshops/${encodeURIComponent(workshopId)}/audit`).then((res) => res.ok && setEntries(res.data.audit));
  }, [workshopId, version]);
  return (
    <details className="audit" data-testid="audit">
      <summary>Audit log{entries ? ` (${entries.length})` : ""}</summary>
      {entries?.length === 0 && <p className="muted">Nobody has taken control of a learner's terminal.</p>}
      <ul>
        {entries?.map((e, i) => (
          <li key={i}>
            <time dateTime={e.at}>{new Date(e.at).toLocaleString()}</time> · {e.staffEmail} {ACTIONS[e.action] ?? e.action} {e.displayName ?? e.userId}
            {"'s terminal"}
            {e.detail ? ` (${e.detail})` : ""}
          </li>
        ))}
      </ul>
    </details>
  );
}
