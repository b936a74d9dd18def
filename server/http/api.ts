// JSON API routes served by the custom server (before Next): health and guest identity.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { IdentityService } from "../auth/identity";
import type { LessonService } from "../lessons/service";
import type { Logger } from "../log";
import type { HealthPart, SandboxDriver } from "../sandbox/driver";

export interface ApiDeps {
  identities: IdentityService;
  driver: SandboxDriver;
  pingDatabase(): Promise<void>;
  lessons: LessonService;
  log: Logger;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers });
  res.end(JSON.stringify(body));
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
      sendJson(res, body.ok ? 200 : 503, body);
    } else if (url.pathname === "/api/guest" && req.method === "POST") {
      const { setCookie } = await deps.identities.ensureGuest(req);
      sendJson(res, 200, { ok: true, created: Boolean(setCookie) }, setCookie ? { "set-cookie": setCookie } : {});
    } else if (url.pathname === "/api/lessons" && req.method === "GET") {
      const identity = await deps.identities.fromCookieHeader(req.headers.cookie);
      sendJson(res, 200, { ok: true, lessons: await deps.lessons.list(identity?.userId ?? null) });
    } else if (/^\/api\/lessons\/[a-z0-9-]{1,80}$/.test(url.pathname) && req.method === "GET") {
      const identity = await deps.identities.fromCookieHeader(req.headers.cookie);
      const slug = url.pathname.slice("/api/lessons/".length);
      const lesson = await deps.lessons.view(slug, identity?.userId ?? null).catch(() => null);
      if (lesson) sendJson(res, 200, { ok: true, lesson });
      else sendJson(res, 404, { ok: false, error: "no lesson with that name" });
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
