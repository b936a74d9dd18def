// Killercoda and Katacoda scenario folders load as lessons beside our own, or are refused with
// file and line (server/lessons/scenarios/). The fixtures in tests/fixtures/scenarios/ were
// written for these tests from the formats' public documentation.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { loadCourse } from "../../server/lessons/parse";
import { RECAP_MARK } from "../../server/lessons/marks";
import { judgeBackend } from "../../server/lessons/scenarios/backend";
import { jsonErrorLine } from "../../server/lessons/scenarios/json-file";
import { ACKNOWLEDGE_CHECK, combineSetup, NO_SOLUTION, parseScenario, scenarioSlug } from "../../server/lessons/scenarios/scenario";

const FIXTURES = path.join(__dirname, "..", "fixtures", "scenarios");
const course = loadCourse(FIXTURES);
const bySlug = (slug: string) => course.lessons.find((l) => l.slug === slug)!;
const rel = (file: string) => path.relative(FIXTURES, file);

test("the good fixtures load in both formats, the bad ones are refused with file and line", () => {
  assert.deepEqual(course.lessons.map((l) => [l.slug, l.source]), [
    ["katacoda-basics", "katacoda"],
    ["killercoda-basics", "killercoda"],
  ]);
  assert.deepEqual(
    course.problems.map((p) => `${rel(p.file)}:${p.line}`),
    ["malformed-json/index.json:4", "missing-files/index.json:9", "missing-files/index.json:7", "refused-kubernetes/index.json:9"],
  );
  assert.match(course.problems[0].message, /not valid JSON/);
  assert.match(course.problems[1].message, /missing file assets\/gone\.sh/);
  assert.match(course.problems[2].message, /details\.steps\[0\]\.verify: missing file step1\/verify\.sh/);
  assert.match(course.problems[3].message, /scenario "refused-kubernetes" is refused: .*kubernetes-kubeadm-2nodes.*Kubernetes cluster/);
});

