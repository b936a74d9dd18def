// A server-side copy of a terminal's screen (@xterm/headless + serialize addon), so a client
// that reconnects gets the screen back exactly as it was.
import { SerializeAddon } from "@xterm/addon-serialize";
import { Terminal } from "@xterm/headless";

export const MIRROR_SCROLLBACK = 1000;

export class ScreenMirror {
  private readonly term: Terminal;
  private readonly serializer = new SerializeAddon();

  constructor(cols: number, rows: number) {
    this.term = new Terminal({ cols, rows, scrollback: MIRROR_SCROLLBACK, allowProposedApi: true });
    // The addon is typed against @xterm/xterm; the headless Terminal implements the same API.
    this.term.loadAddon(this.serializer as unknown as Parameters<Terminal["loadAddon"]>[0]);
  }

  write(data: Buffer): void {
    this.term.write(data);
  }

  resize(cols: number, rows: number): void {
    this.term.resize(cols, rows);
  }

  /**
   * Serializes the screen once every byte written so far has been parsed. Bytes written
   * after this call are not in the snapshot (headless parsing is queued in order).
   */
  snapshot(): Promise<string> {
    return new Promise((resolve) => this.term.write("", () => resolve(this.serializer.serialize({ scrollback: MIRROR_SCROLLBACK }))));
  }

  dispose(): void {
    this.serializer.dispose();
    this.term.dispose();
  }
}
