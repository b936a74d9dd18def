"use client";
// A lesson beside the learner's terminal: the text, the current step with Check, hint and
// solution, live check results (also run automatically when the shell returns to a prompt),
// a progress bar, and a summary with the next lesson at the end. The last step is a challenge:
// a goal without Run buttons (the learner types), whose hint and solution can still be
// revealed; the lesson's recap follows the steps.
import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import type { CheckResultInfo, LessonStateInfo } from "../../lib/protocol";
import { stepBodyParts } from "../../server/lessons/marks";
import type { LessonView } from "../../server/lessons/service";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { ensureGuest } from "../guest";
import { Playground } from "../play/Playground";
import type { ClientView, TerminalClient } from "../play/terminal-client";
import styles from "./lesson-extras.module.css";
import { Markdown } from "./Markdown";

/** Between the solution and each alternative in a revealed solution (server/lessons/parse.ts ALTERNATIVE_SEPARATOR). */
const ALTERNATIVE_SEPARATOR = /^# ── another way ──$/m;

export function LessonPlayer({ slug }: { slug: string }) {
  const [lesson, setLesson] = useState<LessonView | null>(null);
  const [missing, setMissing] = useState(false);
  const [failed, setFailed] = useState(false);

  const load = useCallback(async () => {
    setFailed(false);
    await ensureGuest();
    const res = await fetch(`/api/lessons/${encodeURIComponent(slug)}`, { credentials: "same-origin" }).catch(() => null);
    if (res?.status === 404) return setMissing(true);
    const body = res?.ok ? ((await res.json()) as { lesson: LessonView }) : null;
    if (body) setLesson(body.lesson);
    else setFailed(true);
  }, [slug]);
  useEffect(() => {
    void load();
  }, [load]);

  if (missing) {
    return (
      <div className="course">
        <main>
          <h1>No such lesson</h1>
          <p>There is no lesson called “{slug}”.</p>
          <Link className="button primary" href="/lessons">
            See all lessons
          </Link>
        </main>
      </div>
    );
  }
  return (
    <Playground
      asideLabel="Lesson"
      // The lesson says whose shell it is typed in (root for imported scenarios): open it once known.
      shell={lesson ? lesson.shell : failed ? "ubuntu" : null}
      aside={(client, view) =>
        lesson ? (
          <LessonPanel lesson={lesson} client={client} view={view} />
        ) : (
          <div className="lesson-panel" aria-live="polite">
            {failed ? (
              <div role="alert">
                <p>The lesson could not be loaded.</p>
                <button type="button" className="button primary" onClick={() => void load()}>
                  Try again
                </button>
              </div>
            ) : (
              <p>Loading the lesson…</p>
            )}
          </div>
        )
      }
    />
  );
}

type Feedback = { stepId: string; result: CheckResultInfo; auto: boolean } | null;