test("Killercoda: intro, steps, finish; verify is the check, background the setup, foreground kept, assets first", () => {
  const l = bySlug("killercoda-basics");
  assert.equal(l.title, "Killercoda fixture: files, loops and a web page");
  assert.match(l.intro, /\[`ls \/tmp\/kc-fixture`\]\(cp-exec:/);
  assert.equal(l.recap, "You ran commands, stopped a loop and opened a page.");
  assert.ok(l.steps[2].body.endsWith(`${RECAP_MARK}\nYou ran commands, stopped a loop and opened a page.`));
  const [one, two, three] = l.steps;
  assert.deepEqual(l.steps.map((s) => s.id), ["step-1", "step-2", "step-3"]);
  assert.match(one.check, /kc-greet/);
  assert.equal(one.acknowledge, false);
  // Assets are files written just before the set-up, once per sandbox like it (its mark).
  assert.deepEqual(
    one.files!.map((f) => [f.path, f.mode, f.content.toString()]),
    [
      ["/usr/local/bin/kc-greet", 0o644, fs.readFileSync(path.join(FIXTURES, "killercoda-basics", "assets", "kc-greet"), "utf8")],
      ["/ks/kc-fixture/notes.txt", 0o644, "notes for the fixture\n"],
    ],
  );
  assert.equal(one.setupMark, "/run/cp-scenario/killercoda-basics-step-1");
  // The set-up: the assets' chmods, then the intro's background, then the step's own background.
  const setup = one.setup!;
  const at = (s: string) => setup.indexOf(s);
  assert.ok(at(`mark=${one.setupMark}`) > 0 && at("chmod '+x' '/usr/local/bin/kc-greet'") > at("mark="));
  assert.ok(at("intro-ran") > at("chmod '+x'") && at("step1 background") > at("intro-ran"));
  assert.equal(two.files, undefined);
  assert.match(one.foreground!, /kc-fixture foreground/);
  assert.equal(two.setup, undefined);
  assert.match(two.body, /```cp-exec-interrupt\ntouch \/tmp\/kc-fixture\/stopped\n```/);
  assert.match(two.body, /\(cp-copy:echo%20copied\)/);
  // No verify: acknowledged with Next; nothing to prove.
  assert.equal(three.acknowledge, true);
  assert.equal(three.check, ACKNOWLEDGE_CHECK);
  assert.match(three.body, /\[the page itself\]\(preview:8080\/index\.html\)/);
  assert.match(three.body, /curl -s http:\/\/localhost:8080\/index\.html/);
  for (const s of l.steps) {
    assert.equal(s.solve, "");
    assert.equal(s.solution, NO_SOLUTION);
  }
});

test("Katacoda: courseData is the setup, code the foreground, answer the solution, time the minutes, assets by glob", () => {
  const l = bySlug("katacoda-basics");
  assert.equal(l.minutes, 7);
  const [one, two] = l.steps;
  assert.match(one.setup!, /set up by courseData/);
  assert.match(one.setup!, /\/tmp\/kata-fixture\/note\.txt/);
  assert.match(one.setup!, /chmod '0644'/);
  assert.equal(one.foreground, 'echo "kata-fixture foreground"\n');
  assert.equal(one.solve, "#!/bin/bash\ntouch /tmp/kata-fixture/done\n");
  assert.equal(one.solution, "touch /tmp/kata-fixture/done");
  assert.match(one.body, /\[port 8080 of your sandbox\]\(preview:8080\/\)/);
  assert.match(one.body, /\(cp-open:%2Ftmp%2Fkata-fixture%2Fnote\.txt\)/);
  assert.equal(two.acknowledge, true);
  assert.deepEqual(
    course.warnings.filter((w) => w.file.includes("katacoda-basics")).map((w) => `${path.basename(w.file)}:${w.line}`),
    ["step1.md:3", "step1.md:13"],
  );
});

test("scenarios come after our own lessons, with slugs from their folder names; a repository folder is read one level deep", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "cp-scenarios-"));
  fs.cpSync(path.join(__dirname, "..", "..", "lessons", "01-container-is-a-process"), path.join(root, "01-container-is-a-process"), { recursive: true });
  fs.cpSync(path.join(FIXTURES, "killercoda-basics"), path.join(root, "My_Scenario"), { recursive: true });
  fs.cpSync(path.join(FIXTURES, "katacoda-basics"), path.join(root, "a-repo", "inner"), { recursive: true });
  const c = loadCourse(root);
  assert.deepEqual(c.problems, []);
  assert.deepEqual(c.lessons.map((l) => [l.id, l.order, l.source]), [
    ["01-container-is-a-process", 1, "native"],
    ["a-repo-inner", 2, "katacoda"],
    ["my-scenario", 3, "killercoda"],
  ]);
});

test("backends: plain Linux maps to the sandbox, clusters and runtimes are refused with the reason", () => {
  for (const id of ["ubuntu", "ubuntu-4GB", "ubuntu:2004", "debian", "docker", "bash", undefined]) assert.equal(judgeBackend(id).ok, true, String(id));
  for (const id of ["kubernetes-kubeadm-1node", "k3s", "openshift-4-7", "node6", "java8", "ubuntu-2nodes", "windows", ""]) {
    const v = judgeBackend(id);
    assert.equal(v.ok, false, String(id));
  }
});

test("a refused scenario loads nothing, even when the rest of it is fine", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cp-refused-"));
  fs.cpSync(path.join(FIXTURES, "killercoda-basics"), dir, { recursive: true });
  const index = JSON.parse(fs.readFileSync(path.join(dir, "index.json"), "utf8")) as { backend: { imageid: string } };
  index.backend.imageid = "kubernetes-kubeadm-1node";
  fs.writeFileSync(path.join(dir, "index.json"), JSON.stringify(index, null, 2));
  const r = parseScenario(dir, { order: 1 });
  assert.equal(r.lesson, null);
  assert.equal(r.problems.length, 1);
  assert.match(r.problems[0].message, /is refused: .*Kubernetes/);
});

