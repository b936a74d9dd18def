// The progress matrix as CSV for a spreadsheet: one row per learner, one column per step.
import { stringify } from "csv-stringify/sync";
import type { ProgressMatrix } from "./service";

/**
 * A spreadsheet runs a cell starting with = + - @ (or a tab/CR) as a formula; learners choose
 * their display names, so such cells are prefixed with an apostrophe (OWASP's advice).
 */
export function safeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function progressCsv(m: ProgressMatrix): string {
  const header = ["Learner", "Joined", "Steps done", ...m.steps.map((s) => `${s.lessonTitle} / ${s.index + 1}. ${s.stepTitle}`)];
  const rows = m.learners.map((l) => [
    safeCell(l.displayName),
    l.joinedAt,
    String(l.cells.filter((c) => c.passedAt).length),
    ...l.cells.map((c) => (c.passedAt ? `passed ${c.passedAt}` : c.attempts > 0 ? `${c.attempts} failed check(s)` : "")),
  ]);
  return stringify([header.map(safeCell), ...rows]);
}
