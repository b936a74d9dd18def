"use client";
// Lesson text: Markdown (GitHub flavour, no raw HTML) with code blocks that can be copied,
// and `bash` blocks that can also be run in the learner's terminal with one click (not in a
// challenge: there the learner types). Diagrams arrive inlined as SVG data: URLs
// (server/lessons/diagrams.ts) and are shown as images with their alt text.
import { useState } from "react";
import ReactMarkdown, { defaultUrlTransform } from "react-markdown";
import remarkGfm from "remark-gfm";
import { KEYS_DIRECTIVE, lineToRun } from "../../server/lessons/marks";
import styles from "./lesson-extras.module.css";

const SVG_DATA_URL = "data:image/svg+xml;base64,";

/**
 * `[text](preview:8080)` links open port 8080 of the learner's sandbox through the
 * playground's preview route (only its owner gets through).
 */
export function Markdown({
  text,
  onRun,
  sandboxName,
  runnable = true,
}: {
  text: string;
  onRun?: (command: string) => boolean;
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

function CodeBlock({ source, runnable, onRun }: { source: string; runnable: boolean; onRun?: (command: string) => boolean }) {
  const [said, setSaid] = useState("");
  const lines = source.split("\n");
  const keys = lines.map((l) => KEYS_DIRECTIVE.exec(l)?.[1]).filter((k): k is string => !!k);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(source);
      setSaid("Copied");
    } catch {
      setSaid("Select the text to copy it");
    }
    setTimeout(() => setSaid(""), 2000);
  };
  const run = () => {
    // Several lines run one after the other, as if typed.
    const ok = lines
      .map(lineToRun)
      .filter((l): l is string => l !== null && !!l.trim())
      .every((line) => onRun?.(line));
    setSaid(ok ? (keys.length ? `Sent to the terminal; now press ${keys.join(", then ")} yourself` : "Sent to the terminal") : "The terminal is not ready yet");
    setTimeout(() => setSaid(""), keys.length ? 6000 : 2000);
  };
  return (
    <div className="code-block">
      <pre>
        <code>{source}</code>
      </pre>
      <div className="code-actions">
        {runnable && (
          <button type="button" className="button small" onClick={run} aria-label={`Run in the terminal: ${source}`}>
            Run
          </button>
        )}
        <button type="button" className="button small" onClick={() => void copy()} aria-label={`Copy: ${source}`}>
          Copy
        </button>
        <span className="code-said" aria-live="polite">
          {said}
        </span>
      </div>
    </div>
  );
}
