"use client";
// Two panes side by side (stacked on narrow screens) with a separator that resizes them by
// mouse, touch or keyboard (arrow keys, Home/End). The width is kept for the next visit.
import { useCallback, useEffect, useRef, useState } from "react";

const KEY = "container-playground.split";
const MIN = 20;
const MAX = 70;

export function SplitView({ label, aside, children }: { label: string; aside: React.ReactNode; children: React.ReactNode }) {
  const [percent, setPercent] = useState(40);
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const saved = Number(localStorage.getItem(KEY));
    if (saved >= MIN && saved <= MAX) setPercent(saved);
  }, []);

  const set = useCallback((value: number) => {
    const clamped = Math.round(Math.min(MAX, Math.max(MIN, value)));
    setPercent(clamped);
    try {
      localStorage.setItem(KEY, String(clamped));
    } catch {
      // storage disabled: the width is not remembered
    }
  }, []);

  const onPointerDown = (e: React.PointerEvent) => {
    const box = root.current?.getBoundingClientRect();
    if (!box) return;
    (e.target as HTMLElement).setPointerCapture(e.pointerId);
    const move = (ev: PointerEvent) => set(((ev.clientX - box.left) / box.width) * 100);
    const up = () => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
  };

  const onKeyDown = (e: React.KeyboardEvent) => {
    const step = e.shiftKey ? 10 : 2;
    if (e.key === "ArrowLeft") set(percent - step);
    else if (e.key === "ArrowRight") set(percent + step);
    else if (e.key === "Home") set(MIN);
    else if (e.key === "End") set(MAX);
    else return;
    e.preventDefault();
  };

  return (
    <div className="split" ref={root} style={{ "--aside-width": `${percent}%` } as React.CSSProperties}>
      <aside className="split-aside" aria-label={label}>
        {aside}
      </aside>
      <div
        className="split-handle"
        role="separator"
        aria-orientation="vertical"
        aria-label={`Resize the ${label.toLowerCase()} and terminal`}
        aria-valuemin={MIN}
        aria-valuemax={MAX}
        aria-valuenow={percent}
        tabIndex={0}
        onPointerDown={onPointerDown}
        onKeyDown={onKeyDown}
      />
      <div className="split-main">{children}</div>
    </div>
  );
}
