"use client";
// Joining a workshop: a display name, then straight into its first lesson with a sandbox.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { api } from "../../api-client";

export function Join({ code }: { code: string }) {
  const router = useRouter();
  const [title, setTitle] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void api<{ workshop: { title: string } }>(`/api/join/${encodeURIComponent(code)}`).then((res) => (res.ok ? setTitle(res.data.workshop.title) : setProblem(res.error)));
  }, [code]);

  const join = async (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setBusy(true);
    const res = await api<{ firstLesson: string | null }>(`/api/join/${encodeURIComponent(code)}`, {
      method: "POST",
      body: { displayName: new FormData(e.currentTarget).get("displayName") },
    });
    setBusy(false);
    if (!res.ok) return setProblem(res.error);
    router.push(res.data.firstLesson ? `/lessons/${res.data.firstLesson}` : "/lessons");
  };

  return (
    <div className="course">
      <main className="narrow">
        <h1>{title ? `Join “${title}”` : "Join a workshop"}</h1>
        {problem && (
          <p className="lesson-problem" role="alert">
            {problem}
          </p>
        )}
        {title && (
          <form className="stack-form" onSubmit={(e) => void join(e)}>
            <label htmlFor="displayName">Your name, as your instructor will see it</label>
            <input id="displayName" name="displayName" required maxLength={40} autoComplete="nickname" autoFocus />
            <button type="submit" className="button primary" disabled={busy}>
              {busy ? "Joining…" : "Join and start"}
            </button>
          </form>
        )}
        {problem && (
          <Link className="button" href="/lessons">
            Browse the lessons instead
          </Link>
        )}
      </main>
    </div>
  );
}
