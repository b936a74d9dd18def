"use client";
// The name learners see when this instructor watches, takes control, answers or writes to
// them. Learners never see staff emails.
import { useState } from "react";
import { api } from "../api-client";

export function DisplayNameForm({ current, onSaved }: { current: string; onSaved: (name: string) => void }) {
  const [name, setName] = useState(current);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    const res = await api<{ staff: { displayName: string } }>("/api/staff/me", { method: "PATCH", body: { displayName: name } });
    if (!res.ok) return setStatus({ ok: false, text: `${res.error[0]?.toUpperCase() ?? ""}${res.error.slice(1)}.` });
    setStatus({ ok: true, text: `Saved: learners see you as “${res.data.staff.displayName}”.` });
    onSaved(res.data.staff.displayName);
  };
  return (
    <form className="message-form" onSubmit={(e) => void save(e)} aria-label="Display name">
      <label>
        Your name as learners see it
        <input value={name} onChange={(e) => setName(e.target.value)} maxLength={60} required placeholder="e.g. Ms Lee" aria-describedby="shown-name-status" />
      </label>
      <button type="submit" className="button">
        Save name
      </button>
      <span id="shown-name-status" className={status && !status.ok ? "field-error" : "muted"} role="status">
        {status?.text ?? ""}
      </span>
    </form>
  );
}
