// /preview/<sandbox>/<port>/...: a web server running in a learner's sandbox (e.g. nginx
// published on port 80) opened in a browser tab. Only the sandbox's owner gets through; the
// playground's cookie is never passed on, the sandbox's pages cannot set cookies on the
// playground's origin, and they run sandboxed (an opaque origin: no access to the
// playground's cookies or API as the viewer).
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { IdentityService } from "../auth/identity";
import type { Logger } from "../log";
import type { SandboxDriver } from "../sandbox/driver";
import type { PlaygroundService } from "../sessions/playground-service";

const PREVIEW = /^\/preview\/([a-z0-9-]{1,63})\/(\d{1,5})(\/.*)?$/;
const TIMEOUT_MS = 30_000;
/** Hop-by-hop and identity headers that must not cross the proxy. */
const DROP_REQUEST = new Set(["cookie", "authorization", "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "host"]);
const DROP_RESPONSE = new Set(["set-cookie", "connection", "keep-alive", "transfer-encoding", "content-security-policy"]);

export interface PreviewDeps {
  identities: IdentityService;
  service: PlaygroundService;
  driver: SandboxDriver;
  log: Logger;
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
  const identity = await deps.identities.fromCookieHeader(req.headers.cookie);
  const active = identity ? await deps.service.active(identity.userId) : null;
  // Someone else's sandbox looks exactly like one that does not exist.
  if (!active || active.sandbox.name !== m[1] || !deps.driver.address) {
    page(res, 404, "No sandbox of yours with that name", "Previews open web servers running in your own sandbox. Start your sandbox, then use the link from the lesson.");
    return true;
  }
  const address = await deps.driver.address(active.sandbox);
  await deps.service.touch(active.sessionId);
  const headers: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(req.headers)) if (!DROP_REQUEST.has(k) && v !== undefined) headers[k] = v;
  headers.host = `localhost:${port}`;
  headers["x-forwarded-prefix"] = `/preview/${m[1]}/${port}`;

  await new Promise<void>((resolve) => {
    const upstream = http.request(
      { host: address, port, method: req.method, path: `${m[3]}${url.search}`, headers, timeout: TIMEOUT_MS },
      (up) => {
        const out: http.OutgoingHttpHeaders = {};
        for (const [k, v] of Object.entries(up.headers)) if (!DROP_RESPONSE.has(k) && v !== undefined) out[k] = v;
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
  return true;
}
