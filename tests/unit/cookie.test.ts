import assert from "node:assert/strict";
import { test } from "node:test";
import { GUEST_COOKIE, guestCookie, guestIdFromCookieHeader, signValue, verifySignedValue } from "../../server/auth/cookie";

const SECRET = "s".repeat(40);

test("a signed identity verifies with the same secret", () => {
  const signed = signValue("g_abcdefgh123", SECRET);
  assert.equal(verifySignedValue(signed, SECRET), "g_abcdefgh123");
});

test("tampered, foreign or malformed values are rejected", () => {
  const signed = signValue("g_abcdefgh123", SECRET);
  assert.equal(verifySignedValue(signed, "t".repeat(40)), null);
  assert.equal(verifySignedValue(signed.replace("g_abcdefgh123", "g_abcdefgh124"), SECRET), null);
  assert.equal(verifySignedValue(signed.slice(0, -2), SECRET), null);
  assert.equal(verifySignedValue("g_abcdefgh123", SECRET), null);
  assert.equal(verifySignedValue("", SECRET), null);
  assert.equal(verifySignedValue(undefined, SECRET), null);
  assert.equal(verifySignedValue(".abc", SECRET), null);
  assert.throws(() => signValue("bad id with spaces", SECRET));
});

test("the cookie is HttpOnly, SameSite and signed", () => {
  const header = guestCookie("g_abcdefgh123", SECRET, true);
  assert.match(header, new RegExp(`^${GUEST_COOKIE}=`));
  assert.match(header, /HttpOnly/);
  assert.match(header, /SameSite=Lax/);
  assert.match(header, /Secure/);
  assert.doesNotMatch(guestCookie("g_abcdefgh123", SECRET, false), /Secure/);
  const value = header.split(";")[0];
  assert.equal(guestIdFromCookieHeader(`other=1; ${value}`, SECRET), "g_abcdefgh123");
  assert.equal(guestIdFromCookieHeader("other=1", SECRET), null);
});
