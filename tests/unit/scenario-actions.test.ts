// Killercoda's and Katacoda's Markdown actions and traffic links, rewritten for the player
// (server/lessons/scenarios/actions.ts): pure functions, so every variant is tested here.
import assert from "node:assert/strict";
import { test } from "node:test";
import { actionHref, actionInput, actionOf, actionOfLanguage, execCommands, parseActionHref, transformScenarioMarkdown } from "../../server/lessons/scenarios/actions";

const t = (md: string) => transformScenarioMarkdown(md);

test("a fenced block followed by {{exec}} becomes a cp-exec block; {{exec interrupt}} and {{copy}} their own kinds", () => {
  assert.equal(t("```\nls -l\n```{{exec}}").markdown, "```cp-exec\nls -l\n```");
  assert.equal(t("```bash\nwatch date\n```{{exec interrupt}}").markdown, "```cp-exec-interrupt\nwatch date\n```");
  assert.equal(t("~~~\na\nb\n~~~{{copy}}").markdown, "~~~cp-copy\na\nb\n~~~");
  assert.deepEqual(t("```\nls\n```{{exec}}").notes, []);
});

test("fences without an action are shown, not run (no Run button for a plain bash block)", () => {
  assert.equal(t("```bash\nrm -rf /tmp/x\n```\nafter").markdown, "```text\nrm -rf /tmp/x\n```\nafter");
});

test("inline actions become links the player renders as buttons, with the command intact", () => {
  const out = t("Run `echo \"a (b)\" | wc -c`{{exec}} now, or copy `x`{{copy}}.").markdown;
  assert.match(out, /^Run \[`echo "a \(b\)" \| wc -c`\]\(cp-exec:[^)\s]+\) now, or copy \[`x`\]\(cp-copy:x\)\.$/);
  const href = /\((cp-exec:[^)]+)\)/.exec(out)![1];
  assert.deepEqual(parseActionHref(href), { kind: "exec", text: 'echo "a (b)" | wc -c' });
});

test("Katacoda's execute variants: T1/HOST1 silently, T2 with a note, interrupt, no-newline, ctrl-seq, open", () => {
  assert.deepEqual(actionOf("execute", ""), { kind: "exec", notes: [] });
  assert.deepEqual(actionOf("execute", " T1"), { kind: "exec", notes: [] });
  assert.deepEqual(actionOf("execute", " HOST1"), { kind: "exec", notes: [] });
  assert.equal(actionOf("execute", " T2").kind, "exec");
  assert.match(actionOf("execute", " T2").notes[0], /one terminal/);
  assert.equal(actionOf("execute", " interrupt").kind, "exec-interrupt");
  assert.equal(actionOf("execute", " T1 interrupt").kind, "exec-interrupt");
  assert.equal(actionOf("execute", " no-newline").kind, "type");
  assert.equal(actionOf("execute", " ctrl-seq").kind, "keys");
  assert.equal(actionOf("open", "").kind, "open");
  assert.match(actionOf("execute", " sparkle").notes[0], /unknown option/);
  const out = t("`docker ps`{{execute T2}}");
  assert.equal(out.markdown, "[`docker ps`](cp-exec:docker%20ps)");
  assert.equal(out.notes[0].line, 1);
});

test("what a click sends: Ctrl-C before an interrupt, lines with Enter, no Enter for no-newline, control keys", () => {
  assert.deepEqual(actionInput("exec", "a\n\nb"), { before: "", lines: ["a", "b"], enter: true });
  assert.deepEqual(actionInput("exec-interrupt", "ls"), { before: "\x03", lines: ["ls"], enter: true });
  assert.deepEqual(actionInput("type", "partial"), { before: "", lines: ["partial"], enter: false });
  assert.deepEqual(actionInput("keys", "^C"), { before: "\x03", lines: [], enter: false });
  assert.deepEqual(actionInput("keys", "^ESC"), { before: "\x1b", lines: [], enter: false });
  assert.equal(actionInput("keys", "hello"), null);
  assert.deepEqual(actionInput("open", "/etc/it's"), { before: "", lines: ["cat -- '/etc/it'\\''s'"], enter: true });
  assert.equal(actionInput("copy", "x"), null);
});

