// Reads a lesson folder (docs/lessons.md describes the format) into a Lesson, or reports
// every problem with its file and line. Lesson files are input like any other: a malformed
// lesson is refused with a precise message and never reaches a learner.
import fs from "node:fs";
import path from "node:path";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { z } from "zod";

export interface LessonStep {
  id: string;
  title: string;
  /** Markdown shown for this step. */
  body: string;
  hint: string;
  /** The solution as shown to the learner (solve.sh without its shebang). */
  solution: string;
  /** When set, the learner answers this question; check.sh receives the answer in $ANSWER. */
  question?: string;
  check: string;
  solve: string;
  setup?: string;
}

export interface Lesson {
  /** Folder name, e.g. "02-namespaces": orders the course. */
  id: string;
  /** URL name, e.g. "namespaces". */
  slug: string;
  order: number;
  title: string;
  summary: string;
  minutes: number;
  prerequisites: string[];
  intro: string;
  steps: LessonStep[];
}

export interface LessonProblem {
  file: string;
  line: number;
  message: string;
}

export const LESSON_FOLDER = /^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)$/;
const STEP_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const STEP_HEADING = /^##\s+(.+?)\s*\{#([^}]*)\}\s*$/;
const MAX_SCRIPT_BYTES = 64 * 1024;

const FrontMatter = z
  .object({
    title: z.string().trim().min(3, "title: at least 3 characters").max(100),
    summary: z.string().trim().min(10, "summary: at least 10 characters").max(300),
    minutes: z.number().int("minutes: a whole number").min(1).max(240),
    prerequisites: z.array(z.string().regex(LESSON_FOLDER, "prerequisites: lesson folder names like 01-containers")).default([]),
  })
  .strict();

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split("\n").length;
}

/** Splits "---\nyaml\n---\nbody" and returns the YAML, the body and the body's first line. */
function splitFrontMatter(text: string): { yaml: string; body: string; bodyLine: number } | null {
  const m = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!m) return null;
  return { yaml: m[1], body: text.slice(m[0].length), bodyLine: lineOf(text, m[0].length) };
}

function readIfExists(file: string): string | undefined {
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
}

