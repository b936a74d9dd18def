// The terminal on the page: xterm.js with fit, links, copy/paste and the prompt marker.
// Knows nothing about sockets or sandboxes: it takes bytes in and hands keystrokes and
// sizes out, so the connection and the sandbox lifecycle can change without touching it.
import type { Terminal } from "@xterm/xterm";
import type { FitAddon } from "@xterm/addon-fit";
import { PROMPT_OSC } from "../../lib/protocol";

const DARK_THEME = {
  background: "#14161b",
  foreground: "#e6e6e6",
  cursor: "#f0c674",
  selectionBackground: "#3d4a66",
};

export interface TerminalViewHandlers {
  /** Keystrokes and pastes the learner typed. */
  onInput(data: string): void;
  /** The terminal changed size (window resize, panel drag). */
  onResize(size: { cols: number; rows: number }): void;
  /** The shell printed the playground's prompt marker: a command just finished. */
  onPrompt(): void;
}

export class TerminalView {
  private term: Terminal | null = null;
  private fit: FitAddon | null = null;
  private resizeObserver: ResizeObserver | null = null;
  private disposed = false;

  constructor(
    private readonly host: HTMLElement,
    private readonly handlers: TerminalViewHandlers,
  ) {}

  /** Loads xterm.js (kept out of the first page load) and draws the terminal. False if disposed meanwhile. */
  async open(): Promise<boolean> {
    const [{ Terminal }, { FitAddon }, { WebLinksAddon }] = await Promise.all([
      import("@xterm/xterm"),
      import("@xterm/addon-fit"),
      import("@xterm/addon-web-links"),
    ]);
    if (this.disposed) return false;
    const term = new Terminal({
      cursorBlink: true,
      fontFamily: '"DejaVu Sans Mono", "Cascadia Mono", Menlo, Consolas, monospace',
      fontSize: 14,
      scrollback: 5000,
      theme: DARK_THEME,
      allowProposedApi: false,
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.loadAddon(new WebLinksAddon());
    term.open(this.host);
    fit.fit();
    this.term = term;
    this.fit = fit;
    this.installClipboard(term);
    // Browser tests read the screen through this handle.
    (window as unknown as { playground?: unknown }).playground = { term };

    term.onData((data) => this.handlers.onInput(data));
    // The sandbox's bash prints a private OSC before each prompt.
    term.parser.registerOscHandler(PROMPT_OSC, () => {
      this.handlers.onPrompt();
      return true;
    });
    term.onResize((size) => this.handlers.onResize(size));
    this.resizeObserver = new ResizeObserver(() => fit.fit());
    this.resizeObserver.observe(this.host);
    return true;
  }

  /** Writes shell output; `parsed` runs once xterm has parsed it (the flow-control ack). */
  write(bytes: Uint8Array, parsed: () => void): void {
    this.term?.write(bytes, parsed);
  }

  /** A dimmed line between shells, so the learner sees where one ended. */
  writeNote(text: string): void {
    this.term?.write(`\r\n\x1b[2m── ${text} ──\x1b[0m\r\n`);
  }

  /** The terminal's size after fitting, never below what a shell can use (a hidden page can measure 0). */
  measure(): { cols: number; rows: number } {
    this.fit?.fit();
    return { cols: Math.max(this.term?.cols ?? 0, 20), rows: Math.max(this.term?.rows ?? 0, 5) };
  }

  /** Clears screen and scrollback (a new sandbox, or a screen snapshot that redraws everything). */
  clear(): void {
    this.term?.reset();
  }

  setInputEnabled(enabled: boolean): void {
    if (this.term) this.term.options.disableStdin = !enabled;
  }

  focus(): void {
    this.term?.focus();
  }

  dispose(): void {
    this.disposed = true;
    this.resizeObserver?.disconnect();
    this.term?.dispose();
    this.term = null;
  }

  /** Ctrl+Shift+C copies, Ctrl+Shift+V pastes (browser paste event), right-click copies or pastes. */
  private installClipboard(term: Terminal): void {
    term.attachCustomKeyEventHandler((e) => {
      if (e.type !== "keydown" || !e.ctrlKey || !e.shiftKey) return true;
      if (e.code === "KeyC") {
        if (term.hasSelection()) void copyText(term.getSelection());
        e.preventDefault();
        return false;
      }
      if (e.code === "KeyV") return false; // let the browser fire a paste event that xterm handles
      return true;
    });
    this.host.addEventListener("contextmenu", (e) => {
      e.preventDefault();
      if (term.hasSelection()) {
        void copyText(term.getSelection());
        term.clearSelection();
      } else if (navigator.clipboard?.readText) {
        navigator.clipboard.readText().then((text) => text && term.paste(text), () => undefined);
      }
    });
  }
}

async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Clipboard API needs a secure context; fall back to a hidden textarea.
    const ta = document.createElement("textarea");
    ta.value = text;
    ta.style.position = "fixed";
    ta.style.opacity = "0";
    document.body.appendChild(ta);
    ta.select();
    document.execCommand("copy");
    ta.remove();
  }
}
