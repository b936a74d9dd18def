"use client";
// The course: every lesson in order with the learner's progress.
import Link from "next/link";
import { useEffect, useState } from "react";
import type { LessonSummary } from "../../server/lessons/service";
import { ensureGuest } from "../guest";
import { KeepProgress } from "./KeepProgress";

/** Imported scenarios say where they come from (server/lessons/scenarios/). */
const SOURCE_LABEL: Record<Exclude<LessonSummary["source"], "native">, string> = {
  killercoda: "Killercoda scenario",
  katacoda: "Katacoda scenario",
};

export function CourseList() {
  const [lessons, setLessons] = useState<LessonSummary[] | null>(null);
  const [error, setError] = useState(false);

  const load = async () => {
    setError(false);
    await ensureGuest();
    const res = await fetch("/api/lessons", { credentials: "same-origin" }).catch(() => null);
    const body = res?.ok ? ((await res.json()) as { lessons: LessonSummary[] }) : null;
    if (body) setLessons(body.lessons);
    else setError(true);
  };
  useEffect(() => {
    void load();
  }, []);

  return (
    <div className="course">
      <header className="course-header">
        <Link className="brand" href="/">
          Container Playground
        </Link>
        <Link className="button" href="/play">
          Free playground
        </Link>
      </header>
      <main>
        <h1>How containers really work</h1>
        <p className="lead">Hands-on lessons in your own sandbox. Each step is checked for you; your progress is saved.</p>
        {error && (
          <div className="panel" role="alert">
            <p>The lessons could not be loaded.</p>
            <button type="button" className="button primary" onClick={() => void load()}>
              Try again
            </button>
          </div>
        )}
        {!lessons && !error && <p aria-live="polite">Loading the course…</p>}
        {lessons && (
          <ol className="lesson-list">
            {lessons.map((l) => {
              const state = l.done === 0 ? "Not started" : l.done >= l.steps ? "Completed" : `${l.done} of ${l.steps} steps done`;
              return (
                <li key={l.id} className="lesson-card" data-done={l.done >= l.steps}>
                  <Link href={`/lessons/${l.slug}`} className="lesson-link">
                    <span className="lesson-number" aria-hidden="true">
                      {l.order}
                    </span>
                    <span className="lesson-text">
                      <span className="lesson-title">{l.title}</span>
                      <span className="lesson-summary">{l.summary}</span>
                      <span className="lesson-meta">
                        About {l.minutes} min · {state}
                        {l.source !== "native" && <span className="lesson-source"> · {SOURCE_LABEL[l.source]}</span>}
                      </span>
                    </span>
                  </Link>
                  <progress max={l.steps} value={l.done} aria-label={`${l.title}: ${state}`} />
                </li>
              );
            })}
          </ol>
        )}
        {lessons && <KeepProgress onRestored={() => void load()} />}
      </main>
    </div>
  );
}
