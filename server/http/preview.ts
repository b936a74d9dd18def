// /preview/<sandbox>/<port>/...: a web server running in a learner's sandbox (e.g. nginx
// published on port 80) opened in a browser tab. Only the sandbox's owner gets through; the
// playground's cookie is never passed on; only an allow-list of response headers comes back
// (nothing that sets cookies, pins HTTPS, clears site data or opens CORS on the playground's
// origin); pages run sandboxed (an opaque origin); and a learner has a bounded number of
// previews in flight. With PREVIEW_ORIGIN, previews are served only on that separate origin
// (as notebook and codespace products do): the playground's origin hands the browser over
// with a short-lived signed token, and the preview origin serves nothing else.
import { createHmac, timingSafeEqual } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import { parse as parseCookies, serialize } from "cookie";
import type { IdentityService } from "../auth/identity";
import type { Logger } from "../log";
import type { SandboxDriver } from "../sandbox/driver";
import type { PlaygroundService } from "../sessions/playground-service";

const PREVIEW = /^\/preview\/([a-z0-9-]{1,63})\/(\d{1,5})(\/.*)?$/;
const TIMEOUT_MS = 30_000;
/** Hop-by-hop and identity headers that must not cross the proxy. */
const DROP_REQUEST = new Set(["cookie", "authorization", "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "host"]);
/** Response headers that may come back from a learner's server; everything else is dropped. */
const ALLOW_RESPONSE = new Set([
  "content-type",
  "content-length",
  "content-encoding",
  "content-language",
  "content-range",
  "content-disposition",
  "accept-ranges",
  "cache-control",
  "expires",
  "last-modified",
  "etag",
  "vary",
  "date",
  "location",
  "retry-after",
]);
const PREVIEW_COOKIE = "cp_preview";
const TOKEN_PARAM = "cp_preview_token";
const TOKEN_MS = 60_000;
const PREVIEW_SESSION_S = 12 * 3600;

export interface PreviewDeps {
  identities: IdentityService;
  service: PlaygroundService;
  driver: SandboxDriver;
  /** At most this many preview requests of one learner in flight. */
  maxPerLearner: number;
  /** The separate origin that serves previews, and the key its tokens are signed with. */
  previewOrigin?: string;
  previewKey: string;
  log: Logger;
}

/** Preview requests in flight per learner. */
const inFlight = new Map<string, number>();

/** Preview requests in flight, all learners together (tests wait on it). */
export function previewsInFlight(): number {
  let n = 0;
  for (const v of inFlight.values()) n += v;
  return n;
}

function mac(key: string, value: string): string {
  return createHmac("sha256", key).update(value).digest("base64url");
}

/** "payload.mac", payload = base64url(JSON). */
function sign(key: string, payload: object): string {
  const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
  return `${body}.${mac(key, body)}`;
}

function verify<T>(key: string, token: string | undefined): T | null {
  if (!token) return null;
  const dot = token.lastIndexOf(".");
  if (dot <= 0) return null;
  const body = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1));
  const expected = Buffer.from(mac(key, body));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    return JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as T;
  } catch {
    return null;
  }
}

/** Whether this request was sent to the separate preview origin. */
export function isPreviewHost(req: IncomingMessage, previewOrigin: string | undefined): boolean {
  return !!previewOrigin && req.headers.host === new URL(previewOrigin).host;
}

