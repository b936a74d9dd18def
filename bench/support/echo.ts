// Keystroke echo: one character in, until its echo (printed by the TTY through bash's line
// editor) arrives. The same loop for every terminal kind and benchmark.
import { performance } from "node:perf_hooks";
import { sleep } from "./stats";
import type { BenchTerminal } from "./terminals";

/** A sample that waits longer than this is a failure, not a figure: a lost echo must end the
 *  benchmark with an error instead of hanging it. */
export const ECHO_SAMPLE_TIMEOUT_MS = 15_000;

/** Round trips in ms; `spacingMs` pauses between samples (to sample under a background load). */
export async function echo(t: BenchTerminal, samples: number, spacingMs = 0, timeoutMs = ECHO_SAMPLE_TIMEOUT_MS): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < samples; i++) {
    // Woken by the echo itself, not by polling: a polling loop would take a core from the
    // very machine being measured (with 20 `yes` neighbours on 2 cores, it slowed each sample).
    const echoed = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no echo within ${timeoutMs / 1000} s (sample ${i + 1} of ${samples})`)), timeoutMs);
      t.onceBytes(() => (clearTimeout(timer), resolve()));
    });
    const t0 = performance.now();
    t.write(String.fromCharCode(97 + (i % 26)));
    await echoed;
    ms.push(performance.now() - t0);
    if (spacingMs) await sleep(spacingMs);
    if (i % 50 === 49) {
      t.write("\x15"); // Ctrl-U keeps the line short
      await sleep(20);
    }
  }
  t.write("\x15");
  await sleep(100);
  return ms;
}

