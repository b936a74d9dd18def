// Reading asciicast v2 (the replay player in the browser, and tests). Free of Node APIs.

export interface CastFile {
  header: { version: number; width: number; height: number; timestamp?: number; title?: string };
  /** [seconds since start, code ("o" output, "i" input, "r" resize, "m" marker), data] */
  events: [number, string, string][];
}

/** Parses a cast file; throws with a plain reason when it is not asciicast v2. */
export function parseCast(text: string): CastFile {
  const lines = text.split("\n").filter((l) => l.trim());
  if (lines.length === 0) throw new Error("the recording is empty");
  const header = JSON.parse(lines[0]) as CastFile["header"];
  if (header.version !== 2) throw new Error(`not an asciicast v2 recording (version ${String(header.version)})`);
  const events: CastFile["events"] = [];
  for (const line of lines.slice(1)) {
    const e = JSON.parse(line) as unknown;
    if (Array.isArray(e) && typeof e[0] === "number" && typeof e[1] === "string" && typeof e[2] === "string") events.push([e[0], e[1], e[2]]);
  }
  return { header, events };
}

/** Everything printed up to `seconds`, and the terminal size at that moment (for seeking). */
export function screenAt(cast: CastFile, seconds: number): { output: string; cols: number; rows: number; index: number } {
  let cols = cast.header.width;
  let rows = cast.header.height;
  const out: string[] = [];
  let index = 0;
  for (; index < cast.events.length && cast.events[index][0] <= seconds; index++) {
    const [, code, data] = cast.events[index];
    if (code === "o") out.push(data);
    else if (code === "r") {
      const m = /^(\d+)x(\d+)$/.exec(data);
      if (m) {
        cols = Number(m[1]);
        rows = Number(m[2]);
      }
    }
  }
  return { output: out.join(""), cols, rows, index };
}

export function castDuration(cast: CastFile): number {
  return cast.events.length ? cast.events[cast.events.length - 1][0] : 0;
}
