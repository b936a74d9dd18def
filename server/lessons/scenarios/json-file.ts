// Reads a scenario's index.json and says where things are in it: a malformed file is reported
// with the line of the JSON error, and a field's problem with the line the field is on, since
// JSON.parse keeps no positions.
import fs from "node:fs";

export type JsonRead = { ok: true; value: unknown; text: string } | { ok: false; line: number; message: string };

/** Line (1-based) of a character offset. */
export function lineAt(text: string, offset: number): number {
  return text.slice(0, Math.max(0, offset)).split("\n").length;
}

/** The line of a JSON syntax error, from the position or line V8 names in its message. */
export function jsonErrorLine(text: string, message: string): number {
  const lineCol = /line (\d+) column \d+/.exec(message);
  if (lineCol) return Number(lineCol[1]);
  const position = /position (\d+)/.exec(message);
  if (position) return lineAt(text, Number(position[1]));
  if (/end of (JSON|data) input/i.test(message)) return text.replace(/\s+$/, "").split("\n").length;
  return 1;
}

export function readJson(file: string): JsonRead {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    return { ok: false, line: 0, message: `cannot read: ${(err as Error).message}` };
  }
  try {
    return { ok: true, value: JSON.parse(text.replace(/^\uFEFF/, "")) as unknown, text };
  } catch (err) {
    const message = (err as Error).message;
    return { ok: false, line: jsonErrorLine(text, message), message: `index.json is not valid JSON: ${message}` };
  }
}

/**
 * The line where a string value (a file name) or a key first appears, else `fallback`: good
 * enough to point an author at the field, because scenario files name each file once.
 */
export function lineOfString(text: string, value: string, fallback = 1): number {
  const at = text.indexOf(JSON.stringify(value));
  return at >= 0 ? lineAt(text, at) : fallback;
}
