"use client";
// Replays an asciicast v2 recording in xterm.js (the same renderer as the live terminal):
// play/pause, a seek bar, speed, and the time. Seeking redraws the screen from the start up
// to that moment, so any point of a recording can be shown exactly.
import "@xterm/xterm/css/xterm.css";
import { useCallback, useEffect, useRef, useState } from "react";
import { castDuration, parseCast, screenAt, type CastFile } from "../../lib/asciicast";
import { apiText } from "../api-client";

const SPEEDS = [0.5, 1, 2, 4, 8];
/** Long pauses (the learner reading) are shortened to this many seconds of replay. */
const MAX_IDLE_S = 2;

function clock(s: number): string {
  const m = Math.floor(s / 60);
  return `${m}:${String(Math.floor(s % 60)).padStart(2, "0")}`;
}

export function CastPlayer({ src, label }: { src: string; label: string }) {
  const host = useRef<HTMLDivElement>(null);
  const term = useRef<import("@xterm/xterm").Terminal | null>(null);
  const [cast, setCast] = useState<CastFile | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState(1);
  const [position, setPosition] = useState(0);
  const next = useRef(0); // index of the next event to play
  const pos = useRef(0);

  useEffect(() => {
    let gone = false;
    void (async () => {
      const res = await apiText(src, "This recording no longer exists.");
      if (!res.ok) return !gone && setProblem(res.error);
      try {
        const parsed = parseCast(res.text);
        // Compress idle gaps so a replay does not sit still while the learner read the lesson.
        let shift = 0;
        let prev = 0;
        for (const e of parsed.events) {
          const gap = e[0] - prev;
          prev = e[0];
          if (gap > MAX_IDLE_S) shift += gap - MAX_IDLE_S;
          e[0] -= shift;
        }
        const { Terminal } = await import("@xterm/xterm");
        if (gone || !host.current) return;
        term.current = new Terminal({ cols: parsed.header.width, rows: parsed.header.height, fontSize: 13, disableStdin: true, cursorBlink: false, scrollback: 5000, theme: { background: "#14161b" } });
        term.current.open(host.current);
        setCast(parsed);
      } catch (err) {
        if (!gone) setProblem(`This file is not a recording this player understands (${(err as Error).message}).`);
      }
    })();
    return () => {
      gone = true;
      term.current?.dispose();
      term.current = null;
    };
  }, [src]);

  const seek = useCallback(
    (seconds: number) => {
      const t = term.current;
      if (!t || !cast) return;
      const at = screenAt(cast, seconds);
      t.reset();
      if (t.cols !== at.cols || t.rows !== at.rows) t.resize(at.cols, at.rows);
      t.write(at.output);
      next.current = at.index;
      pos.current = seconds;
      setPosition(seconds);
    },
    [cast],
  );

  // A loaded recording shows its last screen (not a black box) until Play replays it.
  useEffect(() => {
    if (cast) seek(castDuration(cast));
  }, [cast, seek]);

  // Playback: a timer writes every event whose time has come, scaled by the speed.
  useEffect(() => {
    if (!playing || !cast) return;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      pos.current += ((now - last) / 1000) * speed;
      last = now;
      const t = term.current;
      while (t && next.current < cast.events.length && cast.events[next.current][0] <= pos.current) {
        const [, code, data] = cast.events[next.current++];
        if (code === "o") t.write(data);
        else if (code === "r") {
          const m = /^(\d+)x(\d+)$/.exec(data);
          if (m) t.resize(Number(m[1]), Number(m[2]));
        }
      }
      const end = castDuration(cast);
      if (pos.current >= end) {
        pos.current = end;
        setPlaying(false);
      }
      setPosition(pos.current);
    }, 50);
    return () => clearInterval(timer);
  }, [playing, cast, speed]);

  const duration = cast ? castDuration(cast) : 0;
  const togglePlay = () => {
    if (!playing && position >= duration) seek(0); // replay from the start
    setPlaying((p) => !p);
  };

  return (
    <div className="cast-player" aria-label={label}>
      {problem && (
        <p className="lesson-problem" role="alert">
          {problem}
        </p>
      )}
      {!cast && !problem && <p aria-live="polite">Loading the recording…</p>}
      <div className="cast-screen" ref={host} data-testid="replay-screen" />
      {cast && (
        <div className="cast-controls">
          <button type="button" className="button primary" onClick={togglePlay} data-testid="replay-play">
            {playing ? "Pause" : position >= duration && duration > 0 ? "Replay" : "Play"}
          </button>
          <label className="cast-seek">
            <span className="visually-hidden">Position</span>
            <input
              type="range"
              min={0}
              max={Math.max(duration, 0.001)}
              step={0.1}
              value={position}
              onChange={(e) => seek(Number(e.target.value))}
              aria-valuetext={`${clock(position)} of ${clock(duration)}`}
            />
          </label>
          <span className="cast-time">
            {clock(position)} / {clock(duration)}
          </span>
          <label>
            Speed{" "}
            <select value={speed} onChange={(e) => setSpeed(Number(e.target.value))}>
              {SPEEDS.map((s) => (
                <option key={s} value={s}>
                  {s}×
                </option>
              ))}
            </select>
          </label>
        </div>
      )}
    </div>
  );
}
