"use client";
// Learners by steps: passed, tried (with failed checks) or not reached; with a CSV download.
import { useEffect, useState } from "react";
import type { ProgressMatrix as Matrix } from "../../../../lib/protocol";
import { api } from "../../../api-client";

export function ProgressMatrix({ workshopId, version }: { workshopId: string; version: number }) {
  const [matrix, setMatrix] = useState<Matrix | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const base = `/api/workshops/${encodeURIComponent(workshopId)}`;
  useEffect(() => {
    void api<{ matrix: Matrix }>(`${base}/progress`).then((res) => (res.ok ? setMatrix(res.data.matrix) : setProblem(res.error)));
  }, [base, version]);

  return (
    <section aria-labelledby="matrix-title" className="matrix-section">
      <div className="section-head">
        <h2 id="matrix-title">Progress matrix</h2>
        <a className="button" href={`${base}/progress.csv`} download>
          Download CSV
        </a>
      </div>
      {problem && <p role="alert">{problem}</p>}
      {matrix && matrix.learners.length === 0 && <p className="muted">No learner yet.</p>}
      {matrix && matrix.learners.length > 0 && (
        <p className="muted matrix-legend">
          ✓ passed · ✗2 two failed checks · empty: not reached yet. Columns are lesson.step:{" "}
          {[...new Map(matrix.steps.map((s) => [s.lessonId, s.lessonTitle])).entries()].map(([id, title], i) => (
            <span key={id}>
              {i > 0 ? " · " : ""}
              <strong>{id.slice(0, 2)}</strong> {title}
            </span>
          ))}
        </p>
      )}
      {matrix && matrix.learners.length > 0 && (
        <div className="table-scroll">
          <table className="matrix" data-testid="matrix">
            <thead>
              <tr>
                <th scope="col">Learner</th>
                {matrix.steps.map((s) => (
                  <th scope="col" key={`${s.lessonId}/${s.stepId}`} title={`${s.lessonTitle}: ${s.stepTitle}`}>
                    <abbr title={`${s.lessonTitle}: ${s.stepTitle}`}>
                      {s.lessonId.slice(0, 2)}.{s.index + 1}
                    </abbr>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {matrix.learners.map((l) => (
                <tr key={l.userId}>
                  <th scope="row">{l.displayName}</th>
                  {l.cells.map((c, i) => {
                    const s = matrix.steps[i];
                    const state = c.passedAt ? "passed" : c.attempts > 0 ? "tried" : "none";
                    const text = c.passedAt ? "✓" : c.attempts > 0 ? `✗${c.attempts}` : "";
                    const words = c.passedAt ? "passed" : c.attempts > 0 ? `${c.attempts} failed check(s)` : "not yet";
                    return (
                      <td key={i} data-state={state} title={`${l.displayName}, ${s.lessonTitle} step ${s.index + 1}: ${words}`}>
                        <span aria-hidden="true">{text}</span>
                        <span className="visually-hidden">{words}</span>
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
