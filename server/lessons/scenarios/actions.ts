// Killercoda's and Katacoda's Markdown actions, rewritten into Markdown our lesson player
// understands (docs/lessons.md, "Killercoda and Katacoda scenarios"). Pure: the parser rewrites
// a scenario's text once when the course loads, and the player (app/lessons/Markdown.tsx)
// imports the action names and href codec from here, so both sides agree on one encoding.
//
// - A fenced block closed by "```{{exec}}" becomes a block whose info string is "cp-exec"
//   (and so on for each kind); an inline "`cmd`{{exec}}" becomes a link "[`cmd`](cp-exec:cmd)"
//   that the player renders as a button. Fences without an action are shown, not run (the
//   platforms show them as plain text), so their info string becomes "text".
// - Traffic links become our preview links, "preview:PORT/path" (the player turns them into
//   /preview/<sandbox>/<port>/ for the learner's own sandbox); inside code they become
//   http://localhost:PORT, which is what the same port is from the learner's shell.

/** What a click does. */
export type ActionKind = "exec" | "exec-interrupt" | "copy" | "type" | "keys" | "open";
export const ACTION_KINDS: readonly ActionKind[] = ["exec", "exec-interrupt", "copy", "type", "keys", "open"];

/** Code block info string / link scheme prefix that carries an action. */
export const ACTION_PREFIX = "cp-";

export interface ActionNote {
  /** 1-based line in the text that was transformed. */
  line: number;
  message: string;
}

export interface TransformResult {
  markdown: string;
  /** Unsupported or approximated features, for the linter (the text still loads). */
  notes: ActionNote[];
}

const MARKER = /\{\{\s*(exec|execute|copy|open)((?:\s+[\w-]+)*)\s*\}\}/;
const FENCE_OPEN = /^(\s*)(`{3,}|~{3,})(.*)$/;

/** The action a marker like "{{exec interrupt}}" or "{{execute T2}}" asks for, with notes on what we approximate. */
export function actionOf(verb: string, options: string): { kind: ActionKind; notes: string[] } {
  const notes: string[] = [];
  const opts = options.trim().split(/\s+/).filter(Boolean);
  if (verb === "copy") return { kind: "copy", notes: opts.length ? [`{{copy ${opts.join(" ")}}}: options are ignored`] : [] };
  if (verb === "open") return { kind: "open", notes: ["{{open}}: there is no editor here; the button shows the file in the terminal (cat)"] };
  let kind: ActionKind = "exec";
  for (const o of opts) {
    const terminal = /^(?:T|HOST)(\d+)$/i.exec(o);
    if (terminal) {
      if (terminal[1] !== "1") notes.push(`{{${verb} ${o}}}: there is one terminal and one machine; it runs in the learner's terminal`);
    } else if (o === "interrupt") kind = "exec-interrupt";
    else if (o === "no-newline") kind = "type";
    else if (o === "ctrl-seq") kind = "keys";
    else notes.push(`{{${verb} ${o}}}: unknown option "${o}" is ignored`);
  }
  return { kind, notes };
}

