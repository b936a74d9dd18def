"use client";
// The class wall: every learner as a tile with a faithful, scaled-down live picture of their
// terminal (drawn at its real size, then shrunk to the tile, so lines keep their place), their
// lesson and step, and what needs the teacher: a raised hand, stuck, waiting in the queue.
// Large tiles read on a projector for a class of 30; small ones scan a class of 100. One click
// (or Enter on the learner's name) opens the full view.
import { useEffect, useRef, useState, type ReactNode } from "react";
import type { LearnerRow } from "../../../../lib/protocol";
import { sinceText } from "./activity-text";
import { LiveTerminal } from "./LiveTerminal";

export type TileSize = "large" | "small";

interface Props {
  workshopId: string;
  learners: LearnerRow[];
  handUserIds: Set<string>;
  size: TileSize;
  now: number;
  onOpen: (userId: string) => void;
}

export function ClassWall({ workshopId, learners, handUserIds, size, now, onOpen }: Props) {
  if (learners.length === 0) return <p className="muted">No learner has joined yet. Show the code or the QR code.</p>;
  return (
    <ul className="class-wall" data-size={size} data-testid="class-wall" aria-label="Class wall">
      {learners.map((l) => (
        <WallTile key={l.userId} workshopId={workshopId} learner={l} hand={handUserIds.has(l.userId)} now={now} onOpen={onOpen} />
      ))}
    </ul>
  );
}

function WallTile({ workshopId, learner: l, hand, now, onOpen }: { workshopId: string; learner: LearnerRow; hand: boolean; now: number; onOpen: (userId: string) => void }) {
  const state = hand ? "hand" : l.stuck ? "stuck" : l.queuePosition !== null ? "queued" : l.sandboxRunning ? "ok" : "none";
  return (
    <li className="wall-tile" data-state={state} data-testid={`tile-${l.userId}`}>
      <div className="tile-head">
        {/* The name is the tile's one control; its ::after covers the tile, so a click anywhere opens it. */}
        <button type="button" className="tile-open" onClick={() => onOpen(l.userId)} aria-label={`Open ${l.displayName}'s terminal`}>
          {l.displayName}
        </button>
        {hand && <span className="badge hand">Hand raised</span>}
        {l.stuck && <span className="badge stuck">Stuck</span>}
        {l.queuePosition !== null && <span className="badge queued">Queued #{l.queuePosition}</span>}
      </div>
      <p className="tile-where">{l.currentLesson ? `${l.currentLesson.title} · step ${l.currentLesson.stepIndex + 1} of ${l.currentLesson.steps}` : "All steps done"}</p>
      {l.sandboxRunning ? (
        <ScaledToWidth>
          <LiveTerminal workshopId={workshopId} userId={l.userId} fontSize={13} label={`${l.displayName}'s terminal, live`} />
        </ScaledToWidth>
      ) : (
        <p className="tile-empty">{l.queuePosition !== null ? `Waiting for a free sandbox: number ${l.queuePosition} in the queue.` : "No sandbox running."}</p>
      )}
      <p className="tile-activity">
        {l.doneSteps}/{l.totalSteps} steps · typed {sinceText(l.lastInputAt, now)} · output {sinceText(l.lastOutputAt, now)}
      </p>
    </li>
  );
}

/**
 * Shows its content at its natural size scaled down to the available width (never up), and
 * takes only the scaled height: a terminal keeps its columns and lines, only smaller.
 */
function ScaledToWidth({ children }: { children: ReactNode }) {
  const outer = useRef<HTMLDivElement>(null);
  const inner = useRef<HTMLDivElement>(null);
  const [fit, setFit] = useState({ scale: 1, height: 0 });
  useEffect(() => {
    const o = outer.current;
    const i = inner.current;
    if (!o || !i) return;
    const measure = () => {
      // Layout sizes ignore the transform: they are the content's natural size.
      const width = i.offsetWidth;
      if (!width) return;
      const scale = Math.min(1, o.clientWidth / width);
      setFit({ scale, height: Math.ceil(i.offsetHeight * scale) });
    };
    const observer = new ResizeObserver(measure);
    observer.observe(o);
    observer.observe(i);
    measure();
    return () => observer.disconnect();
  }, []);
  return (
    <div ref={outer} className="scaled" style={{ height: fit.height || undefined }}>
      <div ref={inner} className="scaled-inner" style={{ transform: `scale(${fit.scale})` }}>
        {children}
      </div>
    </div>
  );
}
