// The audit log of what staff did to learners' terminals (taking and releasing control).
import { randomBytes } from "node:crypto";
import type { StaffIdentity } from "../auth/staff";
import type { Db } from "../db";

export type AuditAction = "control:start" | "control:stop" | "watch:start" | "watch:stop";

import type { AuditEntry } from "../../lib/protocol";
export type { AuditEntry };

export class AuditLog {
  constructor(private readonly prisma: Db) {}

  async record(staff: StaffIdentity, action: AuditAction, target: { workshopId: string; userId: string }, detail = ""): Promise<void> {
    await this.prisma.auditEvent.create({
      data: { id: randomBytes(12).toString("base64url"), staffId: staff.staffId, staffEmail: staff.email, action, detail, ...target },
    });
  }

  /** A workshop's entries, newest first (the caller has checked the workshop is theirs). */
  async forWorkshop(workshopId: string, take = 200): Promise<AuditEntry[]> {
    const rows = await this.prisma.auditEvent.findMany({ where: { workshopId }, orderBy: { at: "desc" }, take });
    const members = await this.prisma.workshopMember.findMany({ where: { workshopId } });
    const names = new Map(members.map((m) => [m.userId, m.displayName]));
    return rows.map((r) => ({
      at: r.at.toISOString(),
      staffEmail: r.staffEmail,
      userId: r.userId,
      displayName: r.userId ? (names.get(r.userId) ?? null) : null,
      action: r.action,
      detail: r.detail,
    }));
  }
}
