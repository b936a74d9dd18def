"use client";
// Lesson text: Markdown (GitHub flavour, no raw HTML) with code blocks that can be copied,
// and `bash` blocks that can also be run in the learner's terminal with one click.
import { useState } from "react";
import ReactMarkdown, { defaultUrlTransform } from "react-markdown";
import remarkGfm from "remark-gfm";

/**
 * `[text](preview:8080)` links open port 8080 of the learner's sandbox through the
 * playground's preview route (only its owner gets through).
 */
export function Markdown({ text, onRun, sandboxName }: { text: string; onRun?: (command: string) => boolean; sandboxName?: string }) {
  return (
    <div className="markdown">
      <ReactMarkdown
        remarkPlugins={[remarkGfm]}
        urlTransform={(url) => (url.startsWith("preview:") ? url : defaultUrlTransform(url))}
        components={{
          pre: ({ children }) => {
            const code = Array.isArray(children) ? children[0] : children;
            const props = (code as { props?: { className?: string; children?: unknown } })?.props ?? {};
            const language = /language-(\w+)/.exec(props.className ?? "")?.[1];
            const source = String(props.children ?? "").replace(/\n$/, "");
            return <CodeBlock source={source} runnable={(language === "bash" || language === "sh") && !!onRun} onRun={onRun} />;
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
    const ok = source.split("\n").filter((l) => l.trim()).every((line) => onRun?.(line));
    setSaid(ok ? "Sent to the terminal" : "The terminal is not ready yet");
    setTimeout(() => setSaid(""), 2000);
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
