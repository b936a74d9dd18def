"use client";
// Lesson text: Markdown (GitHub flavour, no raw HTML) with code blocks that can be copied,
// and `bash` blocks that can also be run in the learner's terminal with one click (not in a
// challenge: there the learner types). Diagrams arrive inlined as SVG data: URLs
// (server/lessons/diagrams.ts) and are shown as images with their alt text.
import { useState } from "react";
import ReactMarkdown, { defaultUrlTransform } from "react-markdown";
import remarkGfm from "remark-gfm";
import { KEYS_DIRECTIVE, lineToRun } from "../../server/lessons/marks";
import { actionInput, actionOfLanguage, parseActionHref, type ActionKind } from "../../server/lessons/scenarios/actions";
import styles from "./lesson-extras.module.css";

const SVG_DATA_URL = "data:image/svg+xml;base64,";

/** Sends raw bytes to the learner's terminal (Ctrl-C before an imported scenario's {{exec interrupt}}). */
export type SendInput = (bytes: string) => boolean;

/**
 * `[text](preview:8080)` links open port 8080 of the learner's sandbox through the
 * playground's preview route (only its owner gets through).
 */
export function Markdown({
  text,
  onRun,
  sandboxName,
  runnable = true,
  onInput,
}: {
  text: string;
  onRun?: (command: string) => boolean;
  onInput?: SendInput;
  sandboxName?: string;
  /** false: code blocks get Copy only (a challenge step, its solution). */
  runnable?: boolean;
}) {
  return (
    <div className="markdown">
      <ReactMarkdown
        remarkPlugins={[remarkGfm]}
        urlTransform={(url, key) => {
          if (url.startsWith("preview:")) return url;
          // Actions of imported scenarios (server/lessons/scenarios/actions.ts), only as links.
          if (parseActionHref(url)) return key === "href" ? url : "";
          // Only lesson diagrams, inlined by the server, may be data: URLs, and only as images.
          if (url.startsWith(SVG_DATA_URL)) return key === "src" ? url : "";
          return defaultUrlTransform(url);
        }}
        components={{
          pre: ({ children }) => {
            const code = Array.isArray(children) ? children[0] : children;
            const props = (code as { props?: { className?: string; children?: unknown } })?.props ?? {};
            const language = /language-(\w+)/.exec(props.className ?? "")?.[1];
            const source = String(props.children ?? "").replace(/\n$/, "");
            const action = actionOfLanguage(/language-(cp-[\w-]+)/.exec(props.className ?? "")?.[1]);
            if (action) return <ActionBlock kind={action} source={source} onRun={runnable ? onRun : undefined} onInput={runnable ? onInput : undefined} />;
            return <CodeBlock source={source} runnable={runnable && (language === "bash" || language === "sh") && !!onRun} onRun={onRun} />;
          },
          img: ({ src, alt }) => {
            if (typeof src !== "string" || !src.startsWith(SVG_DATA_URL)) return null;
            return (
              <span className={styles.diagram}>
                {/* eslint-disable-next-line @next/next/no-img-element -- an inlined SVG diagram: nothing for next/image to optimise */}
                <img src={src} alt={alt ?? ""} loading="lazy" decoding="async" />
              </span>
            );
          },
          a: ({ href, children }) => {
            const action = parseActionHref(href ?? "");
            if (action) return <ActionButton kind={action.kind} text={action.text} label={children} onRun={runnable ? onRun : undefined} onInput={runnable ? onInput : undefined} />;
            const port = /^preview:(\d{1,5})(\/.*)?$/.exec(href ?? "");
            if (!port) return <a href={href}>{children}</a>;
            if (!sandboxName) return <span title="Start your sandbox to open this page">{children}</span>;
            return (
              <a href={`/preview/${sandboxName}/${port[1]}${port[2] ?? "/"}`} target="_blank" rel="noopener">
                {children} (opens in a new tab)
              </a>
            );
          },
          table: ({ children }) => (
            <div className="table-scroll">
              <table>{children}</table>
            </div>
          ),
        }}
      >
        {text}
      </ReactMarkdown>
    </div>
  );
}

/** A short note beside a button ("Copied", "Sent to the terminal") that clears itself. */
function useSaid(): [string, (text: string, ms?: number) => void] {
  const [said, setSaid] = useState("");
  const say = (text: string, ms = 2000) => {
    setSaid(text);
    setTimeout(() => setSaid(""), ms);
  };
  return [said, say];
}

