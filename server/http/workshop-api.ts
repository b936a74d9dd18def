// Staff and workshop routes. Every staff route checks the staff cookie; a workshop is found
// only among the asker's own (others look missing). Joining needs a guest identity, which the
// route creates when the browser has none.
import type { IncomingMessage, ServerResponse } from "node:http";
import QRCode from "qrcode";
import { z } from "zod";
import type { IdentityService } from "../auth/identity";
import type { StaffIdentity, StaffService } from "../auth/staff";
import type { Logger } from "../log";
import type { RecordingStore } from "../recordings/store";
import type { AuditLog } from "../workshops/audit";
import type { HelpDesk } from "../workshops/help-desk";
import type { DashboardFeed } from "../workshops/dashboard-feed";
import { progressCsv } from "../workshops/progress-csv";
import { WorkshopError, type WorkshopService } from "../workshops/service";
import { jsonBody, sendJson } from "./json";
import type { AddressOf } from "./client-address";
import type { ClientLimits } from "./client-limits";
import { PlaygroundFailure } from "../sandbox/errors";


export interface WorkshopApiDeps {
  staff: StaffService;
  workshops: WorkshopService;
  identities: IdentityService;
  recordings: RecordingStore;
  audit: AuditLog;
  help: HelpDesk;
  /** Told when a learner joins (the live dashboard); a function because it is built later. */
  feed: () => Pick<DashboardFeed, "learnerChanged">;
  addressOf: AddressOf;
  limits: ClientLimits;
  /** The /staff sockets (built after the routes): a signed-out session's are disconnected. */
  staffSockets: () => { endSession(sessionId: string): void };
  log: Logger;
}

const Login = z.object({ email: z.string().max(254), password: z.string().max(200) });
const NewStaff = z.object({ email: z.string().max(254), password: z.string().max(200), role: z.enum(["admin", "instructor"]).default("instructor"), displayName: z.string().max(200).optional() });
const Rename = z.object({ displayName: z.string().max(200) });
const WORKSHOP = /^\/api\/workshops\/([A-Za-z0-9_-]{10,40})(\/end|\/qr\.svg|\/progress|\/progress\.csv|\/audit|\/messages|\/prewarm|\/learners\/([A-Za-z0-9_-]{3,80})\/recordings)?$/;
const JOIN = /^\/api\/join\/([A-Za-z0-9-]{1,20})$/;

/** The workshop's public join link, from the request's own host. */
function joinUrl(req: IncomingMessage, code: string): string {
  const proto = req.headers["x-forwarded-proto"] === "https" || (req.socket as { encrypted?: boolean }).encrypted ? "https" : "http";
  return `${proto}://${req.headers.host ?? "localhost"}/join/${code}`;
}

/** Handles /api/staff/*, /api/workshops*, /api/join/*; returns false for other paths. */
export async function handleWorkshopApi(req: IncomingMessage, res: ServerResponse, deps: WorkshopApiDeps): Promise<boolean> {
  const url = new URL(req.url ?? "/", "http://localhost");
  const path = url.pathname;
  if (!path.startsWith("/api/staff") && !path.startsWith("/api/workshops") && !path.startsWith("/api/join/")) return false;
  try {
    if (path === "/api/staff/login" && req.method === "POST") {
      const body = Login.safeParse(await jsonBody(req));
      if (!body.success) return sendJson(res, 400, { ok: false, error: "send a JSON body with email and password" }), true;
      const result = await deps.staff.login(req, body.data.email, body.data.password, deps.addressOf(req));
      if (result.ok) sendJson(res, 200, { ok: true, staff: result.staff }, { "set-cookie": result.setCookie });
      else if (result.reason === "rate_limited") sendJson(res, 429, { ok: false, error: "Too many sign-in attempts from your network. Wait 15 minutes and try again." });
      else sendJson(res, 401, { ok: false, error: "That email and password do not match an account." });
      return true;
    }
    if (path === "/api/staff/logout" && req.method === "POST") {
      const { setCookie, sessionId } = await deps.staff.logout(req.headers.cookie);
      // That person's open dashboards stop at once, not at their next request.
      if (sessionId) deps.staffSockets().endSession(sessionId);
      sendJson(res, 200, { ok: true }, { "set-cookie": setCookie });
      return true;
    }
    if (path.startsWith("/api/join/")) return await handleJoin(req, res, deps, path);

    const me = await deps.staff.fromCookieHeader(req.headers.cookie);
    if (!me) return sendJson(res, 401, { ok: false, error: "Sign in as an instructor first." }), true;
    await handleStaff(req, res, deps, me, path);
  } catch (err) {
    if (err instanceof WorkshopError) sendJson(res, err.status, { ok: false, error: err.message });
    else if (err instanceof PlaygroundFailure && err.code === "rate_limited") sendJson(res, 429, { ok: false, error: `${err.message} ${err.action}` });
    else {
      deps.log.error({ err, path }, "workshop api request failed");
      sendJson(res, 500, { ok: false, error: "internal error; see the server log" });
    }
  }
  return true;
}

