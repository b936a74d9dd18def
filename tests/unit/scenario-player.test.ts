// The lesson player's rendering of imported scenarios' actions (app/lessons/Markdown.tsx), as
// static HTML: Run / Stop and run / Copy buttons where the transform put them, no Run on
// plain blocks, action links kept (react-markdown drops unknown URL schemes otherwise), and
// traffic links pointing at the learner's own sandbox. Clicking is left to the browser tests.
import assert from "node:assert/strict";
import Module from "node:module";
import { test } from "node:test";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { transformScenarioMarkdown } from "../../server/lessons/scenarios/actions";

// Node cannot load the player's CSS module; its class names are all this test needs.
(Module as unknown as { _extensions: Record<string, (m: { exports: unknown }) => void> })._extensions[".css"] = (m) => {
  m.exports = new Proxy({}, { get: (_t, key) => String(key) });
};
// eslint-disable-next-line @typescript-eslint/no-require-imports -- after the CSS stub above
const { Markdown } = require("../../app/lessons/Markdown") as typeof import("../../app/lessons/Markdown");

const render = (scenarioText: string, props: { ready?: boolean; runnable?: boolean } = {}) =>
  renderToStaticMarkup(
    createElement(Markdown, {
      text: transformScenarioMarkdown(scenarioText).markdown,
      onRun: props.ready === false ? undefined : () => true,
      onInput: props.ready === false ? undefined : () => true,
      sandboxName: props.ready === false ? undefined : "sb-1",
      runnable: props.runnable ?? true,
    }),
  );

test("exec, exec interrupt and copy blocks get their buttons; plain blocks get Copy only", () => {
  const html = render("```\nls -l\n```{{exec}}\n\n```\ntouch x\n```{{exec interrupt}}\n\n```\nsecret\n```{{copy}}\n\n```bash\nplain\n```");
  assert.match(html, /data-action="exec".*?>Run<\/button>/s);
  assert.match(html, /data-action="exec-interrupt".*?>Stop and run<\/button>/s);
  const copyBlock = /<div class="code-block" data-action="copy">[\s\S]*?<\/div><\/div>/.exec(html)![0];
  assert.doesNotMatch(copyBlock, />Run<|Stop and run/);
  const plain = /<div class="code-block"><pre><code>plain[\s\S]*?<\/div><\/div>/.exec(html)![0];
  assert.doesNotMatch(plain, />Run</);
  assert.match(plain, />Copy</);
});

test("inline actions render as buttons that show the command; traffic links open the learner's sandbox", () => {
  const html = render("Try `docker ps`{{execute}} or {{TRAFFIC_HOST1_8080}} and [the page]({{TRAFFIC_HOST1_8080}}/a.html)");
  assert.match(html, /<button[^>]*aria-label="Run: docker ps"[^>]*><code>docker ps<\/code><\/button>/);
  assert.match(html, /<a href="\/preview\/sb-1\/8080\/"[^>]*>port 8080 of your sandbox \(opens in a new tab\)<\/a>/);
  assert.match(html, /<a href="\/preview\/sb-1\/8080\/a.html"/);
});

test("before the sandbox is ready, actions only copy and traffic links say to start it", () => {
  const html = render("`ls`{{exec}}\n\n```\nls\n```{{exec}}\n\n{{TRAFFIC_HOST1_80}}", { ready: false });
  assert.doesNotMatch(html, />Run</);
  assert.match(html, /aria-label="Copy: ls"/);
  assert.match(html, /title="Start your sandbox to open this page"/);
});