/** Link destination for an inline action: cp-exec:<percent-encoded text>. */
export function actionHref(kind: ActionKind, text: string): string {
  return `${ACTION_PREFIX}${kind}:${encodeURIComponent(text).replace(/[()'!*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/** The action and text of a link the transform made, or null for any other href. */
export function parseActionHref(href: string): { kind: ActionKind; text: string } | null {
  const m = /^cp-([a-z-]+):(.*)$/s.exec(href);
  if (!m || !(ACTION_KINDS as readonly string[]).includes(m[1])) return null;
  try {
    return { kind: m[1] as ActionKind, text: decodeURIComponent(m[2]) };
  } catch {
    return null;
  }
}

/** The action of a code block's language ("cp-exec-interrupt"), or null. */
export function actionOfLanguage(language: string | undefined): ActionKind | null {
  if (!language?.startsWith(ACTION_PREFIX)) return null;
  const kind = language.slice(ACTION_PREFIX.length);
  return (ACTION_KINDS as readonly string[]).includes(kind) ? (kind as ActionKind) : null;
}

/**
 * What the player sends to the terminal for an action: bytes typed before the text
 * (Ctrl-C for an interrupt), the lines to type, and whether each ends with Enter.
 */
export function actionInput(kind: ActionKind, text: string): { before: string; lines: string[]; enter: boolean } | null {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  switch (kind) {
    case "exec":
      return { before: "", lines, enter: true };
    case "exec-interrupt":
      return { before: "\x03", lines, enter: true };
    case "type":
      return { before: "", lines: [text.replace(/\n+$/, "")], enter: false };
    case "keys": {
      // Katacoda's ctrl-seq: "^C" is Ctrl-C, "^ESC" is Escape.
      const key = text.trim();
      if (/^\^ESC$/i.test(key)) return { before: "\x1b", lines: [], enter: false };
      const ctrl = /^\^([A-Z@[\\\]^_])$/i.exec(key);
      return ctrl ? { before: String.fromCharCode(ctrl[1].toUpperCase().charCodeAt(0) - 64), lines: [], enter: false } : null;
    }
    case "open":
      return { before: "", lines: [`cat -- '${text.trim().replace(/'/g, "'\\''")}'`], enter: true };
    case "copy":
      return null;
  }
}

const KILLERCODA_TRAFFIC = /\{\{TRAFFIC_HOST(\d+)_(\d{1,5})\}\}(\/[^\s)\]"'`<>]*)?/g;
const KATACODA_TRAFFIC = /https?:\/\/\[\[HOST(\d*)_SUBDOMAIN\]\]-(\d{1,5})-\[\[KATACODA_HOST\]\]\.environments\.katacoda\.com(\/[^\s)\]"'`<>]*)?/g;

function validPort(port: string): boolean {
  const n = Number(port);
  return n >= 1 && n <= 65535;
}

/** Traffic links in prose: a link's destination becomes preview:PORT/path, a bare one a link of its own. */
function trafficInProse(line: string, note: (m: string) => void): string {
  const replace = (whole: string, host: string, port: string, rest: string | undefined, offset: number, all: string) => {
    if (host && host !== "1") note(`traffic link to host ${host}: there is one machine; it opens the learner's own sandbox`);
    if (!validPort(port)) {
      note(`traffic link to port ${port}: not a TCP port`);
      return whole;
    }
    const target = `preview:${port}${rest ?? ""}`;
    const inDestination = all.slice(Math.max(0, offset - 2), offset) === "](" || all.slice(Math.max(0, offset - 1), offset) === "<";
    return inDestination ? target : `[port ${port} of your sandbox](${target})`;
  };
  return line.replace(KILLERCODA_TRAFFIC, replace).replace(KATACODA_TRAFFIC, replace);
}

/** Traffic links inside code: the same port as the learner's shell reaches it. */
function trafficInCode(line: string): string {
  const local = (_w: string, _h: string, port: string, rest: string | undefined) => `http://localhost:${port}${rest ?? ""}`;
  return line.replace(KILLERCODA_TRAFFIC, local).replace(KATACODA_TRAFFIC, local);
}

/** Placeholders we cannot fill, reported once per line. */
function leftoverPlaceholders(line: string, note: (m: string) => void): string {
  if (/\{\{TRAFFIC_SELECTOR\}\}/.test(line)) {
    note("{{TRAFFIC_SELECTOR}} (a page to choose a port) is not supported: link each port with {{TRAFFIC_HOST1_<port>}}");
    line = line.replace(/\{\{TRAFFIC_SELECTOR\}\}/g, "(a port of your sandbox)");
  }
  const kata = /\[\[(HOST\d*_SUBDOMAIN|KATACODA_HOST|HOST\d*_IP)\]\]/.exec(line);
  if (kata) note(`[[${kata[1]}]] is not supported (only traffic links of the form https://[[HOST_SUBDOMAIN]]-PORT-[[KATACODA_HOST]].environments.katacoda.com)`);
  return line;
}

