"use client";
// Instructor sign-in (email and password).
import { useRouter } from "next/navigation";
import { useState } from "react";
import { api } from "../../api-client";

export default function LoginPage() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    const res = await api("/api/staff/login", { method: "POST", body: { email: form.get("email"), password: form.get("password") } });
    setBusy(false);
    if (!res.ok) return setError(res.error);
    router.push("/instructor");
  };
  return (
    <div className="course">
      <main className="narrow">
        <h1>Instructor sign-in</h1>
        <form className="stack-form" onSubmit={(e) => void submit(e)}>
          <label htmlFor="email">Email</label>
          <input id="email" name="email" type="email" autoComplete="username" required />
          <label htmlFor="password">Password</label>
          <input id="password" name="password" type="password" autoComplete="current-password" required />
          {error && (
            <p className="lesson-problem" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="button primary" disabled={busy}>
            {busy ? "Signing in…" : "Sign in"}
          </button>
        </form>
        <p className="fineprint">No account? The person who runs this playground creates one (npm run staff -- add EMAIL).</p>
      </main>
    </div>
  );
}
