// Loads a Killercoda or Katacoda scenario folder (one with an index.json) as a Lesson, unchanged,
// or refuses it with every problem's file and line (docs/lessons.md, "Killercoda and Katacoda
// scenarios"). Mapping: verify is the step's check; background (Katacoda: courseData) its
// set-up; foreground (Katacoda: code) is typed into the learner's terminal when the step
// starts; assets and the intro's scripts run with the first step's; intro and finish texts are
// the lesson's intro and recap. A step without verify is acknowledged with "Next".
import fs from "node:fs";
import path from "node:path";
import { RECAP_MARK } from "../marks";
import type { Lesson, LessonProblem, LessonStep } from "../parse";
import { execCommands, transformScenarioMarkdown } from "./actions";
import { scenarioAssets } from "./assets";
import { judgeBackend } from "./backend";
import type { ScenarioFormat } from "./format";
import { readJson, lineOfString } from "./json-file";
import { katacoda, looksLikeKatacoda } from "./katacoda";
import { killercoda } from "./killercoda";

export const SCENARIO_INDEX = "index.json";
export const NO_HINT = "This scenario gives no hints. Read the step again; where the scenario has a solution, “Show the solution” shows it.";
export const NO_SOLUTION = "# This scenario gives no solution for this step.";
/** A step without a verify script passes when the learner presses Next (docs/lessons.md). */
export const ACKNOWLEDGE_CHECK = "#!/bin/bash\n# The scenario has no verify script for this step: it passes when the learner presses Next.\nexit 0\n";
const MAX_SCRIPT_BYTES = 64 * 1024;
const STEP_FIELDS = new Set(["title", "text", "verify", "background", "foreground", "courseData", "code", "answer"]);

export interface ScenarioResult {
  lesson: Lesson | null;
  /** Errors: any of them and nothing of the scenario loads. */
  problems: LessonProblem[];
  /** Unsupported or approximated features: the scenario still loads. */
  warnings: LessonProblem[];
}

/** "My_Scenario 2" → "my-scenario-2": the URL name and lesson id of a scenario folder. */
export function scenarioSlug(folder: string): string {
  return folder
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80);
}

export function isScenarioFolder(dir: string): boolean {
  return fs.existsSync(path.join(dir, SCENARIO_INDEX));
}

type Part = Record<string, unknown>;

