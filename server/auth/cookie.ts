// Signed guest-identity cookie: "<userId>.<HMAC-SHA256(userId)>" (base64url).
// Pure functions: unit-tested without a server.
import { createHmac, timingSafeEqual } from "node:crypto";
import { parse, serialize } from "cookie";

export const GUEST_COOKIE = "cp_guest";
const ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

function mac(value: string, secret: string): string {
  return createHmac("sha256", secret).update(value).digest("base64url");
}

export function signValue(value: string, secret: string): string {
  if (!ID_PATTERN.test(value)) throw new Error("refusing to sign an invalid identity");
  return `${value}.${mac(value, secret)}`;
}

/** Returns the identity if the signature is valid, else null (never throws). */
export function verifySignedValue(signed: string | undefined, secret: string): string | null {
  if (!signed) return null;
  const dot = signed.lastIndexOf(".");
  if (dot <= 0) return null;
  const value = signed.slice(0, dot);
  if (!ID_PATTERN.test(value)) return null;
  const given = Buffer.from(signed.slice(dot + 1));
  const expected = Buffer.from(mac(value, secret));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return value;
}

/** Reads the guest id from a Cookie header, verifying its signature. */
export function guestIdFromCookieHeader(header: string | undefined, secret: string): string | null {
  if (!header) return null;
  return verifySignedValue(parse(header)[GUEST_COOKIE], secret);
}

export function guestCookie(userId: string, secret: string, secure: boolean): string {
  return serialize(GUEST_COOKIE, signValue(userId, secret), {
    httpOnly: true,
    sameSite: "lax",
    secure,
    path: "/",
    maxAge: 60 * 60 * 24 * 365,
  });
}
