// The pages' small fetch helper: JSON in, JSON out, errors as a sentence to show.
export async function api<T>(path: string, init?: { method?: string; body?: unknown }): Promise<{ ok: true; data: T } | { ok: false; status: number; error: string }> {
  const res = await fetch(path, {
    method: init?.method ?? "GET",
    credentials: "same-origin",
    headers: init?.body !== undefined ? { "content-type": "application/json" } : undefined,
    body: init?.body !== undefined ? JSON.stringify(init.body) : undefined,
  }).catch(() => null);
  if (!res) return { ok: false, status: 0, error: "The playground did not answer. Check your connection and try again." };
  const data = (await res.json().catch(() => ({}))) as T & { error?: string };
  if (!res.ok) return { ok: false, status: res.status, error: data.error ?? `Request failed (${res.status}).` };
  return { ok: true, data };
}

/** A text file from the playground (recordings): the text, or a sentence to show. */
export async function apiText(path: string, notFound: string): Promise<{ ok: true; text: string } | { ok: false; error: string }> {
  const res = await fetch(path, { credentials: "same-origin" }).catch(() => null);
  if (!res) return { ok: false, error: "The playground did not answer. Check your connection and try again." };
  if (res.status === 404) return { ok: false, error: notFound };
  if (!res.ok) return { ok: false, error: `Loading failed (${res.status}). Try again.` };
  return { ok: true, text: await res.text() };
}