/** Images and raw HTML: the player shows neither (only our own inlined SVG diagrams, no HTML). */
function unshownMarkup(line: string, note: (m: string) => void): void {
  const prose = line.replace(/(`+)[^`]*?\1/g, "");
  if (/!\[[^\]]*\]\([^)]*\)/.test(prose)) note("images are not shown (not supported yet): describe what the image shows in words");
  if (/<\/?[a-zA-Z][\w-]*(\s[^>]*)?\/?>/.test(prose)) note("raw HTML is not shown (not supported yet): the player renders Markdown only");
}

/** Rewrites a scenario's step text (either format; Killercoda accepts Katacoda's markers too). */
export function transformScenarioMarkdown(text: string): TransformResult {
  const notes: ActionNote[] = [];
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  const out: string[] = [];
  let fence: { index: number; marker: string; indent: string; line: number } | null = null;
  lines.forEach((line, i) => {
    const note = (message: string) => notes.push({ line: i + 1, message });
    if (fence) {
      const close = new RegExp(`^\\s*${fence.marker[0] === "`" ? "`" : "~"}{${fence.marker.length},}\\s*(.*)$`).exec(line);
      if (close && (close[1] === "" || MARKER.test(close[1]))) {
        const marker = MARKER.exec(close[1]);
        let info = "text";
        if (marker) {
          const { kind, notes: n } = actionOf(marker[1], marker[2]);
          n.forEach(note);
          info = `${ACTION_PREFIX}${kind}`;
          const rest = close[1].slice(marker.index + marker[0].length).trim();
          if (rest) note(`text after ${marker[0]} on the closing fence is dropped: "${rest}"`);
        }
        out[fence.index] = `${fence.indent}${fence.marker}${info}`;
        out.push(`${fence.indent}${fence.marker}`);
        fence = null;
        return;
      }
      out.push(trafficInCode(line));
      return;
    }
    const open = FENCE_OPEN.exec(line);
    if (open && !(open[2][0] === "`" && open[3].includes("`"))) {
      fence = { index: out.length, marker: open[2], indent: open[1], line: i + 1 };
      out.push(line);
      return;
    }
    // Inline actions: `cmd`{{exec}} becomes [`cmd`](cp-exec:cmd).
    let rewritten = line.replace(/(`+)([^`\n]+?)\1\{\{\s*(exec|execute|copy|open)((?:\s+[\w-]+)*)\s*\}\}/g, (_w, ticks: string, code: string, verb: string, options: string) => {
      const { kind, notes: n } = actionOf(verb, options);
      n.forEach(note);
      return `[${ticks}${code}${ticks}](${actionHref(kind, code.trim())})`;
    });
    if (MARKER.test(rewritten.replace(/\]\(cp-[^)]*\)/g, ""))) note(`an action marker (${MARKER.exec(rewritten)![0]}) that follows no code is shown as text`);
    rewritten = leftoverPlaceholders(trafficInProse(rewritten, note), note);
    unshownMarkup(rewritten, note);
    out.push(rewritten);
  });
  if (fence) notes.push({ line: (fence as { line: number }).line, message: "a code block is not closed (``` without its end)" });
  return { markdown: out.join("\n"), notes };
}

/**
 * The commands a step's text runs with its exec actions, in order, as a script (for tests,
 * and to show what a step's buttons type). Copy and open actions are not included.
 */
export function execCommands(markdown: string): string[] {
  const commands: string[] = [];
  const re = /^(\s*)(`{3,}|~{3,})cp-(exec|exec-interrupt)\s*\n([\s\S]*?)\n\s*\2\s*$|\]\(cp-(exec|exec-interrupt):([^)]*)\)/gm;
  for (const m of markdown.matchAll(re)) {
    if (m[4] !== undefined) commands.push(m[4]);
    else if (m[6] !== undefined) commands.push(decodeURIComponent(m[6]));
  }
  return commands;
}
