"use client";
// Sends a message to every learner of the workshop, or to one learner.
import { useState } from "react";
import { staffRequest } from "../../staff-socket";

export function MessageForm({ workshopId, to, label, onSent }: { workshopId: string; to: { userId: string; displayName: string } | null; label: string; onSent?: () => void }) {
  const [body, setBody] = useState("");
  const [status, setStatus] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const send = async () => {
    setSending(true);
    const res = await staffRequest("message:send", { workshopId, toUserId: to?.userId ?? null, body });
    setSending(false);
    if (!res.ok) return setStatus(res.error);
    setBody("");
    onSent?.();
    setStatus(to ? `Sent to ${to.displayName}.` : `Sent to ${res.recipients} learner(s).`);
  };
  return (
    <form
      className="message-form"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <label>
        {label}
        <input value={body} onChange={(e) => setBody(e.target.value)} maxLength={1000} required placeholder={to ? "e.g. Try docker ps -a" : "e.g. Five more minutes on this lesson"} />
      </label>
      <button type="submit" className="button primary" disabled={sending || !body.trim()}>
        Send
      </button>
      {status && (
        <span className="muted" role="status">
          {status}
        </span>
      )}
    </form>
  );
}
