// Small statistics for benchmark figures.

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
}

export function summarize(values: number[], digits = 2): Summary {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  const r = (n: number) => Number(n.toFixed(digits));
  return { n: s.length, p50: r(at(0.5)), p95: r(at(0.95)), p99: r(at(0.99)), min: r(s[0] ?? NaN), max: r(s[s.length - 1] ?? NaN) };
}

/** ours ÷ baseline, rounded; null when the baseline is missing or zero. */
export function ratio(ours: number | null | undefined, baseline: number | null | undefined): number | null {
  if (ours == null || baseline == null || !Number.isFinite(ours) || !baseline) return null;
  return Number((ours / baseline).toFixed(2));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
