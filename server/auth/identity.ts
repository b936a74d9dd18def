// Guest identities: the one place that turns a request's cookie into a user id, and the one
// place that answers "may this identity touch that session?".
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Db } from "../db";
import { guestCookie, guestIdFromCookieHeader } from "./cookie";

export interface Identity {
  userId: string;
}

export class IdentityService {
  constructor(
    private readonly prisma: Db,
    /** The guest-cookie key (deriveKey(secret, "guest-cookie")). */
    private readonly secret: string,
    private readonly cookieSecure: "auto" | boolean,
    /**
     * The raw secret that signed guest cookies before keys were derived per purpose: still
     * accepted for guests (learners keep their progress), and re-signed on their next visit.
     */
    private readonly legacySecret?: string,
  ) {}

  private verify(header: string | undefined): { userId: string; legacy: boolean } | null {
    const userId = guestIdFromCookieHeader(header, this.secret);
    if (userId) return { userId, legacy: false };
    const old = this.legacySecret ? guestIdFromCookieHeader(header, this.legacySecret) : null;
    return old ? { userId: old, legacy: true } : null;
  }

  /** Identity from a signed cookie whose user still exists, else null. */
  async fromCookieHeader(header: string | undefined): Promise<Identity | null> {
    const verified = this.verify(header);
    if (!verified) return null;
    const user = await this.prisma.user.findUnique({ where: { id: verified.userId } });
    if (!user) return null;
    return { userId: verified.userId };
  }

  /** Returns the request's identity, creating a guest (and its Set-Cookie) when it has none. */
  async ensureGuest(req: IncomingMessage): Promise<{ identity: Identity; setCookie?: string }> {
    const existing = await this.fromCookieHeader(req.headers.cookie);
    if (existing) {
      await this.prisma.user.update({ where: { id: existing.userId }, data: { lastSeenAt: new Date() } });
      if (this.verify(req.headers.cookie)?.legacy) {
        const secure = this.cookieSecure === "auto" ? isHttps(req) : this.cookieSecure;
        return { identity: existing, setCookie: guestCookie(existing.userId, this.secret, secure) };
      }
      return { identity: existing };
    }
    const userId = `g_${randomBytes(12).toString("base64url")}`;
    await this.prisma.user.create({ data: { id: userId, kind: "guest" } });
    const secure = this.cookieSecure === "auto" ? isHttps(req) : this.cookieSecure;
    return { identity: { userId }, setCookie: guestCookie(userId, this.secret, secure) };
  }
}

export type NameResult = { ok: true; name: string; code: string } | { ok: false; reason: "taken" | "invalid" };

/** Names learners choose: 3-40 letters, digits, spaces, dots, dashes, underscores. */
export const NAME_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N} ._-]{1,38}[\p{L}\p{N}]$/u;

/** A recovery code: 80 random bits as four groups of five base32 characters. */
function newRecoveryCode(): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
  const bytes = randomBytes(20);
  const chars = [...bytes].map((b) => alphabet[b % alphabet.length]).join("");
  return chars.match(/.{5}/g)!.join("-");
}

function hashCode(code: string): string {
  return createHash("sha256").update(code.trim().toLowerCase()).digest("hex");
}

/**
 * Keeping progress: a guest names themselves and gets a recovery code (shown once); with
 * both, any browser can continue as that learner.
 */
export class NamedGuests {
  constructor(
    private readonly prisma: Db,
    private readonly secret: string,
    private readonly cookieSecure: "auto" | boolean,
  ) {}

  async name(userId: string, rawName: string): Promise<NameResult> {
    const name = rawName.trim().replace(/\s+/g, " ");
    if (!NAME_PATTERN.test(name)) return { ok: false, reason: "invalid" };
    const code = newRecoveryCode();
    try {
      await this.prisma.user.update({ where: { id: userId }, data: { displayName: name, nameKey: name.toLowerCase(), recoveryHash: hashCode(code) } });
    } catch (err) {
      if ((err as { code?: string }).code === "P2002") return { ok: false, reason: "taken" };
      throw err;
    }
    return { ok: true, name, code };
  }

  async current(userId: string): Promise<string | null> {
    return (await this.prisma.user.findUnique({ where: { id: userId }, select: { displayName: true } }))?.displayName ?? null;
  }

  /** The Set-Cookie that continues as the named learner, or null when name or code is wrong. */
  async restore(req: IncomingMessage, rawName: string, code: string): Promise<string | null> {
    const user = await this.prisma.user.findUnique({ where: { nameKey: rawName.trim().replace(/\s+/g, " ").toLowerCase() } });
    const expected = Buffer.from(user?.recoveryHash ?? "0".repeat(64), "hex");
    const given = Buffer.from(hashCode(code), "hex");
    if (!user || !user.recoveryHash || !timingSafeEqual(expected, given)) return null;
    const secure = this.cookieSecure === "auto" ? isHttps(req) : this.cookieSecure;
    return guestCookie(user.id, this.secret, secure);
  }
}

function isHttps(req: IncomingMessage): boolean {
  const proto = req.headers["x-forwarded-proto"];
  return (req.socket as { encrypted?: boolean }).encrypted === true || proto === "https";
}