async function handleStaff(req: IncomingMessage, res: ServerResponse, deps: WorkshopApiDeps, me: StaffIdentity, path: string): Promise<void> {
  if (path === "/api/staff/me" && req.method === "GET") return sendJson(res, 200, { ok: true, staff: me });
  if (path === "/api/staff/me" && req.method === "PATCH") {
    const body = Rename.safeParse(await jsonBody(req));
    if (!body.success) return sendJson(res, 400, { ok: false, error: "send the display name learners should see" });
    const renamed = await deps.staff.rename(me.staffId, body.data.displayName).catch((err: Error) => err);
    if (renamed instanceof Error) return sendJson(res, 400, { ok: false, error: renamed.message });
    return sendJson(res, 200, { ok: true, staff: renamed });
  }
  if (path === "/api/staff" && req.method === "GET") {
    if (me.role !== "admin") return sendJson(res, 403, { ok: false, error: "Only an admin manages instructors." });
    return sendJson(res, 200, { ok: true, staff: await deps.staff.list() });
  }
  if (path === "/api/staff" && req.method === "POST") {
    if (me.role !== "admin") return sendJson(res, 403, { ok: false, error: "Only an admin manages instructors." });
    const body = NewStaff.safeParse(await jsonBody(req));
    if (!body.success) return sendJson(res, 400, { ok: false, error: "send email, password and role" });
    const created = await deps.staff.create(body.data.email, body.data.password, body.data.role, body.data.displayName).catch((err: Error) => err);
    if (created instanceof Error) return sendJson(res, 400, { ok: false, error: created.message });
    return sendJson(res, 201, { ok: true, staff: created });
  }
  if (path === "/api/workshops" && req.method === "GET") {
    const list = await deps.workshops.list(me);
    return sendJson(res, 200, {
      ok: true,
      workshops: list.map((w) => ({ id: w.id, title: w.title, startsAt: w.startsAt, endsAt: w.endsAt, capacity: w.capacity, joinCode: w.joinCode, endedAt: w.endedAt, learners: w._count.members })),
    });
  }
  if (path === "/api/workshops" && req.method === "POST") {
    const w = await deps.workshops.create(me, await jsonBody(req));
    return sendJson(res, 201, { ok: true, workshop: { id: w.id, joinCode: w.joinCode } });
  }
  const m = WORKSHOP.exec(path);
  if (!m) return sendJson(res, 404, { ok: false, error: "not found" });
  const [, id, action, learnerId] = m;
  if (!action && req.method === "GET") {
    const w = await deps.workshops.get(me, id);
    return sendJson(res, 200, {
      ok: true,
      workshop: {
        id: w.id,
        title: w.title,
        startsAt: w.startsAt,
        endsAt: w.endsAt,
        capacity: w.capacity,
        joinCode: w.joinCode,
        joinUrl: joinUrl(req, w.joinCode),
        endedAt: w.endedAt,
        lessons: deps.workshops.lessonsOf(w).map((l) => ({ id: l.id, slug: l.slug, title: l.title, steps: l.steps.length })),
      },
      learners: await deps.workshops.learners(me, id),
    });
  }
  if (action === "/qr.svg" && req.method === "GET") {
    const w = await deps.workshops.get(me, id);
    const svg = await QRCode.toString(joinUrl(req, w.joinCode), { type: "svg", margin: 1, errorCorrectionLevel: "M" });
    res.writeHead(200, { "content-type": "image/svg+xml", "cache-control": "no-store" });
    res.end(svg);
    return;
  }
  if (action === "/progress" && req.method === "GET") {
    return sendJson(res, 200, { ok: true, matrix: await deps.workshops.matrix(me, id) });
  }
  if (action === "/progress.csv" && req.method === "GET") {
    const matrix = await deps.workshops.matrix(me, id);
    const file = `${matrix.title.replace(/[^A-Za-z0-9-]+/g, "-").replace(/^-|-$/g, "").slice(0, 60) || "workshop"}-progress.csv`;
    res.writeHead(200, { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${file}"`, "cache-control": "no-store" });
    res.end(progressCsv(matrix));
    return;
  }
  if (action === "/audit" && req.method === "GET") {
    const w = await deps.workshops.get(me, id);
    return sendJson(res, 200, { ok: true, audit: await deps.audit.forWorkshop(w.id) });
  }
  if (action === "/messages" && req.method === "GET") {
    const w = await deps.workshops.get(me, id);
    return sendJson(res, 200, { ok: true, messages: await deps.help.sentIn(w.id) });
  }
  if (action === "/prewarm" && req.method === "GET") {
    return sendJson(res, 200, { ok: true, prewarm: await deps.workshops.prewarmStatus(await deps.workshops.get(me, id)) });
  }
  if (action === "/prewarm" && req.method === "POST") {
    const body = (await jsonBody(req)) as { count?: unknown } | undefined;
    return sendJson(res, 200, { ok: true, prewarm: await deps.workshops.prewarm(me, id, body?.count) });
  }
  if (learnerId && req.method === "GET") {
    const w = await deps.workshops.get(me, id);
    if (!(await deps.workshops.member(w.id, learnerId))) return sendJson(res, 404, { ok: false, error: "no such learner in this workshop" });
    return sendJson(res, 200, { ok: true, recordings: await deps.recordings.listFor(learnerId, w.id) });
  }
  if (action === "/end" && req.method === "POST") {
    const sandboxesEnded = await deps.workshops.end(me, id);
    return sendJson(res, 200, { ok: true, sandboxesEnded });
  }
  sendJson(res, 405, { ok: false, error: "method not allowed" });
}

async function handleJoin(req: IncomingMessage, res: ServerResponse, deps: WorkshopApiDeps, path: string): Promise<boolean> {
  const m = JOIN.exec(path);
  if (!m) return sendJson(res, 404, { ok: false, error: "There is no workshop with that code." }), true;
  if (req.method === "GET") {
    const w = await deps.workshops.byCode(m[1]);
    sendJson(res, 200, { ok: true, workshop: { title: w.title, startsAt: w.startsAt, endsAt: w.endsAt } });
    return true;
  }
  if (req.method === "POST") {
    const body = (await jsonBody(req)) as { displayName?: unknown } | undefined;
    await deps.workshops.byCode(m[1]); // a wrong or ended code creates no guest
    const address = deps.addressOf(req);
    const code = m[1].toUpperCase();
    deps.limits.checkJoin(code, address);
    // A first visit gets a guest identity; a second join from the same browser resumes.
    const { identity, setCookie } = await deps.identities.ensureGuest(req);
    const joined = await deps.workshops.join(m[1], identity.userId, body?.displayName);
    deps.limits.joined(code, address);
    deps.feed().learnerChanged(identity.userId);
    sendJson(res, 200, { ok: true, ...joined }, setCookie ? { "set-cookie": setCookie } : {});
    return true;
  }
  sendJson(res, 405, { ok: false, error: "method not allowed" });
  return true;
}