function LessonPanel({ lesson, client, view }: { lesson: LessonView; client: TerminalClient | null; view: ClientView }) {
  const [state, setState] = useState<LessonStateInfo>(lesson.state);
  const [revealed, setRevealed] = useState<Record<string, { hint?: string; solution?: string }>>(() =>
    Object.fromEntries(lesson.steps.map((s) => [s.id, { hint: s.hint, solution: s.solution }])),
  );
  const [checking, setChecking] = useState(false);
  const [feedback, setFeedback] = useState<Feedback>(null);
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const [confirmReset, setConfirmReset] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const stateRef = useRef(state);
  stateRef.current = state;
  const ready = view.state === "ready";
  const sandboxName = view.sandbox?.name;

  // An imported scenario's foreground script is typed into the terminal when its step starts:
  // after the server prepared the step (lesson:enter, or a check that passed), once per step and
  // sandbox (sessionStorage survives a reload, so a reload does not type it again).
  const foregrounds = useRef(new Set<string>()); // typed or being typed in this page
  const typeForeground = useCallback(
    (stepId: string | null) => {
      const step = lesson.steps.find((s) => s.id === stepId);
      if (!client || !step?.foreground || !sandboxName) return;
      const key = `cp-foreground:${lesson.id}:${step.id}:${sandboxName}`;
      const lines = step.foreground.replace(/^#!.*\n/, "").split("\n").filter((l) => l.trim());
      if (!lines.length || foregrounds.current.has(key)) return;
      try {
        if (sessionStorage.getItem(key)) return;
      } catch {
        // no storage: this page's memory only
      }
      foregrounds.current.add(key);
      // The terminal may attach just after the sandbox is ready: try again for a few seconds.
      const attempt = (left: number) => {
        if (!client.runCommand(lines[0])) {
          if (left > 0) setTimeout(() => attempt(left - 1), 1000);
          return;
        }
        try {
          sessionStorage.setItem(key, "1");
        } catch {
          // typed once in this page anyway
        }
        for (const line of lines.slice(1)) client.runCommand(line);
      };
      attempt(10);
    },
    [client, lesson.id, lesson.steps, sandboxName],
  );

  const current = state.current;
  const complete = state.total > 0 && state.done >= state.total;
  const completeRef = useRef<HTMLElement>(null);
  const wasComplete = useRef(complete);
  useEffect(() => {
    // Finishing the last step brings the summary (and the next lesson) into view.
    if (complete && !wasComplete.current) completeRef.current?.scrollIntoView({ behavior: "smooth", block: "nearest" });
    wasComplete.current = complete;
  }, [complete]);

  const check = useCallback(
    async (stepId: string, auto: boolean) => {
      if (!client) return;
      if (!auto) setChecking(true);
      const res = await client.lessonRequest<{ result: CheckResultInfo | null; state: LessonStateInfo }>("lesson:check", {
        lessonId: lesson.id,
        stepId,
        auto,
        ...(answers[stepId] !== undefined && !auto ? { answer: answers[stepId] } : {}),
      });
      if (!auto) setChecking(false);
      if (!res.ok) {
        if (!auto) setProblem(`${res.error.message} ${res.error.action}`);
        return;
      }
      setProblem(null);
      setState(res.state);
      if (res.result?.passed) typeForeground(res.state.current);
      // Automatic checks only speak up when they pass; a manual check always answers.
      if (res.result && (!auto || res.result.passed)) setFeedback({ stepId, result: res.result, auto });
    },
    [client, lesson.id, answers, typeForeground],
  );

  // While the server prepares the step (its set-up script), what the learner clicks waits and
  // is typed right after: a command must not run before the files it needs exist.
  const preparing = useRef(false);
  const held = useRef<{ kind: "command" | "input"; text: string }[]>([]);
  const sendHeld = useCallback(() => {
    const next = held.current.shift();
    if (!next || !client) return;
    const sent = next.kind === "command" ? client.runCommand(next.text) : client.sendInput(next.text);
    if (!sent) held.current.unshift(next); // the terminal is not attached yet: try again soon
    setTimeout(sendHeld, sent ? 0 : 1000);
  }, [client]);

  // Prepare the current step whenever a sandbox becomes ready (first start, reset).
  useEffect(() => {
    if (!client) return;
    const enter = () => {
      preparing.current = true;
      void client.lessonRequest<{ state: LessonStateInfo }>("lesson:enter", { lessonId: lesson.id }).then((res) => {
        preparing.current = false;
        if (res.ok) {
          setState(res.state);
          typeForeground(res.state.current);
        }
        sendHeld();
      });
    };
    if (ready) enter();
    return client.onReady(enter);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, lesson.id, sandboxName]);

  // Check the current step each time the shell comes back to a prompt (debounced).
  useEffect(() => {
    if (!client) return;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const off = client.onPrompt(() => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        const step = lesson.steps.find((s) => s.id === stateRef.current.current);
        if (step && !step.question && !step.acknowledge) void check(step.id, true);
      }, 300);
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, [client, check, lesson.steps]);

  const reveal = async (stepId: string, what: "hint" | "solution") => {
    if (!client) return;
    const res = await client.lessonRequest<{ text: string; state: LessonStateInfo }>("lesson:reveal", { lessonId: lesson.id, stepId, what });
    if (!res.ok) return setProblem(`${res.error.message} ${res.error.action}`);
    setRevealed((r) => ({ ...r, [stepId]: { ...r[stepId], [what]: res.text } }));
    setState(res.state);
  };

  const resetLesson = async () => {
    if (!client) return;
    const res = await client.lessonRequest<{ state: LessonStateInfo }>("lesson:reset", { lessonId: lesson.id });
    if (!res.ok) return setProblem(`${res.error.message} ${res.error.action}`);
    setState(res.state);
    setFeedback(null);
    setRevealed(Object.fromEntries(lesson.steps.map((s) => [s.id, {}])));
    void client.lessonRequest<{ state: LessonStateInfo }>("lesson:enter", { lessonId: lesson.id }).then((r) => r.ok && setState(r.state));
  };

  const hold = (kind: "command" | "input", text: string) => {
    held.current.push({ kind, text });
    return true;
  };
  const run = (command: string) => (preparing.current ? hold("command", command) : client?.runCommand(command) ?? false);
  const input = (bytes: string) => (preparing.current ? hold("input", bytes) : client?.sendInput(bytes) ?? false);
  const stepState = (id: string) => state.steps.find((s) => s.id === id);

  return (
    <div className="lesson-panel">
      <nav className="lesson-nav" aria-label="Course">
        <Link href="/lessons">All lessons</Link>
        <button type="button" className="button small" onClick={() => setConfirmReset(true)} disabled={!client || state.done === 0}>
          Reset lesson
        </button>
      </nav>
      <h1 className="lesson-heading">
        <span className="lesson-number-inline">{lesson.order}.</span> {lesson.title}
      </h1>
      <div className="lesson-progress">
        <progress max={state.total} value={state.done} aria-label="Lesson progress" />
        <span data-testid="lesson-progress">
          {state.done} of {state.total} steps done
        </span>
      </div>
      {problem && (
        <p className="lesson-problem" role="alert">
          {problem}
        </p>
      )}
      <Markdown text={lesson.intro} onRun={ready ? run : undefined} onInput={ready ? input : undefined} sandboxName={ready ? view.sandbox?.name : undefined} />

      <ol className="steps">
        {lesson.steps.map((step, i) => {
          const parts = stepBodyParts(step.body);
          const st = stepState(step.id);
          const passed = !!st?.passed;
          const isCurrent = step.id === current;
          const shown = revealed[step.id] ?? {};
          const fb = feedback?.stepId === step.id ? feedback : null;
          return (
            <li
              key={step.id}
              className="step"
              data-state={passed ? "passed" : isCurrent ? "current" : "upcoming"}
              data-challenge={parts.challenge ? "true" : undefined}
              data-testid={`step-${step.id}`}
              aria-current={isCurrent ? "step" : undefined}
            >
              <h2 className="step-title">
                <span className="step-badge" aria-hidden="true">
                  {passed ? "✓" : i + 1}
                </span>
                {step.title}
                {parts.challenge && <span className={styles.challengeLabel}>Challenge</span>}
                <span className="visually-hidden">{passed ? " (done)" : isCurrent ? " (current step)" : ""}</span>
              </h2>
              {parts.challenge && (
                <p className={styles.challengeNote}>No Run buttons here: work it out and type it yourself. The hint and the solution are there if you need them.</p>
              )}
              <Markdown text={parts.body} onRun={ready ? run : undefined} onInput={ready ? input : undefined} runnable={!parts.challenge} sandboxName={ready ? view.sandbox?.name : undefined} />
              {step.question && (
                <div className="question">
                  <label htmlFor={`answer-${step.id}`}>{step.question}</label>
                  <input
                    id={`answer-${step.id}`}
                    type="text"
                    autoComplete="off"
                    spellCheck={false}
                    maxLength={200}
                    value={answers[step.id] ?? ""}
                    disabled={passed}
                    onChange={(e) => setAnswers((a) => ({ ...a, [step.id]: e.target.value }))}
                    onKeyDown={(e) => {
                      if (e.key === "Enter") void check(step.id, false);
                    }}
                  />
                </div>
              )}
              {(isCurrent || (!passed && step.question)) && (
                <div className="step-actions">
                  <button type="button" className="button primary" disabled={!ready || checking} onClick={() => void check(step.id, false)}>
                    {checking ? "Checking…" : step.acknowledge ? "Next" : "Check"}
                  </button>
                  {!shown.hint && (
                    <button type="button" className="button" disabled={!client} onClick={() => void reveal(step.id, "hint")}>
                      Show a hint
                    </button>
                  )}
                  {!shown.solution && (
                    <button type="button" className="button" disabled={!client} onClick={() => void reveal(step.id, "solution")}>
                      Show the solution
                    </button>
                  )}
                </div>
              )}
              <div aria-live="polite">
                {fb && (
                  <p className={`check-result ${fb.result.passed ? "ok" : "fail"}`} data-testid="check-result">
                    {fb.result.passed ? "✓ Done" : "Not yet"}
                    {fb.result.passed && fb.auto ? " (checked automatically)" : ""}
                    {fb.result.feedback ? `: ${fb.result.feedback}` : ""}
                  </p>
                )}
              </div>
              {shown.hint && (
                <div className="reveal hint">
                  <strong>Hint</strong>
                  <Markdown text={shown.hint} />
                </div>
              )}
              {shown.solution && (
                <div className="reveal solution">
                  {shown.solution.split(ALTERNATIVE_SEPARATOR).map((part, k) => (
                    <div key={k} className={k > 0 ? styles.alternative : undefined}>
                      <strong>{k === 0 ? "Solution" : "Another way"}</strong>
                      <Markdown text={"```bash\n" + part.trim() + "\n```"} onRun={ready ? run : undefined} runnable={!parts.challenge} />
                    </div>
                  ))}
                </div>
              )}
            </li>
          );
        })}
      </ol>

      {(() => {
        const recap = lesson.steps.length ? stepBodyParts(lesson.steps[lesson.steps.length - 1].body).recap : "";
        return recap ? (
          <section className={styles.recap} aria-labelledby="recap-title" data-testid="lesson-recap">
            <h2 id="recap-title">Recap</h2>
            <Markdown text={recap} runnable={false} />
          </section>
        ) : null;
      })()}

      {complete && (
        <section ref={completeRef} className="lesson-complete" aria-labelledby="complete-title" data-testid="lesson-complete">
          <h2 id="complete-title">Lesson complete</h2>
          <p>
            You finished all {state.total} steps of “{lesson.title}”
            {(() => {
              const hints = state.steps.filter((s) => s.hintShown).length;
              const solutions = state.steps.filter((s) => s.solutionShown).length;
              return hints || solutions ? ` (with ${hints} hint${hints === 1 ? "" : "s"} and ${solutions} solution${solutions === 1 ? "" : "s"} revealed).` : " without hints. Well done.";
            })()}
          </p>
          {lesson.next ? (
            <Link className="button primary" href={`/lessons/${lesson.next.slug}`}>
              Next: {lesson.next.title}
            </Link>
          ) : (
            <Link className="button primary" href="/lessons">
              Back to the course
            </Link>
          )}
        </section>
      )}

      <ConfirmDialog
        open={confirmReset}
        title="Start this lesson over?"
        body="Your progress in this lesson is cleared (other lessons keep theirs). Your sandbox is not changed."
        confirmLabel="Reset lesson"
        danger
        onCancel={() => setConfirmReset(false)}
        onConfirm={() => {
          setConfirmReset(false);
          void resetLesson();
        }}
      />
    </div>
  );
}
