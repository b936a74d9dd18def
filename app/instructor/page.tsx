"use client";
// The instructor's workshops, and a form to create one.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useState } from "react";
import { DISPLAY_NAME_FALLBACK } from "../../lib/staff-names";
import { DisplayNameForm } from "./DisplayNameForm";
import type { LessonSummary } from "../../server/lessons/service";
import { api } from "../api-client";

interface WorkshopItem {
  id: string;
  title: string;
  startsAt: string;
  endsAt: string;
  capacity: number;
  joinCode: string;
  endedAt: string | null;
  learners: number;
}

function localInput(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export default function InstructorHome() {
  const router = useRouter();
  const [me, setMe] = useState<{ email: string; role: string; displayName: string } | null>(null);
  const [workshops, setWorkshops] = useState<WorkshopItem[] | null>(null);
  const [lessons, setLessons] = useState<LessonSummary[]>([]);
  const [error, setError] = useState<string | null>(null);
  /** What is wrong with the new-workshop form, shown beside its button (not at the page top). */
  const [formError, setFormError] = useState<string | null>(null);

  const load = useCallback(async () => {
    const who = await api<{ staff: { email: string; role: string; displayName: string } }>("/api/staff/me");
    if (!who.ok) return router.replace("/instructor/login");
    setMe(who.data.staff);
    const [list, course] = await Promise.all([api<{ workshops: WorkshopItem[] }>("/api/workshops"), api<{ lessons: LessonSummary[] }>("/api/lessons")]);
    if (list.ok) setWorkshops(list.data.workshops);
    else setError(list.error);
    if (course.ok) setLessons(course.data.lessons);
  }, [router]);
  useEffect(() => {
    void load();
  }, [load]);

  const create = async (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const res = await api<{ workshop: { id: string } }>("/api/workshops", {
      method: "POST",
      body: {
        title: form.get("title"),
        lessonIds: form.getAll("lessons"),
        startsAt: new Date(String(form.get("startsAt"))).toISOString(),
        endsAt: new Date(String(form.get("endsAt"))).toISOString(),
        capacity: Number(form.get("capacity")),
      },
    });
    if (!res.ok) return setFormError(`${res.error.charAt(0).toUpperCase()}${res.error.slice(1)}.`.replace(/\.\.$/, "."));
    setFormError(null);
    router.push(`/instructor/workshops/${res.data.workshop.id}`);
  };

  const logout = async () => {
    await api("/api/staff/logout", { method: "POST", body: {} });
    router.replace("/instructor/login");
  };

  const now = new Date();
  return (
    <div className="course">
      <header className="course-header">
        <Link className="brand" href="/">
          Container Playground
        </Link>
        {me && <span className="muted">{me.email}</span>}
        <button type="button" className="button" onClick={() => void logout()}>
          Sign out
        </button>
      </header>
      <main>
        <h1>Your workshops</h1>
        {me && <DisplayNameForm key={me.email} current={me.displayName === DISPLAY_NAME_FALLBACK ? "" : me.displayName} onSaved={(displayName) => setMe({ ...me, displayName })} />}
        {error && (
          <p className="lesson-problem" role="alert">
            {error}
          </p>
        )}
        {!workshops && <p aria-live="polite">Loading…</p>}
        {workshops && workshops.length === 0 && <p>No workshops yet. Create one below.</p>}
        {workshops && workshops.length > 0 && (
          <ul className="lesson-list">
            {workshops.map((w) => (
              <li key={w.id} className="lesson-card">
                <Link href={`/instructor/workshops/${w.id}`} className="lesson-link">
                  <span className="lesson-text">
                    <span className="lesson-title">{w.title}</span>
                    <span className="lesson-meta">
                      Code {w.joinCode} · {w.learners} of {w.capacity} learners · {new Date(w.startsAt).toLocaleString()}
                      {w.endedAt ? " · ended" : ""}
                    </span>
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
        <section className="keep" aria-labelledby="new-title">
          <h2 id="new-title">New workshop</h2>
          <form className="stack-form" onSubmit={(e) => void create(e)}>
            <label htmlFor="title">Title</label>
            <input id="title" name="title" required minLength={3} maxLength={120} />
            <fieldset>
              <legend>Lessons it covers</legend>
              {lessons.map((l) => (
                <label key={l.id} className="check">
                  <input type="checkbox" name="lessons" value={l.id} defaultChecked={l.order <= 2} /> {l.order}. {l.title}
                </label>
              ))}
            </fieldset>
            <label htmlFor="startsAt">Starts</label>
            <input id="startsAt" name="startsAt" type="datetime-local" required defaultValue={localInput(now)} />
            <label htmlFor="endsAt">Ends</label>
            <input id="endsAt" name="endsAt" type="datetime-local" required defaultValue={localInput(new Date(now.getTime() + 3 * 3600_000))} />
            <label htmlFor="capacity">Capacity (learners)</label>
            <input id="capacity" name="capacity" type="number" min={1} max={500} defaultValue={30} required />
            {formError && (
              <p className="field-error" role="alert" id="new-workshop-error">
                {formError}
              </p>
            )}
            <button type="submit" className="button primary" aria-describedby={formError ? "new-workshop-error" : undefined}>
              Create workshop
            </button>
          </form>
        </section>
      </main>
    </div>
  );
}
