// Which origins may change state: the socket.io handshake (learner and /staff) and every
// state-changing route refuse a browser request from another site. With PUBLIC_URL set, only
// that origin is accepted; without it, a request must come from the page's own origin (its
// Origin header names the host it was sent to). Requests without an Origin header come from
// programs, not from a page another site serves, and are let through.
import type { IncomingMessage } from "node:http";

export type OriginCheck = (req: IncomingMessage) => boolean;

export function originChecker(publicOrigin: string | undefined): OriginCheck {
  return (req) => {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    if (publicOrigin) return origin === publicOrigin;
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      return false;
    }
    return (parsed.protocol === "http:" || parsed.protocol === "https:") && parsed.host === req.headers.host;
  };
}

/** Methods that change state (the ones an origin check guards). */
export function changesState(method: string | undefined): boolean {
  return method !== "GET" && method !== "HEAD" && method !== "OPTIONS";
}