/** Parses one lesson folder. `known` holds every lesson id of the course (for prerequisites). */
export function parseLesson(dir: string, known: Set<string> = new Set()): { lesson: Lesson | null; problems: LessonProblem[] } {
  const problems: LessonProblem[] = [];
  const id = path.basename(dir);
  const lessonFile = path.join(dir, "lesson.md");
  const problem = (file: string, line: number, message: string) => problems.push({ file, line, message });

  const folder = LESSON_FOLDER.exec(id);
  if (!folder) problem(dir, 0, `lesson folder must be named NN-slug (two digits, lowercase words with dashes), got "${id}"`);
  const text = readIfExists(lessonFile);
  if (text === undefined) {
    problem(lessonFile, 0, "missing lesson.md");
    return { lesson: null, problems };
  }
  const split = splitFrontMatter(text);
  if (!split) {
    problem(lessonFile, 1, "lesson.md must start with front matter between --- lines (title, summary, minutes, prerequisites)");
    return { lesson: null, problems };
  }

  let meta: z.infer<typeof FrontMatter> | null = null;
  try {
    const raw = parseYaml(split.yaml) as unknown;
    const parsed = FrontMatter.safeParse(raw ?? {});
    if (parsed.success) meta = parsed.data;
    else for (const issue of parsed.error.issues) problem(lessonFile, 2, `front matter ${issue.path.join(".") || ""}: ${issue.message}`.replace(" : ", ": "));
  } catch (err) {
    const line = err instanceof YAMLParseError ? (err.linePos?.[0].line ?? 1) + 1 : 2;
    problem(lessonFile, line, `front matter is not valid YAML: ${(err as Error).message.split("\n")[0]}`);
  }
  for (const pre of meta?.prerequisites ?? []) {
    if (known.size > 0 && !known.has(pre)) problem(lessonFile, 2, `prerequisite "${pre}" is not a lesson of this course`);
    if (pre === id) problem(lessonFile, 2, "a lesson cannot be its own prerequisite");
  }

  // Steps: every "## Title {#id}" heading starts one; text before the first is the intro.
  const lines = split.body.split("\n");
  const steps: { id: string; title: string; line: number; body: string[] }[] = [];
  const intro: string[] = [];
  let inFence = false;
  lines.forEach((line, i) => {
    const fileLine = split.bodyLine + i;
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const heading = inFence ? null : STEP_HEADING.exec(line);
    if (heading) {
      const [, title, stepId] = heading;
      if (!STEP_ID.test(stepId)) problem(lessonFile, fileLine, `step id "${stepId}" must be lowercase words with dashes`);
      if (steps.some((s) => s.id === stepId)) {
        problem(lessonFile, fileLine, `step id "${stepId}" is used twice`);
        steps.push({ id: `${stepId}#duplicate`, title, line: fileLine, body: [] }); // its text still belongs to it
        return;
      }
      steps.push({ id: stepId, title, line: fileLine, body: [] });
    } else if (!inFence && /^##\s/.test(line)) {
      problem(lessonFile, fileLine, `a "## " heading is a step and needs an id: "## Title {#step-id}"`);
    } else if (steps.length > 0) {
      steps[steps.length - 1].body.push(line);
    } else {
      intro.push(line);
    }
  });
  if (inFence) problem(lessonFile, split.bodyLine + lines.length - 1, "a code block is not closed (``` without its end)");
  if (steps.length === 0) problem(lessonFile, split.bodyLine, 'a lesson needs at least one step ("## Title {#step-id}")');
  if (!intro.join("").trim()) problem(lessonFile, split.bodyLine, "a lesson starts with a short explanation before its first step");

  const stepsDir = path.join(dir, "steps");
  const built: LessonStep[] = [];
  for (const s of steps) {
    if (s.id.endsWith("#duplicate")) continue;
    const sdir = path.join(stepsDir, s.id);
    if (!fs.existsSync(sdir)) {
      problem(lessonFile, s.line, `step "${s.id}" has no folder steps/${s.id}/ (check.sh, solve.sh, hint.md)`);
      continue;
    }
    const files: Record<string, string | undefined> = {};
    for (const name of ["check.sh", "solve.sh", "hint.md", "setup.sh", "question.md"]) {
      files[name] = readIfExists(path.join(sdir, name));
    }
    for (const name of ["check.sh", "solve.sh", "hint.md"]) {
      if (files[name] === undefined) problem(path.join(sdir, name), 0, `step "${s.id}" needs ${name}`);
      else if (!files[name]!.trim()) problem(path.join(sdir, name), 1, `${name} is empty`);
    }
    for (const name of ["check.sh", "solve.sh", "setup.sh"]) {
      const script = files[name];
      if (script === undefined) continue;
      if (!script.startsWith("#!")) problem(path.join(sdir, name), 1, `${name} must start with a shebang line (#!/bin/bash)`);
      if (Buffer.byteLength(script) > MAX_SCRIPT_BYTES) problem(path.join(sdir, name), 1, `${name} is larger than 64 KB`);
    }
    const known = new Set(["check.sh", "solve.sh", "hint.md", "setup.sh", "question.md"]);
    for (const extra of fs.readdirSync(sdir)) {
      if (!known.has(extra)) problem(path.join(sdir, extra), 0, `unexpected file in a step folder (allowed: ${[...known].join(", ")})`);
    }
    if (files["check.sh"] && files["solve.sh"] && files["hint.md"]) {
      built.push({
        id: s.id,
        title: s.title,
        body: s.body.join("\n").trim(),
        hint: files["hint.md"]!.trim(),
        solution: files["solve.sh"]!.replace(/^#!.*\n/, "").trim(),
        question: files["question.md"]?.trim() || undefined,
        check: files["check.sh"]!,
        solve: files["solve.sh"]!,
        setup: files["setup.sh"],
      });
    }
  }
  if (fs.existsSync(stepsDir)) {
    for (const extra of fs.readdirSync(stepsDir)) {
      if (!steps.some((s) => s.id === extra)) problem(path.join(stepsDir, extra), 0, `steps/${extra}/ belongs to no "## ... {#${extra}}" heading in lesson.md`);
    }
  }

  if (problems.length > 0 || !meta || !folder) return { lesson: null, problems };
  return {
    lesson: {
      id,
      slug: folder[2],
      order: Number(folder[1]),
      title: meta.title,
      summary: meta.summary,
      minutes: meta.minutes,
      prerequisites: meta.prerequisites,
      intro: intro.join("\n").trim(),
      steps: built,
    },
    problems,
  };
}

/** Loads every lesson folder under `root`, in course order. */
export function loadCourse(root: string): { lessons: Lesson[]; problems: LessonProblem[] } {
  const problems: LessonProblem[] = [];
  if (!fs.existsSync(root)) return { lessons: [], problems: [{ file: root, line: 0, message: "no lessons folder" }] };
  const dirs = fs
    .readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const known = new Set(dirs);
  const lessons: Lesson[] = [];
  const slugs = new Map<string, string>();
  for (const name of dirs) {
    const { lesson, problems: p } = parseLesson(path.join(root, name), known);
    problems.push(...p);
    if (!lesson) continue;
    const clash = slugs.get(lesson.slug);
    if (clash) {
      problems.push({ file: path.join(root, name), line: 0, message: `slug "${lesson.slug}" is also used by ${clash}` });
      continue;
    }
    slugs.set(lesson.slug, name);
    lessons.push(lesson);
  }
  return { lessons, problems };
}

export function formatProblem(p: LessonProblem): string {
  return `${p.file}${p.line ? `:${p.line}` : ""}: ${p.message}`;
}
