// Instructor and admin accounts: bcrypt-hashed passwords (bcryptjs), sessions stored in the
// database and named by a signed, HttpOnly cookie that expires, and a login rate limit.
// Learners never have accounts (they are guests, see identity.ts).
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import bcrypt from "bcryptjs";
import { parse, serialize } from "cookie";
import type { Db } from "../db";
import { AttemptCounter } from "./attempts";
import { signValue, verifySignedValue } from "./cookie";

export const STAFF_COOKIE = "cp_staff";
const SESSION_MS = 12 * 3600_000;
const BCRYPT_COST = 12;
/** Failed logins per email, and per client address (a class may share one), before a pause. */
const MAX_FAILURES_PER_EMAIL = 5;
const MAX_FAILURES_PER_ADDRESS = 30;
const FAILURE_WINDOW_MS = 15 * 60_000;

export type StaffRole = "admin" | "instructor";

export interface StaffIdentity {
  staffId: string;
  email: string;
  role: StaffRole;
}

export type LoginResult = { ok: true; setCookie: string; staff: StaffIdentity } | { ok: false; reason: "invalid" | "rate_limited" };

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}$/;

export function validEmail(email: string): boolean {
  return EMAIL.test(email);
}

export class StaffService {
  private readonly failures = new AttemptCounter(FAILURE_WINDOW_MS);

  constructor(
    private readonly prisma: Db,
    private readonly secret: string,
    private readonly cookieSecure: "auto" | boolean,
  ) {}

  /** Creates an account; throws a clear error for a bad email, weak password or duplicate. */
  async create(email: string, password: string, role: StaffRole): Promise<StaffIdentity> {
    const normalized = email.trim().toLowerCase();
    if (!validEmail(normalized)) throw new Error(`not an email address: ${email}`);
    if (password.length < 10) throw new Error("the password must have at least 10 characters");
    if (await this.prisma.staff.findUnique({ where: { email: normalized } })) throw new Error(`an account for ${normalized} exists already`);
    const id = `s_${randomBytes(12).toString("base64url")}`;
    await this.prisma.staff.create({ data: { id, email: normalized, role, passwordHash: await bcrypt.hash(password, BCRYPT_COST) } });
    return { staffId: id, email: normalized, role };
  }

  /** ADMIN_EMAIL/ADMIN_PASSWORD at start: the first admin, if there is no account yet. */
  async ensureFirstAdmin(email: string | undefined, password: string | undefined): Promise<StaffIdentity | null> {
    if (!email || !password) return null;
    if ((await this.prisma.staff.count()) > 0) return null;
    return this.create(email, password, "admin");
  }

  async login(req: IncomingMessage, email: string, password: string): Promise<LoginResult> {
    const normalized = email.trim().toLowerCase();
    const keys = [`email:${normalized}`, `ip:${req.socket.remoteAddress ?? "?"}`];
    const max = (key: string) => (key.startsWith("ip:") ? MAX_FAILURES_PER_ADDRESS : MAX_FAILURES_PER_EMAIL);
    if (keys.some((k) => this.failures.exceeded(k, max(k)))) return { ok: false, reason: "rate_limited" };
    const staff = await this.prisma.staff.findUnique({ where: { email: normalized } });
    // Compare against a dummy hash for unknown emails: the same time either way.
    const ok = await bcrypt.compare(password, staff?.passwordHash ?? (await dummyHash()));
    if (!staff || !ok) {
      keys.forEach((k) => this.failures.count(k));
      return { ok: false, reason: "invalid" };
    }
    keys.forEach((k) => this.failures.clear(k));
    const sessionId = randomBytes(24).toString("base64url");
    const expiresAt = new Date(Date.now() + SESSION_MS);
    await this.prisma.staffSession.create({ data: { id: sessionId, staffId: staff.id, expiresAt } });
    const secure = this.cookieSecure === "auto" ? isHttps(req) : this.cookieSecure;
    const setCookie = serialize(STAFF_COOKIE, signValue(sessionId, this.secret), {
      httpOnly: true,
      sameSite: "lax",
      secure,
      path: "/",
      maxAge: SESSION_MS / 1000,
    });
    return { ok: true, setCookie, staff: { staffId: staff.id, email: staff.email, role: staff.role as StaffRole } };
  }

  /** The signed-in staff member of a request, or null (unsigned, unknown or expired session). */
  async fromCookieHeader(header: string | undefined): Promise<StaffIdentity | null> {
    const sessionId = header ? verifySignedValue(parse(header)[STAFF_COOKIE], this.secret) : null;
    if (!sessionId) return null;
    const session = await this.prisma.staffSession.findUnique({ where: { id: sessionId }, include: { staff: true } });
    if (!session || session.expiresAt <= new Date()) return null;
    return { staffId: session.staff.id, email: session.staff.email, role: session.staff.role as StaffRole };
  }

  /** Ends the request's session; returns the Set-Cookie that clears the cookie. */
  async logout(header: string | undefined): Promise<string> {
    const sessionId = header ? verifySignedValue(parse(header)[STAFF_COOKIE], this.secret) : null;
    if (sessionId) await this.prisma.staffSession.deleteMany({ where: { id: sessionId } });
    return serialize(STAFF_COOKIE, "", { httpOnly: true, sameSite: "lax", path: "/", maxAge: 0 });
  }

  async list(): Promise<{ email: string; role: string; createdAt: Date }[]> {
    return this.prisma.staff.findMany({ select: { email: true, role: true, createdAt: true }, orderBy: { createdAt: "asc" } });
  }
}

let dummy: Promise<string> | null = null;
/** A real hash to compare unknown emails against, made once. */
function dummyHash(): Promise<string> {
  dummy ??= bcrypt.hash(randomBytes(16).toString("hex"), BCRYPT_COST);
  return dummy;
}

function isHttps(req: IncomingMessage): boolean {
  return (req.socket as { encrypted?: boolean }).encrypted === true || req.headers["x-forwarded-proto"] === "https";
}