test("helpers: JSON error lines, slugs, set-up parts each in their own subshell", () => {
  assert.equal(jsonErrorLine("{\n\n  x\n}", "Unexpected token x in JSON at position 5"), 3);
  assert.equal(jsonErrorLine("{}", "Expected ',' (line 7 column 2)"), 7);
  assert.equal(jsonErrorLine('{\n "a": 1,\n', "Unexpected end of JSON input"), 2);
  assert.equal(scenarioSlug("My_Scenario 2!"), "my-scenario-2");
  assert.equal(combineSetup("m", [], undefined), undefined);
  assert.equal(
    combineSetup("kc-step-1", ["#!/bin/bash\necho a\nexit 0"], "echo b\n"),
    '#!/bin/bash\nmark=/run/cp-scenario/kc-step-1\n[ -e "$mark" ] && exit 0\n(\necho a\nexit 0\n) || exit $?\n(\necho b\n) || exit $?\nmkdir -p /run/cp-scenario 2>/dev/null && touch "$mark" 2>/dev/null\nexit 0\n',
  );
});

test("more problems and warnings, each at the line of index.json that causes it", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cp-scenario-bad-"));
  fs.mkdirSync(path.join(dir, "assets"));
  fs.writeFileSync(path.join(dir, "assets", "a.sh"), "echo a\n");
  fs.writeFileSync(path.join(dir, "step1.md"), "Text\n");
  fs.writeFileSync(path.join(dir, "empty.sh"), "#!/bin/bash\n\n");
  const index = {
    description: "no title",
    interface: { layout: "ide" },
    sparkles: true,
    details: {
      steps: [{ title: "One", text: "step1.md", verify: "empty.sh", hint: "x" }],
      assets: { host01: [{ file: "a.sh", target: "/root", chmod: "rwx" }], host02: [{ file: "a.sh", target: "/root" }] },
    },
    backend: { imageid: "ubuntu-4GB" },
  };
  fs.writeFileSync(path.join(dir, "index.json"), JSON.stringify(index, null, 2));
  const text = fs.readFileSync(path.join(dir, "index.json"), "utf8").split("\n");
  const lineOf = (s: string) => text.findIndex((l) => l.includes(s)) + 1;
  const r = parseScenario(dir, { order: 1 });
  assert.equal(r.lesson, null);
  const problems = r.problems.map((p) => [p.line, p.message.split(":")[0]]);
  assert.deepEqual(problems.sort(), [
    [1, 'index.json needs a "title"'],
    [lineOf('"a.sh"'), "asset a.sh"],
    [lineOf('"empty.sh"'), "details.steps[0].verify"],
    [lineOf('"host02"'), 'assets for "host02"'],
  ].sort());
  assert.deepEqual(r.warnings.map((w) => [w.line, w.message.split(" ")[0]]).sort(), [
    [lineOf('"interface"'), "interface"],
    [lineOf('"sparkles"'), "unknown"],
    [lineOf('"hint"'), "details.steps[0]:"],
  ].sort());
});

test("SCENARIOS_DIR: a second folder of scenario folders (and scenario repositories) loads after LESSONS_DIR", () => {
  const lessons = fs.mkdtempSync(path.join(os.tmpdir(), "cp-lessons-"));
  fs.cpSync(path.join(__dirname, "..", "..", "lessons", "01-container-is-a-process"), path.join(lessons, "01-container-is-a-process"), { recursive: true });
  const extra = fs.mkdtempSync(path.join(os.tmpdir(), "cp-extra-"));
  fs.cpSync(path.join(FIXTURES, "killercoda-basics"), path.join(extra, "kc"), { recursive: true });
  fs.cpSync(path.join(FIXTURES, "katacoda-basics"), path.join(extra, "repo", "kata"), { recursive: true });
  fs.mkdirSync(path.join(extra, "notes"));
  const c = loadCourse(lessons, { scenariosDir: extra });
  assert.deepEqual(c.lessons.map((l) => [l.id, l.order]), [
    ["01-container-is-a-process", 1],
    ["kc", 2],
    ["repo-kata", 3],
  ]);
  assert.deepEqual(c.problems.map((p) => [path.basename(p.file), p.message.split(" (")[0]]), [["notes", "not a scenario folder"]]);
  assert.match(loadCourse(lessons, { scenariosDir: path.join(extra, "nope") }).problems[0].message, /no scenarios folder/);
});
