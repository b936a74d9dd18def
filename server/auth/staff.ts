// Instructor and admin accounts: bcrypt-hashed passwords (bcryptjs), sessions stored in the
// database and named by a signed, HttpOnly cookie that expires, and a login rate limit.
// Learners never have accounts (they are guests, see identity.ts).
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import bcrypt from "bcryptjs";
import pLimit from "p-limit";
import { parse, serialize } from "cookie";
import type { Db } from "../db";
import { AttemptCounter } from "./attempts";
import { signValue, verifySignedValue } from "./cookie";
import { DISPLAY_NAME_FALLBACK } from "../../lib/staff-names";

export const STAFF_COOKIE = "cp_staff";
const SESSION_MS = 12 * 3600_000;
const BCRYPT_COST = 12;
/** Login attempts per client address (a class may share one) before a pause. */
const MAX_ATTEMPTS_PER_ADDRESS = 30;
/** Failed logins for one email before each further try waits (never a lock-out). */
const FREE_FAILURES_PER_EMAIL = 5;
const MAX_SLOWDOWN_MS = 30_000;
const FAILURE_WINDOW_MS = 15 * 60_000;
/** bcrypt is CPU work: at most this many comparisons at once, so logins cannot stall the server. */
const BCRYPT_PARALLEL = 2;

export type StaffRole = "admin" | "instructor";

export interface StaffIdentity {
  staffId: string;
  email: string;
  role: StaffRole;
  /** What learners see of this staff member: never the email (DISPLAY_NAME_FALLBACK if unset). */
  displayName: string;
}

export { DISPLAY_NAME_FALLBACK };

/** A display name: 1 to 60 characters of text, trimmed; no control characters. */
export function cleanDisplayName(name: string): string {
  const trimmed = name.trim().replace(/\s+/g, " ");
  if (trimmed.length < 1 || trimmed.length > 60) throw new Error("a display name has 1 to 60 characters");
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) throw new Error("a display name cannot contain control characters");
  if (trimmed.includes("@")) throw new Error("a display name is what learners see: use a name, not an email address");
  return trimmed;
}

function identity(row: { id: string; email: string; role: string; displayName: string | null }): StaffIdentity {
  return { staffId: row.id, email: row.email, role: row.role as StaffRole, displayName: row.displayName ?? DISPLAY_NAME_FALLBACK };
}

export type LoginResult = { ok: true; setCookie: string; staff: StaffIdentity } | { ok: false; reason: "invalid" | "rate_limited" };

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}$/;

export function validEmail(email: string): boolean {
  return EMAIL.test(email);
}

/** How long a login for an email with `failures` recent failures waits before comparing. */
export function loginSlowdownMs(failures: number): number {
  if (failures <= FREE_FAILURES_PER_EMAIL) return 0;
  return Math.min(MAX_SLOWDOWN_MS, 250 * 2 ** (failures - FREE_FAILURES_PER_EMAIL - 1));
}

export interface StaffSessionInfo {
  staff: StaffIdentity;
  sessionId: string;
  expiresAt: Date;
}

export class StaffService {
  private readonly addressAttempts = new AttemptCounter(FAILURE_WINDOW_MS);
  private readonly emailFailures = new AttemptCounter(FAILURE_WINDOW_MS);
  private readonly bcryptSlots = pLimit(BCRYPT_PARALLEL);

