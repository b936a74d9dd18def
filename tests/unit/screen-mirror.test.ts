// The screen mirror with a real headless xterm: exact for ordinary output, bounded and still
// right at the end of a flood, and not confused by an escape sequence cut in half.
import assert from "node:assert/strict";
import { test } from "node:test";
import { MAX_PENDING, ScreenMirror } from "../../server/terminal/screen-mirror";
import { PROMPT } from "../helpers/client";

const plain = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");

test("ordinary output is mirrored exactly, colours included", async () => {
  const m = new ScreenMirror(80, 24);
  m.write(Buffer.from("$ ls\r\n\x1b[1;34mdir\x1b[0m  file.txt\r\n$ "));
  const snap = await m.snapshot();
  assert.match(snap, /\x1b\[(?:[0-9;]*;)?34[;m]/, "the colour is kept");
  assert.match(plain(snap), /\$ ls\r?\ndir +file\.txt\r?\n\$ /);
  m.dispose();
});

test("a flood keeps only a bounded backlog, and the screen shows its end", async () => {
  const m = new ScreenMirror(80, 24);
  // In chunks, as the terminal session hands them over (one per tick).
  for (let chunk = 0; chunk < 4000; chunk++) {
    let text = "";
    for (let i = chunk * 100; i < chunk * 100 + 100; i++) text += `line ${i}\r\n`;
    m.write(Buffer.from(text));
    assert.ok(m.backlog <= MAX_PENDING, "the unparsed backlog stays bounded");
  }
  m.write(Buffer.from("$ "));
  const text = plain(await m.snapshot());
  assert.match(text, /line 399999\r?\n\$ $/);
  assert.doesNotMatch(text, /line 1\r?\n/, "old lines are gone (as they would be from the scrollback)");
  m.dispose();
});

test("a cut through an escape sequence does not swallow what follows", async () => {
  const m = new ScreenMirror(80, 24);
  m.write(Buffer.from("\x1b]0;a window title that never ends "));
  m.write(Buffer.alloc(MAX_PENDING + 1000, "x")); // the flood pushes the start out
  m.write(Buffer.from("\r\nafter the flood\r\n$ "));
  assert.match(plain(await m.snapshot()), /after the flood\r?\n\$ $/);
  m.dispose();
});

test("a snapshot keeps the terminal's modes, after the screen: the prompt test allows for them", async () => {
  const m = new ScreenMirror(80, 24);
  // What bash sends at its first prompt: bracketed paste on, then the prompt.
  m.write(Buffer.from("Welcome\r\n\x1b[?2004hubuntu@sbx-test:~$ "));
  const snap = await m.snapshot();
  assert.match(snap, /\$ \x1b\[\?2004h$/, "the mode is set again after the screen is drawn");
  assert.doesNotMatch(snap, /\$ $/m, "so a test waiting for a bare '$ ' at the end would wait forever");
  assert.match(snap, PROMPT);
  m.dispose();
});
