// Recordings over HTTP. A learner lists and downloads their own; a staff member fetches one
// only when it was made in a workshop of theirs. Anyone else gets the same 404 as for a
// recording that does not exist (ids are 128-bit random, never guessable).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { IdentityService } from "../auth/identity";
import type { StaffService } from "../auth/staff";
import type { RecordingStore } from "../recordings/store";
import type { WorkshopService } from "../workshops/service";
import { sendJson } from "./json";

const CAST = /^\/api\/recordings\/([A-Za-z0-9_-]{22})\.cast$/;

export async function handleRecordingApi(
  req: IncomingMessage,
  res: ServerResponse,
  deps: { identities: IdentityService; staff: StaffService; workshops: WorkshopService; recordings: RecordingStore },
): Promise<boolean> {
  const url = new URL(req.url ?? "/", "http://localhost");
  if (!url.pathname.startsWith("/api/recordings")) return false;
  if (req.method !== "GET") return sendJson(res, 405, { ok: false, error: "method not allowed" }), true;

  if (url.pathname === "/api/recordings") {
    const me = await deps.identities.fromCookieHeader(req.headers.cookie);
    if (!me) return sendJson(res, 401, { ok: false, error: "Your browser has no playground identity. Reload the page." }), true;
    return sendJson(res, 200, { ok: true, recordings: await deps.recordings.listFor(me.userId) }), true;
  }

  const m = CAST.exec(url.pathname);
  const rec = m ? await deps.recordings.get(m[1]) : null;
  if (!rec || !(await mayRead(req, rec, deps))) return sendJson(res, 404, { ok: false, error: "no recording of yours with that id" }), true;
  const stream = deps.recordings.open(rec.id);
  if (!stream) return sendJson(res, 404, { ok: false, error: "the recording's file is gone (deleted to stay within the storage limit)" }), true;
  const name = `terminal-${rec.startedAt.toISOString().slice(0, 19).replace(/[:T]/g, "-")}.cast`;
  res.writeHead(200, {
    "content-type": "application/x-asciicast; charset=utf-8",
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    ...(url.searchParams.has("download") ? { "content-disposition": `attachment; filename="${name}"` } : {}),
  });
  stream.pipe(res);
  return true;
}

async function mayRead(
  req: IncomingMessage,
  rec: { userId: string; workshopId: string | null },
  deps: { identities: IdentityService; staff: StaffService; workshops: WorkshopService },
): Promise<boolean> {
  const learner = await deps.identities.fromCookieHeader(req.headers.cookie);
  if (learner?.userId === rec.userId) return true;
  const staff = rec.workshopId ? await deps.staff.fromCookieHeader(req.headers.cookie) : null;
  if (!staff || !rec.workshopId) return false;
  return deps.workshops.get(staff, rec.workshopId).then(
    () => true,
    () => false,
  );
}