function page(res: ServerResponse, status: number, title: string, text: string): void {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  res.end(
    `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
      `<title>${esc(title)}</title><body style="font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5">` +
      `<h1 style="font-size:1.4rem">${esc(title)}</h1><p>${esc(text)}</p><p><a href="/play">Back to your terminal</a></p></body></html>`,
  );
}

/** Handles /preview/...; returns false for other paths. */
export async function handlePreview(req: IncomingMessage, res: ServerResponse, deps: PreviewDeps): Promise<boolean> {
  const url = new URL(req.url ?? "/", "http://localhost");
  if (!url.pathname.startsWith("/preview/")) return false;
  const m = PREVIEW.exec(url.pathname);
  const port = m ? Number(m[2]) : 0;
  if (!m || port < 1 || port > 65535) {
    page(res, 404, "No such preview", "A preview address looks like /preview/<your sandbox>/<port>/.");
    return true;
  }
  if (!m[3]) {
    // Relative links in the page need the trailing slash.
    res.writeHead(308, { location: `/preview/${m[1]}/${port}/${url.search}` }).end();
    return true;
  }
  const onPreviewHost = isPreviewHost(req, deps.previewOrigin);
  const prefix = `/preview/${m[1]}/${port}/`;
  let userId: string | null;
  if (deps.previewOrigin && !onPreviewHost) {
    // The playground's origin never serves a preview: it hands the browser to the preview
    // origin with a token only the owner gets, valid for a minute and for this preview only.
    const identity = await deps.identities.fromCookieHeader(req.headers.cookie);
    const active = identity ? await deps.service.active(identity.userId) : null;
    if (!identity || !active || active.sandbox.name !== m[1]) {
      page(res, 404, "No sandbox of yours with that name", "Previews open web servers running in your own sandbox. Start your sandbox, then use the link from the lesson.");
      return true;
    }
    const token = sign(deps.previewKey, { u: identity.userId, p: prefix, e: Date.now() + TOKEN_MS });
    const target = new URL(`${m[3]}${url.search}`, `${deps.previewOrigin}${prefix.slice(0, -1)}`);
    target.pathname = `${prefix.slice(0, -1)}${m[3]}`;
    target.searchParams.set(TOKEN_PARAM, token);
    res.writeHead(302, { location: target.toString(), "cache-control": "no-store" }).end();
    return true;
  }
  if (onPreviewHost) {
    const given = url.searchParams.get(TOKEN_PARAM);
    if (given) {
      const t = verify<{ u: string; p: string; e: number }>(deps.previewKey, given);
      if (!t || t.p !== prefix || t.e < Date.now()) {
        page(res, 403, "This preview link has expired", "Open the preview again from your playground tab.");
        return true;
      }
      url.searchParams.delete(TOKEN_PARAM);
      const secure = deps.previewOrigin!.startsWith("https:");
      const cookie = serialize(PREVIEW_COOKIE, sign(deps.previewKey, { u: t.u, p: prefix, e: Date.now() + PREVIEW_SESSION_S * 1000 }), {
        httpOnly: true,
        sameSite: "lax",
        secure,
        path: prefix,
        maxAge: PREVIEW_SESSION_S,
      });
      res.writeHead(302, { location: `${url.pathname}${url.search}`, "set-cookie": cookie, "cache-control": "no-store" }).end();
      return true;
    }
    const c = verify<{ u: string; p: string; e: number }>(deps.previewKey, parseCookies(req.headers.cookie ?? "")[PREVIEW_COOKIE]);
    userId = c && c.p === prefix && c.e > Date.now() ? c.u : null;
  } else {
    userId = (await deps.identities.fromCookieHeader(req.headers.cookie))?.userId ?? null;
  }
  const active = userId ? await deps.service.active(userId) : null;
  // Someone else's sandbox looks exactly like one that does not exist.
  if (!userId || !active || active.sandbox.name !== m[1] || !deps.driver.address) {
    page(res, 404, "No sandbox of yours with that name", "Previews open web servers running in your own sandbox. Start your sandbox, then use the link from the lesson.");
    return true;
  }
  const running = inFlight.get(userId) ?? 0;
  if (running >= deps.maxPerLearner) {
    page(res, 429, "Too many previews at once", `Your previews are already loading ${running} pages. Wait for them, then reload this page.`);
    return true;
  }
  inFlight.set(userId, running + 1);
  const done = () => {
    const left = (inFlight.get(userId!) ?? 1) - 1;
    if (left > 0) inFlight.set(userId!, left);
    else inFlight.delete(userId!);
  };
  try {
    await proxy(req, res, deps, { url, m, port, sandboxAddress: await deps.driver.address(active.sandbox), sessionId: active.sessionId });
  } finally {
    done();
  }
  return true;
}

async function proxy(
  req: IncomingMessage,
  res: ServerResponse,
  deps: PreviewDeps,
  at: { url: URL; m: RegExpExecArray; port: number; sandboxAddress: string; sessionId: string },
): Promise<void> {
  const { url, m, port, sandboxAddress: address } = at;
  await deps.service.touch(at.sessionId);
  const headers: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(req.headers)) if (!DROP_REQUEST.has(k) && v !== undefined) headers[k] = v;
  headers.host = `localhost:${port}`;
  headers["x-forwarded-prefix"] = `/preview/${m[1]}/${port}`;

  await new Promise<void>((resolve) => {
    const upstream = http.request(
      { host: address, port, method: req.method, path: `${m[3]}${url.search}`, headers, timeout: TIMEOUT_MS },
      (up) => {
        const out: http.OutgoingHttpHeaders = {};
        for (const [k, v] of Object.entries(up.headers)) if (ALLOW_RESPONSE.has(k) && v !== undefined) out[k] = v;
        // Keep the page in an opaque origin: scripts run, but not as the playground.
        out["content-security-policy"] = "sandbox allow-scripts allow-forms allow-popups allow-modals";
        out["x-content-type-options"] = "nosniff";
        if (typeof out.location === "string" && out.location.startsWith("/")) out.location = `/preview/${m[1]}/${port}${out.location}`;
        res.writeHead(up.statusCode ?? 502, out);
        up.pipe(res);
        up.on("end", resolve);
        up.on("error", () => resolve());
      },
    );
    upstream.on("timeout", () => upstream.destroy(new Error("timed out")));
    upstream.on("error", (err) => {
      deps.log.debug({ sandbox: m[1], port, err: err.message }, "preview upstream failed");
      if (!res.headersSent) {
        page(
          res,
          502,
          `Nothing answers on port ${port} in your sandbox`,
          `Start a web server there first, for example: docker run -d -p ${port}:80 nginx — then reload this page.`,
        );
      } else {
        res.destroy();
      }
      resolve();
    });
    req.pipe(upstream);
  });
}
