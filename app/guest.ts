import { api } from "./api-client";

// One guest identity per page: every part of the page that needs the cookie waits for the
// same request, so two parallel first visits never create two guests.
let pending: Promise<boolean> | null = null;

/** Resolves true once the browser holds a playground cookie (false if the server is unreachable). */
export function ensureGuest(): Promise<boolean> {
  pending ??= api("/api/guest", { method: "POST", body: {} })
    .then((res) => res.ok)
    .then((ok) => {
      if (!ok) pending = null; // let a retry ask again
      return ok;
    });
  return pending;
}
