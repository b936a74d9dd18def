// Turns a shell's output chunks into frames: within a tick when the shell was quiet (an echo
// is never delayed), or every couple of milliseconds while it streams, so `seq` sends few large
// frames, not many tiny ones (each frame costs a socket.io packet, an ack and a pass through
// the screen mirror). Measured in bench/ (see bench/README.md).

const MAX_BATCH = 64 * 1024;
/** Output less than this long after a frame of at least STREAM_FRAME bytes means a stream (seq, logs, a build)… */
const STREAMING_GAP_MS = 10;
const STREAM_FRAME = 2048;
/** …which is coalesced this long into fewer, larger frames. A lone keystroke's echo never waits. */
const COALESCE_MS = 2;

export class OutputCoalescer {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private scheduled = false;
  private timer: NodeJS.Timeout | null = null;
  private lastFlushAt = 0;
  private lastFlushBytes = 0;

  constructor(private readonly emit: (frame: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= MAX_BATCH) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      // Echoes are tiny frames, however fast the typing: only big frames in a row count as a stream.
      const streaming = this.lastFlushBytes >= STREAM_FRAME && performance.now() - this.lastFlushAt < STREAMING_GAP_MS;
      if (streaming) this.timer = setTimeout(() => this.flush(), COALESCE_MS);
      else setImmediate(() => this.flush());
    }
  }

  /** Sends what is pending now as one frame (nothing when nothing is). */
  flush(): void {
    this.scheduled = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pendingBytes === 0) return;
    this.lastFlushAt = performance.now();
    this.lastFlushBytes = this.pendingBytes;
    const frame = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.emit(frame);
  }
}
