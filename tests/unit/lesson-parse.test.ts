// The lesson parser and validator: good lessons parse, malformed ones are refused with the
// file and line of each problem.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { cleanAnswer } from "../../server/lessons/checks";
import { loadCourse, parseLesson } from "../../server/lessons/parse";

const GOOD_MD = `---
title: Namespaces
summary: What a namespace is and how lsns shows them.
minutes: 10
prerequisites: []
---
Some explanation first.

## Save your view {#save-view}
Run this:

\`\`\`bash
lsns > ~/mine.txt
## not a heading inside code
\`\`\`

## Answer a question {#inode .challenge}
Which inode?

## Recap {.recap}
You saved your view and found an inode.
`;

function lessonDir(files: Record<string, string>, name = "02-namespaces"): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "cp-lesson-"));
  const dir = path.join(root, name);
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}

const step = (id: string, extra: Record<string, string> = {}) => ({
  [`steps/${id}/check.sh`]: "#!/bin/bash\ntest -f /home/ubuntu/mine.txt\n",
  [`steps/${id}/solve.sh`]: "#!/bin/bash\nlsns > ~/mine.txt\n",
  [`steps/${id}/hint.md`]: "Use a redirect.\n",
  ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [`steps/${id}/${k}`, v])),
});

test("a well-formed lesson parses into its intro and steps", () => {
  const dir = lessonDir({ "lesson.md": GOOD_MD, ...step("save-view"), ...step("inode", { "question.md": "Which inode?\n" }) });
  const { lesson, problems } = parseLesson(dir);
  assert.deepEqual(problems, []);
  assert.ok(lesson);
  assert.equal(lesson.slug, "namespaces");
  assert.equal(lesson.order, 2);
  assert.equal(lesson.intro, "Some explanation first.");
  assert.deepEqual(lesson.steps.map((s) => s.id), ["save-view", "inode"]);
  assert.match(lesson.steps[0].body, /## not a heading inside code/, "headings inside code blocks are text");
  assert.equal(lesson.steps[0].solution, "lsns > ~/mine.txt", "the shown solution drops the shebang");
  assert.equal(lesson.steps[1].question, "Which inode?");
  assert.deepEqual(lesson.steps.map((s) => s.challenge), [false, true]);
  assert.equal(lesson.recap, "You saved your view and found an inode.");
});

test("front matter problems are reported with file and line", () => {
  const dir = lessonDir({ "lesson.md": GOOD_MD.replace("minutes: 10", "minutes: ten").replace("title: Namespaces", "title: X\ncolour: blue"), ...step("save-view"), ...step("inode") });
  const { lesson, problems } = parseLesson(dir);
  assert.equal(lesson, null);
  const text = problems.map((p) => `${path.basename(p.file)}:${p.line}: ${p.message}`).join("\n");
  assert.match(text, /lesson\.md:2: front matter minutes/);
  assert.match(text, /title: at least 3 characters/);
  assert.match(text, /Unrecognized key.*colour/);
});

test("invalid YAML and missing front matter are refused", () => {
  const broken = parseLesson(lessonDir({ "lesson.md": "---\ntitle: [unclosed\n---\nText\n\n## S {#s}\n", ...step("s") }));
  assert.match(broken.problems[0].message, /not valid YAML/);
  const none = parseLesson(lessonDir({ "lesson.md": "# Just markdown\n" }));
  assert.match(none.problems[0].message, /must start with front matter/);
  assert.equal(none.problems[0].line, 1);
});

test("step problems: heading without id, duplicate id, missing files, missing shebang, stray folders", () => {
  const md = GOOD_MD.replace("## Answer a question {#inode .challenge}", "## Answer a question {#save-view .challenge}").replace("## Recap {.recap}", "## No id here\ntext\n\n## Recap {.recap}");
  const dir = lessonDir({
    "lesson.md": md,
    ...step("save-view", { "check.sh": "test -f x\n" }),
    "steps/save-view/notes.txt": "stray",
    "steps/orphan/check.sh": "#!/bin/bash\n",
  });
  const { lesson, problems } = parseLesson(dir);
  assert.equal(lesson, null);
  const text = problems.map((p) => `${path.relative(dir, p.file) || "."}:${p.line}: ${p.message}`).join("\n");
  assert.match(text, /lesson\.md:17: step id "save-view" is used twice/);
  assert.match(text, /lesson\.md:20: a "## " heading is a step and needs an id/);
  assert.match(text, /lesson\.md:\d+: a "## " heading is a step and needs an id/);
  assert.match(text, /steps\/save-view\/check\.sh:1: check\.sh must start with a shebang/);
  assert.match(text, /steps\/save-view\/notes\.txt:0: unexpected file in a step folder/);
  assert.match(text, /steps\/orphan:0: steps\/orphan\/ belongs to no/);
});

test("a step folder without its scripts, an unclosed code block and a bad folder name are refused", () => {
  const md = GOOD_MD.replace(/```\n\n## Answer/, "\n\n## Answer");
  const { problems } = parseLesson(lessonDir({ "lesson.md": md, ...step("save-view") }, "Namespaces"));
  const text = problems.map((p) => p.message).join("\n");
  assert.match(text, /lesson folder must be named NN-slug/);
  assert.match(text, /code block is not closed/);
  const missing = parseLesson(lessonDir({ "lesson.md": GOOD_MD, ...step("save-view"), "steps/inode/hint.md": "x" }));
  assert.match(missing.problems.map((p) => p.message).join("\n"), /step "inode" needs check\.sh[\s\S]*step "inode" needs solve\.sh/);
});

test("the course: unknown prerequisites and slug clashes are refused; good lessons still load", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "cp-course-"));
  const write = (name: string, md: string) => {
    const dir = lessonDir({ "lesson.md": md, ...step("save-view"), ...step("inode") }, name);
    fs.renameSync(dir, path.join(root, name));
  };
  write("01-namespaces", GOOD_MD);
  write("02-namespaces", GOOD_MD);
  write("03-other", GOOD_MD.replace("prerequisites: []", "prerequisites: [09-missing]"));
  const { lessons, problems } = loadCourse(root);
  assert.deepEqual(lessons.map((l) => l.id), ["01-namespaces"]);
  const text = problems.map((p) => p.message).join("\n");
  assert.match(text, /slug "namespaces" is also used by 01-namespaces/);
  assert.match(text, /prerequisite "09-missing" is not a lesson of this course/);
});

test("the shipped course is valid", () => {
  const { lessons, problems } = loadCourse(path.join(__dirname, "..", "..", "lessons"));
  assert.deepEqual(problems, []);
  assert.ok(lessons.length >= 2);
});

test("answers are cleaned to one bounded line", () => {
  assert.equal(cleanAnswer("  4026531840 \n"), "4026531840");
  assert.equal(cleanAnswer("a\u0007b"), "a b");
  assert.equal(cleanAnswer(""), null);
  assert.equal(cleanAnswer("x".repeat(201)), null);
  assert.equal(cleanAnswer(42), null);
});