test("Killercoda traffic links become preview links for the learner's sandbox, in prose and in link destinations", () => {
  assert.equal(t("Open {{TRAFFIC_HOST1_8080}} now").markdown, "Open [port 8080 of your sandbox](preview:8080) now");
  assert.equal(t("[the app]({{TRAFFIC_HOST1_80}}/api?x=1)").markdown, "[the app](preview:80/api?x=1)");
  const host2 = t("{{TRAFFIC_HOST2_3000}}");
  assert.equal(host2.markdown, "[port 3000 of your sandbox](preview:3000)");
  assert.match(host2.notes[0].message, /one machine/);
  const bad = t("{{TRAFFIC_HOST1_99999}}");
  assert.equal(bad.markdown, "{{TRAFFIC_HOST1_99999}}");
  assert.match(bad.notes[0].message, /not a TCP port/);
});

test("Katacoda traffic URLs become preview links; in code, both formats become localhost", () => {
  assert.equal(
    t("See https://[[HOST_SUBDOMAIN]]-3000-[[KATACODA_HOST]].environments.katacoda.com/metrics here").markdown,
    "See [port 3000 of your sandbox](preview:3000/metrics) here",
  );
  assert.equal(t("[x](https://[[HOST_SUBDOMAIN]]-80-[[KATACODA_HOST]].environments.katacoda.com/)").markdown, "[x](preview:80/)");
  assert.equal(t("```\ncurl {{TRAFFIC_HOST1_8080}}/a\n```{{exec}}").markdown, "```cp-exec\ncurl http://localhost:8080/a\n```");
});

test("unsupported placeholders are reported with their line and never turned into links", () => {
  const r = t("line one\n{{TRAFFIC_SELECTOR}}\nhost [[HOST_IP]]");
  assert.deepEqual(r.notes.map((n) => n.line), [2, 3]);
  assert.doesNotMatch(r.markdown, /TRAFFIC_SELECTOR/);
  assert.match(r.notes[0].message, /TRAFFIC_SELECTOR/);
});

test("markers inside a code block's text and unclosed fences", () => {
  assert.equal(t("```\necho '`x`{{exec}}'\n```").markdown, "```text\necho '`x`{{exec}}'\n```");
  const open = t("text\n```\nnever closed");
  assert.equal(open.notes[0].line, 2);
  assert.match(open.notes[0].message, /not closed/);
});

test("codec and language helpers round-trip, and exec commands are collected in order", () => {
  for (const s of ["a b", "x)(y", "it's ~!*", "ünï ✓", "%20"]) assert.deepEqual(parseActionHref(actionHref("exec", s)), { kind: "exec", text: s });
  assert.equal(parseActionHref("cp-nope:x"), null);
  assert.equal(parseActionHref("https://example.org"), null);
  assert.equal(actionOfLanguage("cp-exec-interrupt"), "exec-interrupt");
  assert.equal(actionOfLanguage("bash"), null);
  const md = t("`one`{{exec}}\n```\ntwo\nthree\n```{{exec interrupt}}\n`skip`{{copy}}").markdown;
  assert.deepEqual(execCommands(md), ["one", "two\nthree"]);
});

test("images and raw HTML, which the player does not show, are reported; code spans are not", () => {
  const r = t("![diagram](./assets/x.png)\n<details><summary>More</summary>\nuse `<name>` here\n`a`{{exec}}");
  assert.deepEqual(r.notes.map((n) => n.line), [1, 2]);
  assert.match(r.notes[0].message, /images are not shown/);
  assert.match(r.notes[1].message, /raw HTML/);
});
