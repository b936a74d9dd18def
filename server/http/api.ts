// JSON API routes served by the custom server (before Next): health and guest identity.
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { jsonBody, sendJson } from "./json";
import { AttemptCounter } from "../auth/attempts";
import type { IdentityService, NamedGuests } from "../auth/identity";
import type { LessonService } from "../lessons/service";
import type { Logger } from "../log";
import type { HealthPart, SandboxDriver } from "../sandbox/driver";
import { toFailure } from "../sandbox/errors";
import { isLocalAddress, type AddressOf } from "./client-address";
import type { ClientLimits } from "./client-limits";

export interface ApiDeps {
  identities: IdentityService;
  driver: SandboxDriver;
  pingDatabase(): Promise<void>;
  lessons: LessonService;
  names: NamedGuests;
  /** Who is asking (TRUST_PROXY aware), for per-address limits. */
  addressOf: AddressOf;
  limits: ClientLimits;
  /** Whether the request carries a valid staff session (health details). */
  isStaff(req: IncomingMessage): Promise<boolean>;
  log: Logger;
}

const NameBody = z.object({ name: z.string().max(200) });
const RestoreBody = z.object({ name: z.string().max(200), code: z.string().max(100) });

/** Recovery-code attempts per client address, per minute: codes are not for guessing. */
const restoreAttempts = new AttemptCounter(60_000);
function tooManyRestores(address: string): boolean {
  restoreAttempts.count(address);
  return restoreAttempts.exceeded(address, 11);
}

function isJsonRequest(req: IncomingMessage): boolean {
  return String(req.headers["content-type"] ?? "").startsWith("application/json");
}

export async function health(deps: Pick<ApiDeps, "driver" | "pingDatabase">) {
  let database: HealthPart;
  try {
    await deps.pingDatabase();
    database = { ok: true, detail: "reachable" };
  } catch (err) {
    database = { ok: false, detail: (err as Error).message };
  }
  const { engine, image } = await deps.driver.health();
  return { ok: database.ok && engine.ok && image.ok, database, docker: engine, image };
}

/** Handles /api/*; returns false for other paths so Next can serve them. */
export async function handleApi(req: IncomingMessage, res: ServerResponse, deps: ApiDeps): Promise<boolean> {
  const url = new URL(req.url ?? "/", "http://localhost");
  if (!url.pathname.startsWith("/api/")) return false;
  try {
    if (url.pathname === "/api/health" && req.method === "GET") {
      const body = await health(deps);
      // Database and engine errors name paths and hosts: only for this machine and staff.
      const detailed = isLocalAddress(deps.addressOf(req)) || (await deps.isStaff(req));
      sendJson(res, body.ok ? 200 : 503, detailed ? body : { ok: body.ok });
    } else if (url.pathname === "/api/guest" && req.method === "POST") {
      // JSON only (like every other route), so no form on another site can post it.
      if (!isJsonRequest(req)) return sendJson(res, 415, { ok: false, error: "send application/json" }), true;
      const address = deps.addressOf(req);
      const known = await deps.identities.fromCookieHeader(req.headers.cookie);
      if (!known) {
        try {
          deps.limits.checkNewGuest(address);
        } catch (err) {
          const f = toFailure(err);
          return sendJson(res, 429, { ok: false, error: `${f.message} ${f.action}`, code: f.code }), true;
        }
      }
      const { setCookie } = await deps.identities.ensureGuest(req);
      if (setCookie && !known) deps.limits.guestCreated(address);
      sendJson(res, 200, { ok: true, created: Boolean(setCookie) }, setCookie ? { "set-cookie": setCookie } : {});
    } else if (url.pathname === "/api/me" && req.method === "GET") {
      const identity = await deps.identities.fromCookieHeader(req.headers.cookie);
      if (!identity) sendJson(res, 401, { ok: false, error: "no playground identity; reload the page" });
      else sendJson(res, 200, { ok: true, name: await deps.names.current(identity.userId) });
    } else if (url.pathname === "/api/me/name" && req.method === "POST") {
      const identity = await deps.identities.fromCookieHeader(req.headers.cookie);
      const body = NameBody.safeParse(await jsonBody(req));
      if (!identity) sendJson(res, 401, { ok: false, error: "no playground identity; reload the page" });
      else if (!body.success) sendJson(res, 400, { ok: false, error: "send a JSON body with a name" });
      else {
        const result = await deps.names.name(identity.userId, body.data.name);
        if (result.ok) sendJson(res, 200, result);
        else if (result.reason === "taken") sendJson(res, 409, { ok: false, error: "That name is taken. Choose another one." });
        else sendJson(res, 400, { ok: false, error: "Use 3 to 40 letters, digits, spaces, dots, dashes or underscores." });
      }
    } else if (url.pathname === "/api/me/restore" && req.method === "POST") {
      const body = RestoreBody.safeParse(await jsonBody(req));
      if (tooManyRestores(deps.addressOf(req))) sendJson(res, 429, { ok: false, error: "Too many attempts. Wait a minute and try again." });
      else if (!body.success) sendJson(res, 400, { ok: false, error: "send a JSON body with name and code" });
      else {
        const setCookie = await deps.names.restore(req, body.data.name, body.data.code);
        if (setCookie) sendJson(res, 200, { ok: true }, { "set-cookie": setCookie });
        else sendJson(res, 401, { ok: false, error: "That name and recovery code do not match." });
      }
    } else if (url.pathname === "/api/lessons" && req.method === "GET") {
      const identity = await deps.identities.fromCookieHeader(req.headers.cookie);
      sendJson(res, 200, { ok: true, lessons: await deps.lessons.list(identity?.userId ?? null) });
    } else if (/^\/api\/lessons\/[a-z0-9-]{1,80}$/.test(url.pathname) && req.method === "GET") {
      const identity = await deps.identities.fromCookieHeader(req.headers.cookie);
      const slug = url.pathname.slice("/api/lessons/".length);
      // Only an unknown name is a 404; a database failure is a 500 like anywhere else.
      if (!deps.lessons.has(slug)) sendJson(res, 404, { ok: false, error: "no lesson with that name" });
      else sendJson(res, 200, { ok: true, lesson: await deps.lessons.view(slug, identity?.userId ?? null) });
    } else {
      sendJson(res, url.pathname === "/api/health" || url.pathname === "/api/guest" ? 405 : 404, {
        ok: false,
        error: "not found",
      });
    }
  } catch (err) {
    deps.log.error({ err, path: url.pathname }, "api request failed");
    sendJson(res, 500, { ok: false, error: "internal error; see the server log" });
  }
  return true;
}
