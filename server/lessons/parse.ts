// Reads a lesson folder (docs/lessons.md describes the format) into a Lesson, or reports
// every problem with its file and line. Lesson files are input like any other: a malformed
// lesson is refused with a precise message and never reaches a learner.
import fs from "node:fs";
import path from "node:path";
import type { ShellUser } from "../../lib/protocol";
import type { SandboxFile } from "../sandbox/driver";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { z } from "zod";
import { CHALLENGE_MARK, RECAP_MARK } from "./marks";
import { DIAGRAM_DIR, LessonDiagrams } from "./diagrams";
import type { ScenarioSource } from "./scenarios/format";
import { isScenarioFolder, parseScenario, scenarioSlug } from "./scenarios/scenario";

export interface LessonStep {
  id: string;
  title: string;
  /** Markdown shown for this step. */
  body: string;
  hint: string;
  /** The solution as shown to the learner (solve.sh without its shebang, then each alternative after ALTERNATIVE_SEPARATOR). */
  solution: string;
  /** When set, the learner answers this question; check.sh receives the answer in $ANSWER. */
  question?: string;
  check: string;
  solve: string;
  /** Other correct solutions (solve-alt.sh, solve-alt-2.sh, ...), each proven from the same starting state. */
  alternatives: { name: string; script: string }[];
  setup?: string;
  /** Files written into the sandbox just before `setup` (a scenario's assets), once per sandbox. */
  files?: SandboxFile[];
  /** The file a once-per-sandbox set-up leaves when it has run (then `files` are not written again). */
  setupMark?: string;
  /** Typed into the learner's terminal when the step starts (a scenario's foreground script). */
  foreground?: string;
  /** The step has nothing to verify: it passes when the learner presses Next, never automatically. */
  acknowledge?: boolean;
  /** The lesson's last step: a goal without Run buttons (docs/lessons.md). */
  challenge: boolean;
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
  /** What the lesson taught, shown after its steps ("## Recap {.recap}"). */
  recap: string;
  /** The format it was written in: our own, or an imported scenario folder (server/lessons/scenarios/). */
  source: LessonSource;
}

export type LessonSource = "native" | ScenarioSource;

/** Whose shell a lesson is typed in: ours teach as ubuntu with sudo; imported scenarios were written for root in /root. */
export function shellUserOf(lesson: Pick<Lesson, "source">): ShellUser {
  return lesson.source === "native" ? "ubuntu" : "root";
}

export interface LessonProblem {
  file: string;
  line: number;
  message: string;
}

