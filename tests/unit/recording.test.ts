// The asciicast writer and reader, and the progress CSV: pure logic with a fake clock.
import assert from "node:assert/strict";
import { test } from "node:test";
import { castDuration, parseCast, screenAt } from "../../lib/asciicast";
import { CastWriter } from "../../server/recordings/cast-writer";
import { progressCsv, safeCell } from "../../server/workshops/progress-csv";

function record(opts: { maxBytes?: number; input?: boolean } = {}) {
  let t = 100;
  const lines: string[] = [];
  let summary: { bytes: number; truncated: boolean } | null = null;
  const w = new CastWriter((l) => lines.push(l), { width: 80, height: 24, timestamp: 1_700_000_000.7 }, { maxBytes: opts.maxBytes ?? 1e6, input: opts.input ?? false, now: () => t }, (s) => (summary = s));
  return { w, lines, tick: (s: number) => (t += s), text: () => lines.join(""), summary: () => summary };
}

test("writes a v2 header and timed output, input and resize events", () => {
  const r = record({ input: true });
  r.tick(0.5);
  r.w.output(Buffer.from("$ "));
  r.tick(1.25);
  r.w.input("ls\r");
  r.w.resize(100, 30);
  r.w.end();
  const cast = parseCast(r.text());
  assert.deepEqual(cast.header, { version: 2, width: 80, height: 24, timestamp: 1_700_000_000, env: { TERM: "xterm-256color", SHELL: "/bin/bash" } });
  assert.deepEqual(cast.events, [
    [0.5, "o", "$ "],
    [1.75, "i", "ls\r"],
    [1.75, "r", "100x30"],
  ]);
  assert.equal(r.summary()!.bytes, Buffer.byteLength(r.text()));
});

test("keystrokes are left out unless input recording is on", () => {
  const r = record();
  r.w.input("secret\r");
  r.w.output(Buffer.from("ok"));
  assert.deepEqual(parseCast(r.text()).events.map((e) => e[1]), ["o"]);
});

test("a UTF-8 character split across chunks is written whole", () => {
  const r = record();
  const bytes = Buffer.from("é✓", "utf8");
  r.w.output(bytes.subarray(0, 1));
  r.w.output(bytes.subarray(1, 3));
  r.w.output(bytes.subarray(3));
  r.w.end();
  assert.equal(parseCast(r.text()).events.map((e) => e[2]).join(""), "é✓");
});

test("stops at the size limit with a marker, and never exceeds it", () => {
  const r = record({ maxBytes: 2000 });
  for (let i = 0; i < 100; i++) r.w.output(Buffer.from(`line ${i} ${"x".repeat(40)}\r\n`));
  r.w.end();
  const size = Buffer.byteLength(r.text());
  assert.ok(size <= 2000, `${size} bytes`);
  assert.equal(r.summary()!.truncated, true);
  const events = parseCast(r.text()).events;
  assert.equal(events.at(-1)![1], "m");
  assert.match(events.at(-1)![2], /size limit/);
  assert.equal(events.filter((e) => e[1] === "m").length, 1, "one marker, nothing after it");
});

test("seeking replays output up to a moment, with the size in force then", () => {
  const cast = parseCast(
    [JSON.stringify({ version: 2, width: 80, height: 24 }), '[0.1,"o","a"]', '[1.0,"r","100x40"]', '[2.0,"o","b"]', '[3.5,"o","c"]'].join("\n"),
  );
  assert.deepEqual(screenAt(cast, 2.5), { output: "ab", cols: 100, rows: 40, index: 3 });
  assert.deepEqual(screenAt(cast, 0), { output: "", cols: 80, rows: 24, index: 0 });
  assert.equal(castDuration(cast), 3.5);
  assert.throws(() => parseCast('{"version":1}'), /not an asciicast v2/);
  assert.throws(() => parseCast(""), /empty/);
});

test("CSV cells that a spreadsheet would run as formulas are defused", () => {
  for (const bad of ["=1+1", "+1", "-1", "@SUM(A1)", "\tx"]) assert.equal(safeCell(bad), `'${bad}`);
  assert.equal(safeCell("Ada"), "Ada");
  const csv = progressCsv({
    title: "T",
    steps: [{ lessonId: "02-namespaces", lessonTitle: "Namespaces", stepId: "a", stepTitle: "First, \"quoted\"", index: 0 }],
    learners: [{ userId: "u", displayName: "=cmd|' /C calc'!A0", joinedAt: "2026-11-28T10:00:00.000Z", cells: [{ passedAt: null, attempts: 2 }] }],
  });
  assert.equal(csv, 'Learner,Joined,Steps done,"Namespaces / 1. First, ""quoted"""\n\'=cmd|\' /C calc\'!A0,2026-11-28T10:00:00.000Z,0,2 failed check(s)\n');
});
