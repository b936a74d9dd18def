// The course's second-edition features: challenge steps and recaps, alternative solutions and
// their proof variants, diagrams (checked and inlined), and the typist's directions.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { LessonDiagrams, SVG_DATA_URL, svgProblems } from "../../server/lessons/diagrams";
import { CHALLENGE_MARK, keyBytes, lineToRun, RECAP_MARK, stepBodyParts } from "../../server/lessons/marks";
import { ALTERNATIVE_SEPARATOR, parseLesson } from "../../server/lessons/parse";
import { alternativeRuns, lessonVariants } from "../../server/lessons/prove";
import { bytesForLine, isDirective } from "../../server/lessons/typed";

const MD = `---
title: Namespaces
summary: What a namespace is and how lsns shows them.
minutes: 10
---
Some explanation first.

![A process inside its namespaces](diagrams/around-a-process.svg)

## Save your view {#save-view}
Run this:

\`\`\`bash
lsns > ~/mine.txt
\`\`\`

## Find it yourself {#find .challenge}
Save the inode of the container's net namespace.

## Recap {.recap}
- lsns lists namespaces.
`;

const SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 50" role="img">
<title>A process inside its namespaces</title>
<style>
  .box { fill: #fff; stroke: #222; }
  @media (prefers-color-scheme: dark) { .box { fill: #111; stroke: #eee; } }
</style>
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5"><path d="M0 0 L10 5 L0 10 z"/></marker></defs>
<rect class="box" x="1" y="1" width="98" height="48"/>
<line x1="5" y1="25" x2="90" y2="25" marker-end="url(#arrow)"/>
<use href="#arrow"/>
</svg>
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

const good = (extra: Record<string, string> = {}) => ({
  "lesson.md": MD,
  "diagrams/around-a-process.svg": SVG,
  ...step("save-view"),
  ...step("find"),
  ...extra,
});

function problemsOf(dir: string): string {
  return parseLesson(dir)
    .problems.map((p) => `${path.relative(dir, p.file) || "."}:${p.line}: ${p.message}`)
    .join("\n");
}

test("a challenge step and a recap: the challenge is marked in its body, the recap follows the last step", () => {
  const { lesson, problems } = parseLesson(lessonDir(good()));
  assert.deepEqual(problems, []);
  assert.ok(lesson);
  assert.deepEqual(lesson.steps.map((s) => s.challenge), [false, true]);
  assert.equal(lesson.recap, "- lsns lists namespaces.");
  const last = lesson.steps[1].body;
  assert.ok(last.startsWith(CHALLENGE_MARK), "the player learns about the challenge from the body");
  assert.ok(last.includes(RECAP_MARK));
  assert.deepEqual(stepBodyParts(last), { challenge: true, body: "Save the inode of the container's net namespace.", recap: "- lsns lists namespaces." });
  assert.deepEqual(stepBodyParts(lesson.steps[0].body), { challenge: false, body: lesson.steps[0].body, recap: "" });
});

test("every lesson ends with exactly one challenge step, then its recap", () => {
  const none = problemsOf(lessonDir(good({ "lesson.md": MD.replace("{#find .challenge}", "{#find}") })));
  assert.match(none, /lesson\.md:\d+: a lesson ends with a challenge step/);
  const notLast = problemsOf(
    lessonDir(good({ "lesson.md": MD.replace("{#save-view}", "{#save-view .challenge}").replace("{#find .challenge}", "{#find}") })),
  );
  assert.match(notLast, /the challenge step must be the lesson's last step/);
  const two = problemsOf(lessonDir(good({ "lesson.md": MD.replace("{#save-view}", "{#save-view .challenge}") })));
  assert.match(two, /lesson\.md:17: a lesson has exactly one challenge step/);
  const noRecap = problemsOf(lessonDir(good({ "lesson.md": MD.replace(/## Recap \{\.recap\}[\s\S]*$/, "") })));
  assert.match(noRecap, /a lesson ends with a short recap after its challenge/);
  const emptyRecap = problemsOf(lessonDir(good({ "lesson.md": MD.replace("- lsns lists namespaces.", "") })));
  assert.match(emptyRecap, /the recap is empty/);
  const stepAfter = problemsOf(lessonDir(good({ "lesson.md": MD + "\n## Later {#later}\ntext\n", ...step("later") })));
  assert.match(stepAfter, /the recap comes last/);
  const odd = problemsOf(lessonDir(good({ "lesson.md": MD.replace("{#find .challenge}", "{#find .challenge .bonus}").replace("## Recap {.recap}", "## Summary {.recap}") })));
  assert.match(odd, /unknown heading attribute "\.bonus"/);
  assert.match(odd, /the recap heading is "## Recap \{\.recap\}", not "## Summary"/);
});

test("alternative solutions: shown after the solution, each proven in a variant of its own", () => {
  const dir = lessonDir(
    good({
      "steps/save-view/solve-alt.sh": "#!/bin/bash\nsudo lsns > ~/mine.txt\n",
      "steps/save-view/solve-alt-2.sh": "#!/bin/bash\nlsns -o NS,TYPE > ~/mine.txt\n",
    }),
  );
  const { lesson, problems } = parseLesson(dir);
  assert.deepEqual(problems, []);
  assert.ok(lesson);
  assert.deepEqual(lesson.steps[0].alternatives.map((a) => a.name), ["solve-alt.sh", "solve-alt-2.sh"]);
  assert.equal(lesson.steps[0].solution, `lsns > ~/mine.txt\n\n${ALTERNATIVE_SEPARATOR}\nsudo lsns > ~/mine.txt\n\n${ALTERNATIVE_SEPARATOR}\nlsns -o NS,TYPE > ~/mine.txt`);
  assert.deepEqual(
    lessonVariants(lesson).map((v) => v.name),
    ["main", "save-view/solve-alt.sh", "save-view/solve-alt-2.sh"],
  );
  // CI covers every alternative in as few runs as the step with the most alternatives needs.
  assert.deepEqual(
    alternativeRuns(lesson).map((v) => [v.name, v.choices]),
    [
      ["main", {}],
      ["alternatives-1", { "save-view": "solve-alt.sh" }],
      ["alternatives-2", { "save-view": "solve-alt-2.sh" }],
    ],
  );

  const gap = problemsOf(lessonDir(good({ "steps/save-view/solve-alt-2.sh": "#!/bin/bash\nx\n" })));
  assert.match(gap, /the first alternative solution is solve-alt\.sh/);
  const noShebang = problemsOf(lessonDir(good({ "steps/save-view/solve-alt.sh": "lsns\n" })));
  assert.match(noShebang, /steps\/save-view\/solve-alt\.sh:1: solve-alt\.sh must start with a shebang/);
  const stray = problemsOf(lessonDir(good({ "steps/save-view/solve-other.sh": "#!/bin/bash\nx\n" })));
  assert.match(stray, /steps\/save-view\/solve-other\.sh:0: unexpected file in a step folder/);
});

test("diagrams are checked and inlined as SVG data: URLs; other images are refused", () => {
  assert.deepEqual(svgProblems(SVG), []);
  const { lesson } = parseLesson(lessonDir(good()));
  assert.ok(lesson);
  const m = /!\[A process inside its namespaces\]\((data:[^)]+)\)/.exec(lesson.intro);
  assert.ok(m, "the intro's diagram is inlined");
  assert.ok(m[1].startsWith(SVG_DATA_URL));
  assert.equal(Buffer.from(m[1].slice(SVG_DATA_URL.length), "base64").toString("utf8"), SVG);

  const bad = (svg: string) => svgProblems(svg).join("\n");
  assert.match(bad(SVG.replace(/<title>[^<]*<\/title>/, "")), /needs a <title>/);
  assert.match(bad(SVG.replace(/@media[^}]*\}[^}]*\}/, "")), /needs a dark variant/);
  assert.match(bad(SVG.replace("<rect", "<script>alert(1)</script><rect")), /must not contain a <script>/);
  assert.match(bad(SVG.replace("<rect", "<foreignObject><p>x</p></foreignObject><rect")), /foreignObject/);
  assert.match(bad(SVG.replace("<rect ", '<rect onclick="x()" ')), /event handler/);
  assert.match(bad(SVG.replace('href="#arrow"', 'href="https://example.com/a.svg#x"')), /only references inside the file/);
  assert.match(bad(SVG.replace("url(#arrow)", "url(http://example.com/x)")), /url\(http/);
  assert.match(bad(SVG.replace("<rect", '<image href="#x"/><rect')), /loads or animates/);
  assert.match(bad(SVG.replace(' xmlns="http://www.w3.org/2000/svg"', "")), /needs xmlns/);
  assert.match(bad(`<!DOCTYPE svg [<!ENTITY x "y">]>\n${SVG}`), /does not start with an <svg>|DOCTYPE/);

  const text = (md: string, files: Record<string, string> = {}) => problemsOf(lessonDir(good({ "lesson.md": md, ...files })));
  assert.match(text(MD.replace("diagrams/around-a-process.svg", "https://example.com/x.png")), /lesson\.md:8: images in lessons are diagrams from this lesson's folder/);
  assert.match(text(MD.replace("diagrams/around-a-process.svg", "diagrams/missing.svg")), /no diagram diagrams\/missing\.svg/);
  assert.match(text(MD.replace("[A process inside its namespaces]", "[x]")), /needs alt text/);
  assert.match(text(MD, { "diagrams/unused-one.svg": SVG }), /diagrams\/unused-one\.svg:0: diagram unused-one\.svg is not used/);
  assert.match(text(MD, { "diagrams/notes.txt": "x" }), /diagrams\/notes\.txt:0: a diagrams\/ folder holds only SVG files/);
  assert.match(text(MD, { "diagrams/around-a-process.svg": SVG.replace("<rect", "<script></script><rect") }), /diagrams\/around-a-process\.svg:0: diagram must not contain a <script>/);
  assert.match(text(MD, { "notes.txt": "x" }), /notes\.txt:0: unexpected file in a lesson folder/);
});

test("the typist's directions: # type: goes to the program in front, # keys: presses keys", () => {
  assert.equal(bytesForLine("docker attach talker"), "docker attach talker\r");
  assert.equal(bytesForLine("# type: sleep 90110 &"), "sleep 90110 &\r");
  assert.equal(bytesForLine("# type: exit"), "exit\r");
  assert.equal(bytesForLine("# keys: Ctrl-X x"), "\x18x");
  assert.equal(bytesForLine("# keys: Ctrl-P, Ctrl-Q"), "\x10\x11");
  assert.equal(bytesForLine("# keys: Enter"), "\r");
  assert.throws(() => bytesForLine("# keys: Hyper-Z"), /unknown key "Hyper-Z"/);
  assert.equal(bytesForLine("# just a comment"), "# just a comment\r");
  assert.ok(isDirective("# type: ls") && isDirective("# keys: Ctrl-C") && !isDirective("# note") && !isDirective(undefined));
  assert.equal(keyBytes("Ctrl-C"), "\x03");
  // The player's Run types directions' text and leaves keys to the learner.
  assert.equal(lineToRun("# type: exit"), "exit");
  assert.equal(lineToRun("# keys: Ctrl-X x"), null);
  assert.equal(lineToRun("docker ps"), "docker ps");
});