export function parseScenario(dir: string, opts: { id?: string; order: number }): ScenarioResult {
  const problems: LessonProblem[] = [];
  const warnings: LessonProblem[] = [];
  const indexFile = path.join(dir, SCENARIO_INDEX);
  const read = readJson(indexFile);
  if (!read.ok) return { lesson: null, problems: [{ file: indexFile, line: read.line, message: read.message }], warnings };
  const { text } = read;
  const problem = (message: string, about?: string, line?: number) => problems.push({ file: indexFile, line: line ?? (about ? lineOfString(text, about) : 1), message });
  const warn = (message: string, about?: string) => warnings.push({ file: indexFile, line: about ? lineOfString(text, about) : 1, message });
  if (typeof read.value !== "object" || read.value === null || Array.isArray(read.value)) {
    return { lesson: null, problems: [{ file: indexFile, line: 1, message: "index.json must be an object with title, details and backend" }], warnings };
  }
  const index = read.value as Record<string, unknown>;
  const format: ScenarioFormat = looksLikeKatacoda(index) ? katacoda : killercoda;
  const name = path.basename(dir);
  const id = opts.id ?? scenarioSlug(name);
  if (!id) problem(`cannot make a lesson name from the folder name "${name}": use letters or digits`);

  // The machine first: a scenario we cannot run loads nothing at all.
  const backend = (index.backend ?? {}) as { imageid?: unknown };
  const verdict = judgeBackend(backend.imageid);
  if (!verdict.ok) {
    return { lesson: null, problems: [{ file: indexFile, line: lineOfString(text, "imageid"), message: `scenario "${name}" is refused: ${verdict.reason}` }], warnings };
  }
  if (verdict.note) warn(verdict.note);

  for (const key of Object.keys(index)) {
    if (!format.rootFields.includes(key)) warn(`unknown field "${key}" is ignored`, key);
    else if (format.unsupported[key]) warn(format.unsupported[key], key);
  }
  const env = index.environment as { uilayout?: unknown; showdashboard?: unknown; dashboards?: unknown } | undefined;
  if (env && typeof env.uilayout === "string" && !/^terminal/.test(env.uilayout)) warn(`environment.uilayout "${env.uilayout}" is not supported: the playground shows the text beside one terminal`, "uilayout");
  if (env?.dashboards !== undefined || env?.showdashboard) warn("environment dashboards are not supported: link ports in the text (https://[[HOST_SUBDOMAIN]]-PORT-[[KATACODA_HOST]].environments.katacoda.com)", "dashboards");

  const title = typeof index.title === "string" && index.title.trim() ? index.title.trim() : null;
  if (!title) problem('index.json needs a "title"', index.title === undefined ? undefined : "title");
  const description = typeof index.description === "string" ? index.description.trim() : "";
  const details = (index.details ?? {}) as { intro?: Part; steps?: unknown; finish?: Part; assets?: unknown };
  if (typeof index.details !== "object" || index.details === null) problem('index.json needs "details" with "steps"', "details");

  /** A file a field names, relative to the scenario: its text, or a problem at the field's line. */
  const readFile = (field: string, rel: unknown, kind: "markdown" | "script"): string | undefined => {
    if (rel === undefined) return undefined;
    if (typeof rel !== "string" || !rel.trim()) {
      problem(`${field} must be a file name`, field);
      return undefined;
    }
    const file = path.resolve(dir, rel);
    if (!file.startsWith(path.resolve(dir) + path.sep)) {
      problem(`${field}: "${rel}" is outside the scenario folder`, rel);
      return undefined;
    }
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
      problem(`${field}: missing file ${rel}`, rel);
      return undefined;
    }
    const content = fs.readFileSync(file, "utf8");
    if (kind === "script" && Buffer.byteLength(content) > MAX_SCRIPT_BYTES) problem(`${field}: ${rel} is larger than 64 KB`, rel);
    return content;
  };
  /** Markdown with the platform's actions rewritten; unsupported ones become warnings at their line. */
  const markdown = (field: string, rel: unknown): string | undefined => {
    const raw = readFile(field, rel, "markdown");
    if (raw === undefined) return undefined;
    const t = transformScenarioMarkdown(raw);
    const file = path.resolve(dir, rel as string);
    for (const n of t.notes) (n.message.includes("not closed") ? problems : warnings).push({ file, line: n.line, message: n.message });
    return t.markdown.trim();
  };
  const script = (part: Part, keys: string[], where: string) => {
    const key = keys.find((k) => part[k] !== undefined);
    return key ? readFile(`${where}.${key}`, part[key], "script") : undefined;
  };

  const intro: Part = typeof details.intro === "object" && details.intro !== null ? details.intro : {};
  const finish: Part = typeof details.finish === "object" && details.finish !== null ? details.finish : {};
  const introText = markdown("details.intro.text", intro.text) ?? "";
  const recapText = markdown("details.finish.text", finish.text) ?? "";
  const introBackground = script(intro, format.background, "details.intro");
  const introForeground = script(intro, format.foreground, "details.intro");
  for (const k of ["verify", "answer"]) if (intro[k] !== undefined) warn(`details.intro.${k} is not supported (the intro is not a step)`, k);
  if (script(finish, format.background, "details.finish") || script(finish, format.foreground, "details.finish")) warn("scripts of details.finish are not run (the lesson is over when the last step passes)", "finish");

  const assets = scenarioAssets(dir, details.assets);
  for (const p of assets.problems) (p.warning ? warnings : problems).push({ file: indexFile, line: p.about ? lineOfString(text, p.about, lineOfString(text, "assets")) : lineOfString(text, "assets"), message: p.message });

  const rawSteps = Array.isArray(details.steps) ? (details.steps as unknown[]) : [];
  if (rawSteps.length === 0) problem('details.steps must list at least one step ({"title", "text", "verify"})', "steps");
  const steps: LessonStep[] = [];
  rawSteps.forEach((raw, i) => {
    const where = `details.steps[${i}]`;
    if (typeof raw !== "object" || raw === null) {
      problem(`${where} must be an object with "title" and "text"`, "steps");
      return;
    }
    const s = raw as Part;
    for (const key of Object.keys(s)) if (!STEP_FIELDS.has(key)) warn(`${where}: unknown field "${key}" is ignored`, key);
    const body = markdown(`${where}.text`, s.text);
    if (s.text === undefined) problem(`${where} needs "text" (a Markdown file)`, typeof s.title === "string" ? s.title : "steps");
    const verify = readFile(`${where}.verify`, s.verify, "script");
    // An empty verify would pass at once; leaving "verify" out says "press Next" instead.
    if (verify !== undefined && !verify.replace(/^#!.*\n?/, "").trim()) problem(`${where}.verify: ${String(s.verify)} is empty (leave "verify" out for a step that passes on Next)`, String(s.verify));
    const background = script(s, format.background, where);
    const foreground = script(s, format.foreground, where);
    const answerRaw = s.answer !== undefined ? markdown(`${where}.answer`, s.answer) : undefined;
    // A solution is what the scenario's answer page runs: its exec actions, else its code blocks.
    const solveLines = answerRaw !== undefined ? solutionOf(answerRaw) : [];
    const first = i === 0;
    const mark = `${id}-step-${i + 1}`;
    steps.push({
      id: `step-${i + 1}`,
      title: typeof s.title === "string" && s.title.trim() ? s.title.trim() : `Step ${i + 1}`,
      body: body ?? "",
      hint: NO_HINT,
      solution: solveLines.length ? solveLines.join("\n") : NO_SOLUTION,
      check: verify ?? ACKNOWLEDGE_CHECK,
      solve: solveLines.length ? `#!/bin/bash\n${solveLines.join("\n")}\n` : "",
      alternatives: [],
      setup: combineSetup(mark, first ? [assets.script, introBackground] : [], background),
      ...(first && assets.files.length ? { files: assets.files, setupMark: setupMarkPath(mark) } : {}),
      foreground: [first ? introForeground : undefined, foreground].filter((f): f is string => !!f?.trim()).join("\n") || undefined,
      acknowledge: verify === undefined,
      challenge: false,
    });
  });
  if (steps.length > 0 && recapText) steps[steps.length - 1].body = `${steps[steps.length - 1].body}\n\n${RECAP_MARK}\n${recapText}`;

  if (problems.length > 0 || !title) return { lesson: null, problems, warnings };
  return {
    lesson: {
      id,
      slug: id,
      order: opts.order,
      title,
      summary: description || title,
      minutes: minutesOf(index.time) ?? Math.max(5, steps.length * 5),
      prerequisites: [],
      intro: introText || description || title,
      steps,
      recap: recapText,
      source: format.source,
    },
    problems,
    warnings,
  };
}

/** The commands of an answer page: its exec actions, else the content of its code blocks. */
function solutionOf(answer: string): string[] {
  const exec = execCommands(answer);
  if (exec.length) return exec;
  const blocks = [...answer.matchAll(/^\s*(`{3,}|~{3,})[^\n]*\n([\s\S]*?)\n\s*\1\s*$/gm)].map((m) => m[2]);
  return blocks.length ? blocks : [...answer.matchAll(/\]\(cp-(?:copy|type):([^)]*)\)/g)].map((m) => decodeURIComponent(m[1]));
}

/**
 * One root script of several: each part in a subshell, so a part's "exit 0" ends only that
 * part, and a failing part stops the rest (the player logs the failed set-up). Killercoda and
 * Katacoda run a step's background once per machine, while our set-up runs whenever the
 * learner (re)opens the lesson at that step: a mark in the sandbox's /run (gone with the
 * sandbox) makes it run once.
 */
export function combineSetup(mark: string, before: (string | undefined)[], own: string | undefined): string | undefined {
  const parts = [...before, own].filter((p): p is string => !!p?.trim());
  if (parts.length === 0) return undefined;
  return [
    "#!/bin/bash",
    `mark=${setupMarkPath(mark)}`,
    '[ -e "$mark" ] && exit 0',
    ...parts.map((p) => `(\n${p.replace(/^#!.*\n/, "").replace(/\n?$/, "\n")}) || exit $?`),
    'mkdir -p /run/cp-scenario 2>/dev/null && touch "$mark" 2>/dev/null',
    "exit 0",
  ].join("\n") + "\n";
}

/** Where a set-up's mark lives in the sandbox (/run: gone when the sandbox is). */
export function setupMarkPath(mark: string): string {
  return `/run/cp-scenario/${mark}`;
}

function minutesOf(time: unknown): number | null {
  const n = typeof time === "number" ? time : typeof time === "string" ? Number(/(\d+)/.exec(time)?.[1]) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= 240 ? n : null;
}
