// Short, calm "how long ago" texts for the dashboard (pure, so the wall and table agree).

/** "just now", "40 s ago", "3 min ago", "2 h ago"; "not yet" when it never happened. */
export function sinceText(iso: string | null, now: number): string {
  if (!iso) return "not yet";
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 5) return "just now";
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  return `${Math.floor(s / 3600)} h ago`;
}

/** The tab title: raised hands first, so they show in a background tab too. */
export function dashboardTitle(workshopTitle: string, hands: number): string {
  return `${hands > 0 ? `(${hands} ${hands === 1 ? "hand" : "hands"} up) ` : ""}${workshopTitle} · Container Playground`;
}