  constructor(
    private readonly prisma: Db,
    private readonly secret: string,
    private readonly cookieSecure: "auto" | boolean,
    /** Waits (a clock tests can replace). */
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** Creates an account; throws a clear error for a bad email, weak password or duplicate. */
  async create(email: string, password: string, role: StaffRole, displayName?: string): Promise<StaffIdentity> {
    const normalized = email.trim().toLowerCase();
    if (!validEmail(normalized)) throw new Error(`not an email address: ${email}`);
    if (password.length < 10) throw new Error("the password must have at least 10 characters");
    const shown = displayName === undefined ? null : cleanDisplayName(displayName);
    if (await this.prisma.staff.findUnique({ where: { email: normalized } })) throw new Error(`an account for ${normalized} exists already`);
    const id = `s_${randomBytes(12).toString("base64url")}`;
    const passwordHash = await this.bcryptSlots(() => bcrypt.hash(password, BCRYPT_COST));
    await this.prisma.staff.create({ data: { id, email: normalized, role, passwordHash, displayName: shown } });
    return identity({ id, email: normalized, role, displayName: shown });
  }

  /** Sets the name learners see; throws a clear error for a bad one. */
  async rename(staffId: string, displayName: string): Promise<StaffIdentity> {
    const row = await this.prisma.staff.update({ where: { id: staffId }, data: { displayName: cleanDisplayName(displayName) } });
    return identity(row);
  }

  /** ADMIN_EMAIL/ADMIN_PASSWORD at start: the first admin, if there is no account yet. */
  async ensureFirstAdmin(email: string | undefined, password: string | undefined, displayName?: string): Promise<StaffIdentity | null> {
    if (!email || !password) return null;
    if ((await this.prisma.staff.count()) > 0) return null;
    return this.create(email, password, "admin", displayName);
  }

  async login(req: IncomingMessage, email: string, password: string, address = req.socket.remoteAddress ?? "?"): Promise<LoginResult> {
    const normalized = email.trim().toLowerCase();
    // Counted before the password is compared: parallel guesses cannot all slip in at once.
    if (this.addressAttempts.exceeded(address, MAX_ATTEMPTS_PER_ADDRESS)) return { ok: false, reason: "rate_limited" };
    this.addressAttempts.count(address);
    this.emailFailures.count(normalized);
    // Wrong passwords for an email slow its further tries down instead of locking the real
    // instructor out: the right password still works, later.
    const wait = loginSlowdownMs(this.emailFailures.countOf(normalized));
    if (wait > 0) await this.sleep(wait);
    const staff = await this.prisma.staff.findUnique({ where: { email: normalized } });
    // Compare against a dummy hash for unknown emails: the same time either way.
    const hash = staff?.passwordHash ?? (await dummyHash());
    const ok = await this.bcryptSlots(() => bcrypt.compare(password, hash));
    if (!staff || !ok) return { ok: false, reason: "invalid" };
    // A successful sign-in was not a guess: it counts against nobody.
    this.addressAttempts.uncount(address);
    this.emailFailures.clear(normalized);
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
    return { ok: true, setCookie, staff: identity(staff) };
  }

  /** The signed-in staff member of a request, or null (unsigned, unknown or expired session). */
  async fromCookieHeader(header: string | undefined): Promise<StaffIdentity | null> {
    return (await this.sessionFromCookieHeader(header))?.staff ?? null;
  }

  /** The request's staff session (who, which session, until when), or null. */
  async sessionFromCookieHeader(header: string | undefined): Promise<StaffSessionInfo | null> {
    const sessionId = header ? verifySignedValue(parse(header)[STAFF_COOKIE], this.secret) : null;
    if (!sessionId) return null;
    const session = await this.prisma.staffSession.findUnique({ where: { id: sessionId }, include: { staff: true } });
    if (!session || session.expiresAt <= new Date()) return null;
    return {
      staff: identity(session.staff),
      sessionId,
      expiresAt: session.expiresAt,
    };
  }

  /** Ends the request's session; returns the Set-Cookie that clears the cookie and the session's id. */
  async logout(header: string | undefined): Promise<{ setCookie: string; sessionId: string | null }> {
    const sessionId = header ? verifySignedValue(parse(header)[STAFF_COOKIE], this.secret) : null;
    if (sessionId) await this.prisma.staffSession.deleteMany({ where: { id: sessionId } });
    return { setCookie: serialize(STAFF_COOKIE, "", { httpOnly: true, sameSite: "lax", path: "/", maxAge: 0 }), sessionId };
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
