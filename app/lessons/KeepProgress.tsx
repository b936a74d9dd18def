"use client";
// Keeping progress without an account: a guest names themselves and gets a recovery code;
// with both, another browser continues where they left off.
import { useEffect, useId, useState } from "react";
import { api } from "../api-client";

type Mode = "idle" | "name" | "restore";

export function KeepProgress({ onRestored }: { onRestored: () => void }) {
  const [name, setName] = useState<string | null>(null);
  const [mode, setMode] = useState<Mode>("idle");
  const [code, setCode] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = { name: useId(), rname: useId(), rcode: useId() };

  useEffect(() => {
    void fetch("/api/me", { credentials: "same-origin" })
      .then((r) => (r.ok ? r.json() : null))
      .then((d: { name?: string | null } | null) => setName(d?.name ?? null))
      .catch(() => undefined);
  }, []);

  const saveName = async (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setBusy(true);
    const res = await api<{ name: string; code: string }>("/api/me/name", { method: "POST", body: { name: String(new FormData(e.currentTarget).get("name") ?? "") } });
    setBusy(false);
    if (!res.ok) return setError(res.error);
    setError(null);
    setName(res.data.name);
    setCode(res.data.code);
    setMode("idle");
  };

  const restore = async (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    const res = await api<object>("/api/me/restore", { method: "POST", body: { name: String(form.get("name") ?? ""), code: String(form.get("code") ?? "") } });
    setBusy(false);
    if (!res.ok) return setError(res.error);
    setError(null);
    setMode("idle");
    onRestored();
    void fetch("/api/me", { credentials: "same-origin" }).then((r) => r.json()).then((d: { name?: string }) => setName(d.name ?? null));
  };

  return (
    <section className="keep" aria-labelledby="keep-title">
      <h2 id="keep-title">Keep your progress</h2>
      {code && (
        <div className="recovery" role="status">
          <p>
            Saved as <strong>{name}</strong>. Your recovery code is <code data-testid="recovery-code">{code}</code>. Write it down:
            with your name it brings your progress to any browser. It is shown only once.
          </p>
        </div>
      )}
      {!code && name && (
        <p>
          Your progress is saved as <strong>{name}</strong>.
        </p>
      )}
      {!code && !name && <p>You are a guest: your progress lives in this browser. Give yourself a name to keep it anywhere.</p>}
      {error && (
        <p className="lesson-problem" role="alert">
          {error}
        </p>
      )}
      {mode === "name" && (
        <form onSubmit={(e) => void saveName(e)} className="keep-form">
          <label htmlFor={ids.name}>Your name</label>
          <input id={ids.name} name="name" required minLength={3} maxLength={40} autoComplete="nickname" />
          <button type="submit" className="button primary" disabled={busy}>
            Save
          </button>
          <button type="button" className="button" onClick={() => setMode("idle")}>
            Cancel
          </button>
        </form>
      )}
      {mode === "restore" && (
        <form onSubmit={(e) => void restore(e)} className="keep-form">
          <label htmlFor={ids.rname}>Name</label>
          <input id={ids.rname} name="name" required maxLength={40} autoComplete="username" />
          <label htmlFor={ids.rcode}>Recovery code</label>
          <input id={ids.rcode} name="code" required maxLength={40} autoComplete="off" spellCheck={false} />
          <button type="submit" className="button primary" disabled={busy}>
            Continue
          </button>
          <button type="button" className="button" onClick={() => setMode("idle")}>
            Cancel
          </button>
        </form>
      )}
      {mode === "idle" && (
        <div className="keep-actions">
          <button type="button" className="button" onClick={() => (setMode("name"), setError(null))}>
            {name ? "Change name (new code)" : "Save my progress under a name"}
          </button>
          <button type="button" className="button" onClick={() => (setMode("restore"), setError(null))}>
            I have a recovery code
          </button>
        </div>
      )}
    </section>
  );
}
