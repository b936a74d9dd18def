// Raised hands and instructor messages of a workshop. Stored, so a reload (learner or
// instructor) shows what is still open; the socket events only announce changes.
import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { SentMessageInfo, WorkshopMessageInfo } from "../../lib/protocol";
import type { Db } from "../db";

export const HandMessage = z.string().trim().max(280, "a hand-raise message is at most 280 characters");
export const MessageBody = z.string().trim().min(1, "type a message").max(1000, "a message is at most 1000 characters");

import type { HandInfo } from "../../lib/protocol";
export type { HandInfo };

export type MessageInfo = WorkshopMessageInfo;

const newId = () => randomBytes(12).toString("base64url");

function messageInfo(m: { id: string; body: string; fromName: string; toUserId: string | null; sentAt: Date }): MessageInfo {
  return { id: m.id, body: m.body, fromName: m.fromName, direct: m.toUserId !== null, sentAt: m.sentAt.toISOString() };
}

export class HelpDesk {
  constructor(private readonly prisma: Db) {}

  /** Raises (or updates the message of) the learner's hand; one open hand per learner. */
  async raise(workshopId: string, userId: string, message: string): Promise<{ id: string }> {
    const open = await this.prisma.handRaise.findFirst({ where: { workshopId, userId, answeredAt: null } });
    if (open) return this.prisma.handRaise.update({ where: { id: open.id }, data: { message } });
    return this.prisma.handRaise.create({ data: { id: newId(), workshopId, userId, message } });
  }

  /** The learner lowers their own hand. */
  async lower(workshopId: string, userId: string): Promise<number> {
    const r = await this.prisma.handRaise.updateMany({ where: { workshopId, userId, answeredAt: null }, data: { answeredAt: new Date(), answeredBy: "learner" } });
    return r.count;
  }

  /** An instructor answers a hand of their workshop; returns the learner, or null if none was open. */
  async answer(workshopId: string, handId: string, by: string): Promise<string | null> {
    const hand = await this.prisma.handRaise.findFirst({ where: { id: handId, workshopId, answeredAt: null } });
    if (!hand) return null;
    await this.prisma.handRaise.update({ where: { id: hand.id }, data: { answeredAt: new Date(), answeredBy: by } });
    return hand.userId;
  }

  async openHands(workshopId: string): Promise<HandInfo[]> {
    const hands = await this.prisma.handRaise.findMany({ where: { workshopId, answeredAt: null }, orderBy: { raisedAt: "asc" } });
    const members = await this.prisma.workshopMember.findMany({ where: { workshopId, userId: { in: hands.map((h) => h.userId) } } });
    const names = new Map(members.map((m) => [m.userId, m.displayName]));
    return hands.map((h) => ({ id: h.id, userId: h.userId, displayName: names.get(h.userId) ?? "?", message: h.message, raisedAt: h.raisedAt.toISOString() }));
  }

  async myHand(workshopId: string, userId: string): Promise<{ message: string; raisedAt: string } | null> {
    const h = await this.prisma.handRaise.findFirst({ where: { workshopId, userId, answeredAt: null } });
    return h ? { message: h.message, raisedAt: h.raisedAt.toISOString() } : null;
  }

  /** Stores a message to everyone (toUserId null) or to one member. */
  async send(workshopId: string, fromName: string, body: string, toUserId: string | null): Promise<MessageInfo> {
    return messageInfo(await this.prisma.workshopMessage.create({ data: { id: newId(), workshopId, fromName, body, toUserId } }));
  }

  /** What staff sent in a workshop, newest first, with each recipient's display name (null: everyone). */
  async sentIn(workshopId: string, take = 100): Promise<SentMessageInfo[]> {
    const [rows, members] = await Promise.all([
      this.prisma.workshopMessage.findMany({ where: { workshopId }, orderBy: { sentAt: "desc" }, take }),
      this.prisma.workshopMember.findMany({ where: { workshopId }, select: { userId: true, displayName: true } }),
    ]);
    const names = new Map(members.map((m) => [m.userId, m.displayName]));
    return rows.map((m) => ({ id: m.id, body: m.body, fromName: m.fromName, to: m.toUserId === null ? null : (names.get(m.toUserId) ?? "a learner who left"), sentAt: m.sentAt.toISOString() }));
  }

  /** The latest messages a learner may see: broadcasts and those sent to them. */
  async messagesFor(workshopId: string, userId: string, take = 20): Promise<MessageInfo[]> {
    const rows = await this.prisma.workshopMessage.findMany({
      where: { workshopId, OR: [{ toUserId: null }, { toUserId: userId }] },
      orderBy: { sentAt: "desc" },
      take,
    });
    return rows.reverse().map(messageInfo);
  }
}