export const LESSON_FOLDER = /^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)$/;
const STEP_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const HEADING_WITH_ATTRIBUTES = /^##\s+(.+?)\s*\{([^}]*)\}\s*$/;
const ALTERNATIVE_FILE = /^solve-alt(?:-([2-9]|[1-9]\d))?\.sh$/;
/** Between the solution and each alternative in LessonStep.solution (the player shows them as separate blocks). */
export const ALTERNATIVE_SEPARATOR = "# ── another way ──";
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

  // Steps: every "## Title {#id}" heading starts one; text before the first is the intro. The
  // last step is "## Title {#id .challenge}", followed by "## Recap {.recap}" (docs/lessons.md).
  const lines = split.body.split("\n");
  const steps: { id: string; title: string; line: number; body: string[]; bodyLine: number; challenge: boolean }[] = [];
  const intro: string[] = [];
  let recap: { line: number; body: string[] } | null = null;
  let inFence = false;
  lines.forEach((line, i) => {
    const fileLine = split.bodyLine + i;
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const heading = inFence ? null : HEADING_WITH_ATTRIBUTES.exec(line);
    if (heading) {
      const [, title, attributes] = heading;
      let stepId: string | null = null;
      let challenge = false;
      let isRecap = false;
      for (const token of attributes.trim().split(/\s+/).filter(Boolean)) {
        if (token.startsWith("#") && stepId === null) stepId = token.slice(1);
        else if (token === ".challenge") challenge = true;
        else if (token === ".recap") isRecap = true;
        else problem(lessonFile, fileLine, `unknown heading attribute "${token}" (a step has {#step-id}, the last one {#step-id .challenge}; the recap is {.recap})`);
      }
      if (isRecap) {
        if (stepId !== null || challenge) problem(lessonFile, fileLine, "the recap heading is exactly \"## Recap {.recap}\": no step id, no .challenge");
        if (title !== "Recap") problem(lessonFile, fileLine, `the recap heading is "## Recap {.recap}", not "## ${title}"`);
        if (recap) problem(lessonFile, fileLine, "a lesson has one recap");
        recap = { line: fileLine, body: [] };
        return;
      }
      if (recap) {
        problem(lessonFile, fileLine, "the recap comes last: no step after \"## Recap {.recap}\"");
        return;
      }
      if (stepId === null) {
        problem(lessonFile, fileLine, `a "## " heading is a step and needs an id: "## Title {#step-id}"`);
        return;
      }
      if (!STEP_ID.test(stepId)) problem(lessonFile, fileLine, `step id "${stepId}" must be lowercase words with dashes`);
      if (steps.some((s) => s.id === stepId)) {
        problem(lessonFile, fileLine, `step id "${stepId}" is used twice`);
        steps.push({ id: `${stepId}#duplicate`, title, line: fileLine, body: [], bodyLine: fileLine + 1, challenge }); // its text still belongs to it
        return;
      }
      steps.push({ id: stepId, title, line: fileLine, body: [], bodyLine: fileLine + 1, challenge });
    } else if (!inFence && /^##\s/.test(line)) {
      problem(lessonFile, fileLine, `a "## " heading is a step and needs an id: "## Title {#step-id}"`);
    } else if (recap) {
      recap.body.push(line);
    } else if (steps.length > 0) {
      steps[steps.length - 1].body.push(line);
    } else {
      intro.push(line);
    }
  });
  if (inFence) problem(lessonFile, split.bodyLine + lines.length - 1, "a code block is not closed (``` without its end)");
  if (steps.length === 0) problem(lessonFile, split.bodyLine, 'a lesson needs at least one step ("## Title {#step-id}")');
  if (!intro.join("").trim()) problem(lessonFile, split.bodyLine, "a lesson starts with a short explanation before its first step");

  // Every lesson ends with exactly one challenge step, then its recap.
  const challenges = steps.filter((s) => s.challenge);
  if (steps.length > 0 && challenges.length === 0) {
    problem(lessonFile, steps[steps.length - 1].line, 'a lesson ends with a challenge step: "## Title {#step-id .challenge}" (a goal without Run buttons)');
  }
  for (const c of challenges.slice(1)) problem(lessonFile, c.line, "a lesson has exactly one challenge step");
  if (challenges.length > 0 && !steps[steps.length - 1].challenge) problem(lessonFile, challenges[0].line, "the challenge step must be the lesson's last step");
  const recapSection = recap as { line: number; body: string[] } | null;
  if (steps.length > 0 && !recapSection) problem(lessonFile, split.bodyLine + lines.length - 1, 'a lesson ends with a short recap after its challenge: "## Recap {.recap}"');
  else if (recapSection && !recapSection.body.join("").trim()) problem(lessonFile, recapSection.line, "the recap is empty: say in a few lines what the lesson taught");

  // Diagrams: ![alt](diagrams/name.svg), checked and inlined (no route serves lesson files).
  const diagrams = new LessonDiagrams(dir);
  const inline = (text: string, firstLine: number) =>
    diagrams.inline(text, (offset, message) => problem(lessonFile, firstLine + lineOf(text, offset) - 1, message));
  for (const p of diagrams.problems) problem(p.file, p.line, p.message);
  const introText = inline(intro.join("\n").trim(), split.bodyLine + intro.findIndex((l) => l.trim() !== ""));
  const recapText = recapSection ? inline(recapSection.body.join("\n").trim(), recapSection.line + 1 + recapSection.body.findIndex((l) => l.trim() !== "")) : "";

  const stepsDir = path.join(dir, "steps");
  const built: LessonStep[] = [];
  for (const s of steps) {
    if (s.id.endsWith("#duplicate")) continue;
    const sdir = path.join(stepsDir, s.id);
    if (!fs.existsSync(sdir)) {
      problem(lessonFile, s.line, `step "${s.id}" has no folder steps/${s.id}/ (check.sh, solve.sh, hint.md)`);
      continue;
    }
    const entries = fs.readdirSync(sdir).sort(byAlternativeOrder);
    const alternativeNames = entries.filter((e) => ALTERNATIVE_FILE.test(e));
    const files: Record<string, string | undefined> = {};
    for (const name of ["check.sh", "solve.sh", "hint.md", "setup.sh", "question.md", ...alternativeNames]) {
      files[name] = readIfExists(path.join(sdir, name));
    }
    for (const name of ["check.sh", "solve.sh", "hint.md"]) {
      if (files[name] === undefined) problem(path.join(sdir, name), 0, `step "${s.id}" needs ${name}`);
      else if (!files[name]!.trim()) problem(path.join(sdir, name), 1, `${name} is empty`);
    }
    for (const name of ["check.sh", "solve.sh", "setup.sh", ...alternativeNames]) {
      const script = files[name];
      if (script === undefined) continue;
      if (!script.startsWith("#!")) problem(path.join(sdir, name), 1, `${name} must start with a shebang line (#!/bin/bash)`);
      if (Buffer.byteLength(script) > MAX_SCRIPT_BYTES) problem(path.join(sdir, name), 1, `${name} is larger than 64 KB`);
      if (!script.replace(/^#!.*\n/, "").trim()) problem(path.join(sdir, name), 1, `${name} is empty`);
    }
    if (alternativeNames.length > 0 && alternativeNames[0] !== "solve-alt.sh") problem(path.join(sdir, alternativeNames[0]), 0, "the first alternative solution is solve-alt.sh, the next solve-alt-2.sh, ...");
    alternativeNames.forEach((name, i) => {
      const expected = i === 0 ? "solve-alt.sh" : `solve-alt-${i + 1}.sh`;
      if (i > 0 && name !== expected) problem(path.join(sdir, name), 0, `alternative solutions are numbered without gaps: expected ${expected}`);
    });
    const known = new Set(["check.sh", "solve.sh", "hint.md", "setup.sh", "question.md"]);
    for (const extra of entries) {
      if (!known.has(extra) && !ALTERNATIVE_FILE.test(extra)) problem(path.join(sdir, extra), 0, `unexpected file in a step folder (allowed: ${[...known].join(", ")}, solve-alt.sh, solve-alt-2.sh, ...)`);
    }
    if (files["check.sh"] && files["solve.sh"] && files["hint.md"]) {
      const shown = (script: string) => script.replace(/^#!.*\n/, "").trim();
      const alternatives = alternativeNames.filter((n) => files[n]?.trim()).map((name) => ({ name, script: files[name]! }));
      let body = inline(s.body.join("\n").trim(), s.bodyLine + s.body.findIndex((l) => l.trim() !== ""));
      if (s.challenge) body = `${CHALLENGE_MARK}\n${body}`;
      if (s === steps[steps.length - 1] && recapText) body = `${body}\n\n${RECAP_MARK}\n${recapText}`;
      built.push({
        id: s.id,
        title: s.title,
        body,
        hint: files["hint.md"]!.trim(),
        solution: [shown(files["solve.sh"]!), ...alternatives.map((a) => `${ALTERNATIVE_SEPARATOR}\n${shown(a.script)}`)].join("\n\n"),
        question: files["question.md"]?.trim() || undefined,
        check: files["check.sh"]!,
        solve: files["solve.sh"]!,
        alternatives,
        setup: files["setup.sh"],
        challenge: s.challenge,
      });
    }
  }
  if (fs.existsSync(stepsDir)) {
    for (const extra of fs.readdirSync(stepsDir)) {
      if (!steps.some((s) => s.id === extra)) problem(path.join(stepsDir, extra), 0, `steps/${extra}/ belongs to no "## ... {#${extra}}" heading in lesson.md`);
    }
  }
  for (const p of diagrams.unused()) problem(p.file, p.line, p.message);
  for (const extra of fs.readdirSync(dir)) {
    if (!["lesson.md", "steps", DIAGRAM_DIR].includes(extra)) problem(path.join(dir, extra), 0, `unexpected file in a lesson folder (allowed: lesson.md, steps/, ${DIAGRAM_DIR}/)`);
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
      intro: introText,
      steps: built,
      recap: recapText,
      source: "native",
    },
    problems,
  };
}

/** solve-alt.sh before solve-alt-2.sh before solve-alt-10.sh; everything else by name. */
function byAlternativeOrder(a: string, b: string): number {
  const n = (f: string) => {
    const m = ALTERNATIVE_FILE.exec(f);
    return m ? Number(m[1] ?? 1) : 0;
  };
  return n(a) && n(b) ? n(a) - n(b) : a.localeCompare(b);
}

/**
 * Loads every lesson folder under `root`, in course order: our NN-slug lessons first, then
 * Killercoda/Katacoda scenario folders (with an index.json) by folder name. A folder of
 * scenario folders (a scenario repository copied in as it is) is read one level deep.
 * `warnings` are unsupported scenario features that do not stop a scenario from loading.
 */
export function loadCourse(root: string, opts: { scenariosDir?: string } = {}): { lessons: Lesson[]; problems: LessonProblem[]; warnings: LessonProblem[] } {
  const problems: LessonProblem[] = [];
  const warnings: LessonProblem[] = [];
  if (!fs.existsSync(root)) return { lessons: [], problems: [{ file: root, line: 0, message: "no lessons folder" }], warnings };
  if (opts.scenariosDir && !fs.existsSync(opts.scenariosDir)) problems.push({ file: opts.scenariosDir, line: 0, message: "no scenarios folder (SCENARIOS_DIR)" });
  const subdirs = (dir: string) =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith("."))
      .map((d) => d.name)
      .sort();
  const scenarios: { dir: string; id: string }[] = [];
  const native: string[] = [];
  // SCENARIOS_DIR holds scenario folders only: anything else in it is reported, not parsed as a lesson.
  const roots = [root, ...(opts.scenariosDir && fs.existsSync(opts.scenariosDir) ? [opts.scenariosDir] : [])];
  for (const [name, top] of roots.flatMap((r) => subdirs(r).map((n) => [n, r] as const))) {
    const dir = path.join(top, name);
    if (isScenarioFolder(dir)) scenarios.push({ dir, id: scenarioSlug(name) });
    else if (!fs.existsSync(path.join(dir, "lesson.md")) && !LESSON_FOLDER.test(name) && subdirs(dir).some((c) => isScenarioFolder(path.join(dir, c)))) {
      for (const child of subdirs(dir)) {
        if (isScenarioFolder(path.join(dir, child))) scenarios.push({ dir: path.join(dir, child), id: scenarioSlug(`${name}-${child}`) });
      }
    } else if (top === root) native.push(name);
    else problems.push({ file: dir, line: 0, message: "not a scenario folder (no index.json): SCENARIOS_DIR holds Killercoda/Katacoda scenario folders only" });
  }
  const known = new Set(native);
  const lessons: Lesson[] = [];
  const slugs = new Map<string, string>();
  const add = (lesson: Lesson, dir: string) => {
    const clash = slugs.get(lesson.slug) ?? lessons.find((l) => l.id === lesson.id)?.id;
    if (clash) {
      problems.push({ file: dir, line: 0, message: `slug "${lesson.slug}" is also used by ${clash}` });
      return;
    }
    slugs.set(lesson.slug, path.relative(root, dir) || dir);
    lessons.push(lesson);
  };
  for (const name of native) {
    const { lesson, problems: p } = parseLesson(path.join(root, name), known);
    problems.push(...p);
    if (lesson) add(lesson, path.join(root, name));
  }
  let order = Math.max(0, ...lessons.map((l) => l.order));
  // By lesson name, so "My_Scenario" and "a-repo/inner" sort as a learner reads them.
  scenarios.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const s of scenarios) {
    const r = parseScenario(s.dir, { id: s.id, order: order + 1 });
    problems.push(...r.problems);
    warnings.push(...r.warnings);
    if (r.lesson) {
      add(r.lesson, s.dir);
      order = Math.max(order, r.lesson.order);
    }
  }
  return { lessons, problems, warnings };
}

export function formatProblem(p: LessonProblem): string {
  return `${p.file}${p.line ? `:${p.line}` : ""}: ${p.message}`;
}