/** A code block with its buttons underneath and what the last press did (lessons' and scenarios' alike). */
function CodeFrame({ source, action, said, children }: { source: string; action?: ActionKind; said: string; children: React.ReactNode }) {
  return (
    <div className="code-block" data-action={action}>
      <pre>
        <code>{source}</code>
      </pre>
      <div className="code-actions">
        {children}
        <span className="code-said" aria-live="polite">
          {said}
        </span>
      </div>
    </div>
  );
}

function CodeBlock({ source, runnable, onRun }: { source: string; runnable: boolean; onRun?: (command: string) => boolean }) {
  const [said, say] = useSaid();
  const lines = source.split("\n");
  const keys = lines.map((l) => KEYS_DIRECTIVE.exec(l)?.[1]).filter((k): k is string => !!k);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(source);
      say("Copied");
    } catch {
      say("Select the text to copy it");
    }
  };
  const run = () => {
    // Several lines run one after the other, as if typed.
    const ok = lines
      .map(lineToRun)
      .filter((l): l is string => l !== null && !!l.trim())
      .every((line) => onRun?.(line));
    say(ok ? (keys.length ? `Sent to the terminal; now press ${keys.join(", then ")} yourself` : "Sent to the terminal") : "The terminal is not ready yet", keys.length ? 6000 : 2000);
  };
  return (
    <CodeFrame source={source} said={said}>
      {runnable && (
        <button type="button" className="button small" onClick={run} aria-label={`Run in the terminal: ${source}`}>
          Run
        </button>
      )}
      <button type="button" className="button small" onClick={() => void copy()} aria-label={`Copy: ${source}`}>
        Copy
      </button>
    </CodeFrame>
  );
}

/**
 * Does what an imported scenario's action asks: types the lines (with Enter, or without for
 * Katacoda's no-newline), after Ctrl-C for an interrupt; a copy action copies. Returns what to
 * tell the learner.
 */
async function perform(kind: ActionKind, text: string, onRun?: (command: string) => boolean, onInput?: SendInput): Promise<string> {
  const input = actionInput(kind, text);
  if (!input) {
    try {
      await navigator.clipboard.writeText(text);
      return "Copied";
    } catch {
      return "Select the text to copy it";
    }
  }
  if (!onRun || !onInput) return "Start your sandbox first";
  if (input.before && !onInput(input.before)) return "The terminal is not ready yet";
  const ok = input.lines.every((line) => (input.enter ? onRun(line) : onInput(line)));
  return ok ? (kind === "exec-interrupt" ? "Stopped what ran, then sent to the terminal" : "Sent to the terminal") : "The terminal is not ready yet";
}

const ACTION_LABEL: Record<ActionKind, string> = {
  exec: "Run",
  "exec-interrupt": "Stop and run",
  copy: "Copy",
  type: "Type",
  keys: "Press",
  open: "Show",
};

function ActionBlock({ kind, source, onRun, onInput }: { kind: ActionKind; source: string; onRun?: (command: string) => boolean; onInput?: SendInput }) {
  const [said, say] = useSaid();
  const act = async (k: ActionKind) => say(await perform(k, source, onRun, onInput));
  return (
    <CodeFrame source={source} action={kind} said={said}>
      {kind !== "copy" && onRun && (
        <button type="button" className="button small" onClick={() => void act(kind)} aria-label={`${ACTION_LABEL[kind]} in the terminal: ${source}`}>
          {ACTION_LABEL[kind]}
        </button>
      )}
      <button type="button" className="button small" onClick={() => void act("copy")} aria-label={`Copy: ${source}`}>
        Copy
      </button>
    </CodeFrame>
  );
}

function ActionButton({ kind, text, label, onRun, onInput }: { kind: ActionKind; text: string; label: React.ReactNode; onRun?: (command: string) => boolean; onInput?: SendInput }) {
  const [said, say] = useSaid();
  const runs = kind !== "copy" && !!onRun;
  const act = async () => say(await perform(runs ? kind : "copy", text, onRun, onInput));
  return (
    <span className="inline-action" data-action={kind}>
      <button type="button" className="button small inline" onClick={() => void act()} aria-label={`${runs ? ACTION_LABEL[kind] : "Copy"}: ${text}`} title={runs ? `${ACTION_LABEL[kind]} in the terminal` : "Copy"}>
        {label}
      </button>
      <span className="code-said" aria-live="polite">
        {said}
      </span>
    </span>
  );
}
