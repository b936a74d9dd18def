"use client";
// Messages staff sent in this workshop, newest first: to everyone or to one learner.
import { useEffect, useState } from "react";
import type { SentMessageInfo } from "../../../../lib/protocol";
import { api } from "../../../api-client";

export function SentMessages({ workshopId, version }: { workshopId: string; version: number }) {
  const [messages, setMessages] = useState<SentMessageInfo[] | null>(null);
  useEffect(() => {
    void api<{ messages: SentMessageInfo[] }>(`/api/workshops/${encodeURIComponent(workshopId)}/messages`).then((res) => res.ok && setMessages(res.data.messages));
  }, [workshopId, version]);
  return (
    <details className="audit" data-testid="sent-messages">
      <summary>Messages sent{messages ? ` (${messages.length})` : ""}</summary>
      {messages?.length === 0 && <p className="muted">No message sent yet.</p>}
      <ul>
        {messages?.map((m) => (
          <li key={m.id}>
            <time dateTime={m.sentAt}>{new Date(m.sentAt).toLocaleTimeString()}</time> · {m.fromName} to {m.to ?? "everyone"}: <q>{m.body}</q>
          </li>
        ))}
      </ul>
    </details>
  );
}
