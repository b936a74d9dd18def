// Guest identities: the one place that turns a request's cookie into a user id, and the one
// place that answers "may this identity touch that session?".
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Db } from "../db";
import { guestCookie, guestIdFromCookieHeader } from "./cookie";

export interface Identity {
  userId: string;
}

export class IdentityService {
  constructor(
    private readonly prisma: Db,
    private readonly secret: string,
    private readonly cookieSecure: "auto" | boolean,
  ) {}

  /** Identity from a signed cookie whose user still exists, else null. */
  async fromCookieHeader(header: string | undefined): Promise<Identity | null> {
    const userId = guestIdFromCookieHeader(header, this.secret);
    if (!userId) return null;
    const user = await this.prisma.user.findUnique({ where: { id: userId } });
    if (!user) return null;
    return { userId };
  }

  /** Returns the request's identity, creating a guest (and its Set-Cookie) when it has none. */
  async ensureGuest(req: IncomingMessage): Promise<{ identity: Identity; setCookie?: string }> {
    const existing = await this.fromCookieHeader(req.headers.cookie);
    if (existing) {
      await this.prisma.user.update({ where: { id: existing.userId }, data: { lastSeenAt: new Date() } });
      return { identity: existing };
    }
    const userId = `g_${randomBytes(12).toString("base64url")}`;
    await this.prisma.user.create({ data: { id: userId, kind: "guest" } });
    const secure = this.cookieSecure === "auto" ? isHttps(req) : this.cookieSecure;
    return { identity: { userId }, setCookie: guestCookie(userId, this.secret, secure) };
  }
}

function isHttps(req: IncomingMessage): boolean {
  const proto = req.headers["x-forwarded-proto"];
  return (req.socket as { encrypted?: boolean }).encrypted === true || proto === "https";
}

/** A learner may only act on sessions they own. */
export function mayUseSession(identity: Identity, session: { userId: string }): boolean {
  return identity.userId === session.userId;
}
