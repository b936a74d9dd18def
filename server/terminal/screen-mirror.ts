// A server-side copy of a terminal's screen (@xterm/headless + serialize addon), so a client
// that reconnects (or an instructor who starts watching) gets the screen back as it was.
//
// Parsing every byte is what costs: during a flood (`yes`, `cat big.log`, `base64`) it took a
// third of the gateway's throughput and delayed Ctrl-C. So output is parsed when the shell
// pauses (or at least twice a second), and while output keeps coming faster than that, only
// the newest MAX_PENDING bytes are kept: they hold far more than the screen and scrollback
// can show. A cut is preceded by CAN, which ends any escape sequence it split.
import { SerializeAddon } from "@xterm/addon-serialize";
import { Terminal } from "@xterm/headless";

export const MIRROR_SCROLLBACK = 1000;
/** Unparsed output kept at most; older output is dropped during a flood. */
export const MAX_PENDING = 1024 * 1024;
/** Parse once the shell has been quiet this long… */
const QUIET_MS = 25;
/** …or once output has waited this long, even if the shell keeps printing. */
const MAX_DELAY_MS = 500;
const CANCEL = Buffer.from("\x18");

export class ScreenMirror {
  private readonly term: Terminal;
  private readonly serializer = new SerializeAddon();
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private cut = false;
  private quietTimer: NodeJS.Timeout | null = null;
  private lastWrite = 0;
  private deadlineTimer: NodeJS.Timeout | null = null;
  private disposed = false;

  constructor(cols: number, rows: number) {
    this.term = new Terminal({ cols, rows, scrollback: MIRROR_SCROLLBACK, allowProposedApi: true });
    // The addon is typed against @xterm/xterm; the headless Terminal implements the same API.
    this.term.loadAddon(this.serializer as unknown as Parameters<Terminal["loadAddon"]>[0]);
  }

  /** Bytes waiting to be parsed (bounded by MAX_PENDING). */
  get backlog(): number {
    return this.pendingBytes;
  }

  write(data: Buffer): void {
    if (this.disposed) return;
    this.pending.push(data);
    this.pendingBytes += data.length;
    if (this.pendingBytes > MAX_PENDING) this.dropOldest();
    // One timer per burst, not one per write: it re-arms itself until the shell is quiet.
    this.lastWrite = performance.now();
    this.quietTimer ??= setTimeout(() => this.whenQuiet(), QUIET_MS);
    this.deadlineTimer ??= setTimeout(() => this.parsePending(), MAX_DELAY_MS);
  }

  private whenQuiet(): void {
    const quietFor = performance.now() - this.lastWrite;
    if (quietFor >= QUIET_MS) return this.parsePending();
    this.quietTimer = setTimeout(() => this.whenQuiet(), QUIET_MS - quietFor);
  }

  /** Keeps the newest half of MAX_PENDING: the screen after a flood is made of its end. */
  private dropOldest(): void {
    let excess = this.pendingBytes - MAX_PENDING / 2;
    while (excess > 0 && this.pending.length > 0) {
      const first = this.pending[0];
      if (first.length <= excess) {
        this.pending.shift();
        excess -= first.length;
        this.pendingBytes -= first.length;
      } else {
        this.pending[0] = first.subarray(excess);
        this.pendingBytes -= excess;
        excess = 0;
      }
    }
    this.cut = true;
  }

  private parsePending(): void {
    if (this.quietTimer) clearTimeout(this.quietTimer);
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.quietTimer = this.deadlineTimer = null;
    if (this.disposed || this.pendingBytes === 0) return;
    const chunks = this.cut ? [CANCEL, ...this.pending] : this.pending;
    this.term.write(Buffer.concat(chunks));
    this.pending = [];
    this.pendingBytes = 0;
    this.cut = false;
  }

  resize(cols: number, rows: number): void {
    this.parsePending(); // output so far was laid out at the old size
    this.term.resize(cols, rows);
  }

  /**
   * Serializes the screen once every byte written so far has been parsed. Bytes written
   * after this call are not in the snapshot (headless parsing is queued in order).
   */
  snapshot(): Promise<string> {
    this.parsePending();
    return new Promise((resolve) => this.term.write("", () => resolve(this.serializer.serialize({ scrollback: MIRROR_SCROLLBACK }))));
  }

  dispose(): void {
    this.disposed = true;
    if (this.quietTimer) clearTimeout(this.quietTimer);
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.pending = [];
    this.serializer.dispose();
    this.term.dispose();
  }
}
