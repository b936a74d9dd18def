// Where recordings live: one asciicast file per terminal under DATA_DIR/recordings, a database
// row per file (owner, workshop, size). Bounded three ways:
// - each file by RECORDING_MAX_MB;
// - each learner by RECORDINGS_PER_LEARNER_MB: a new recording first makes room by deleting
//   that learner's own oldest ones, and may only grow into what is left (open recordings
//   reserve their whole allowance, so parallel terminals cannot overshoot);
// - all of them by RECORDINGS_TOTAL_MB, counting open recordings too: the learner using the
//   most loses their oldest first, so one learner's output never deletes everyone else's.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Config } from "../config";
import type { Db } from "../db";
import type { Logger } from "../log";
import type { TerminalSession } from "../terminal/terminal-session";
import { CastWriter } from "./cast-writer";

import type { RecordingInfo } from "../../lib/protocol";
export type { RecordingInfo };

const ID = /^[A-Za-z0-9_-]{22}$/;
/** A recording smaller than this is not worth starting: the learner's quota is used up. */
const MIN_RECORDING_BYTES = 4096;

interface OpenRecording {
  userId: string;
  writer: CastWriter;
  /** The most it may grow to (reserved from the learner's quota while it is open). */
  cap: number;
}

export class RecordingStore {
  /** Recordings being written, by id (their bytes count before they are in the database). */
  private readonly writing = new Map<string, OpenRecording>();

  constructor(
    private readonly prisma: Db,
    private readonly cfg: Config["recordings"],
    private readonly log: Logger,
  ) {
    fs.mkdirSync(cfg.dir, { recursive: true, mode: 0o700 });
  }

  /** Whether a terminal of a learner in (or not in) a workshop is recorded. */
  records(inWorkshop: boolean): boolean {
    return this.cfg.mode === "all" || (this.cfg.mode === "workshop" && inWorkshop);
  }

  static isId(id: string): boolean {
    return ID.test(id);
  }

  fileOf(id: string): string {
    if (!RecordingStore.isId(id)) throw new Error("bad recording id");
    return path.join(this.cfg.dir, `${id}.cast`);
  }

  /** Starts recording a terminal (when the configuration says so); sets term.recordingId. */
  async begin(term: TerminalSession, workshopId: string | null): Promise<void> {
    if (!this.records(workshopId !== null)) return;
    const userId = term.owner.userId;
    const cap = Math.min(this.cfg.maxBytes, await this.roomFor(userId));
    if (cap < MIN_RECORDING_BYTES) {
      this.log.info({ userId }, "recordings: this learner's quota is used up by open recordings; this terminal is not recorded");
      return;
    }
    const id = randomBytes(16).toString("base64url");
    await this.prisma.recording.create({ data: { id, userId: term.owner.userId, sessionId: term.owner.sessionId, workshopId } });
    const file = fs.createWriteStream(this.fileOf(id), { flags: "wx", mode: 0o600 });
    let failed = false;
    file.on("error", (err) => {
      failed = true;
      this.log.error({ err, recording: id }, "could not write a recording; the rest of this session is not recorded");
    });
    const { cols, rows } = term.dimensions;
    const writer = new CastWriter(
      (line) => {
        if (!failed) file.write(line); // buffered by the stream; never blocks the shell
      },
      { width: cols, height: rows, timestamp: Date.now() / 1000 },
      { maxBytes: cap, input: this.cfg.input },
      ({ bytes, truncated }) => {
        file.end(() => {
          this.prisma.recording
            .update({ where: { id }, data: { endedAt: new Date(), bytes, truncated: truncated || failed } })
            .then(() => this.writing.delete(id))
            .then(() => this.prune())
            .catch((err) => this.log.error({ err, recording: id }, "could not finish a recording"));
        });
      },
    );
    this.writing.set(id, { userId, writer, cap });
    term.addTap(writer);
    term.recordingId = id;
    await this.prune();
  }

  /**
   * How many bytes a new recording of this learner may grow to: their quota minus what they
   * keep and what their open recordings reserve. Deletes their own oldest finished recordings
   * first when a full-size recording would not fit.
   */
  private async roomFor(userId: string): Promise<number> {
    const reserved = [...this.writing.values()].filter((o) => o.userId === userId).reduce((n, o) => n + o.cap, 0);
    const finished = await this.prisma.recording.findMany({ where: { userId, endedAt: { not: null } }, orderBy: { startedAt: "asc" }, select: { id: true, bytes: true } });
    let kept = finished.reduce((n, r) => n + r.bytes, 0);
    for (const r of finished) {
      if (reserved + kept + this.cfg.maxBytes <= this.cfg.perLearnerBytes) break;
      await this.remove(r.id);
      kept -= r.bytes;
    }
    if (kept < finished.reduce((n, r) => n + r.bytes, 0)) this.log.info({ userId }, "recordings: deleted this learner's oldest to stay within RECORDINGS_PER_LEARNER_MB");
    return this.cfg.perLearnerBytes - reserved - kept;
  }

  /** After a crash: recordings left open are finished with the size of their file. */
  async recover(): Promise<number> {
    const open = await this.prisma.recording.findMany({ where: { endedAt: null } });
    for (const r of open) {
      const bytes = fs.statSync(this.fileOf(r.id), { throwIfNoEntry: false })?.size ?? 0;
      await this.prisma.recording.update({ where: { id: r.id }, data: { endedAt: new Date(), bytes } });
    }
    return open.length;
  }

  /**
   * While all recordings together (open ones as written so far) exceed the total limit,
   * deletes the oldest finished recording of the learner who uses the most.
   */
  async prune(): Promise<number> {
    const usage = new Map<string, number>();
    const add = (userId: string, bytes: number) => usage.set(userId, (usage.get(userId) ?? 0) + bytes);
    const finished = await this.prisma.recording.groupBy({ by: ["userId"], where: { endedAt: { not: null } }, _sum: { bytes: true } });
    for (const f of finished) add(f.userId, f._sum.bytes ?? 0);
    for (const o of this.writing.values()) add(o.userId, o.writer.bytes);
    let total = [...usage.values()].reduce((a, b) => a + b, 0);
    let deleted = 0;
    while (total > this.cfg.totalBytes) {
      const heaviest = [...usage.entries()].sort((a, b) => b[1] - a[1]);
      let freed = false;
      for (const [userId] of heaviest) {
        const oldest = await this.prisma.recording.findFirst({ where: { userId, endedAt: { not: null } }, orderBy: { startedAt: "asc" } });
        if (!oldest) continue;
        await this.remove(oldest.id);
        usage.set(userId, (usage.get(userId) ?? 0) - oldest.bytes);
        total -= oldest.bytes;
        deleted++;
        freed = true;
        break;
      }
      if (!freed) break; // only open recordings are left; they stop at their caps
    }
    if (deleted) this.log.info({ deleted }, "recordings: deleted the heaviest learners' oldest to stay within RECORDINGS_TOTAL_MB");
    return deleted;
  }

  /** Bytes a learner's recordings take, open ones included (for tests and the dashboard). */
  async usageOf(userId: string): Promise<number> {
    const finished = await this.prisma.recording.aggregate({ where: { userId, endedAt: { not: null } }, _sum: { bytes: true } });
    const open = [...this.writing.values()].filter((o) => o.userId === userId).reduce((n, o) => n + o.writer.bytes, 0);
    return (finished._sum.bytes ?? 0) + open;
  }

  private async remove(id: string): Promise<void> {
    fs.rmSync(this.fileOf(id), { force: true });
    await this.prisma.recording.delete({ where: { id } }).catch(() => undefined);
  }

  async get(id: string) {
    if (!RecordingStore.isId(id)) return null;
    return this.prisma.recording.findUnique({ where: { id } });
  }

  /** A learner's recordings, newest first (optionally only those of one workshop). */
  async listFor(userId: string, workshopId?: string): Promise<RecordingInfo[]> {
    const rows = await this.prisma.recording.findMany({
      where: { userId, ...(workshopId ? { workshopId } : {}) },
      orderBy: { startedAt: "desc" },
      take: 100,
    });
    return rows.map((r) => ({
      id: r.id,
      startedAt: r.startedAt.toISOString(),
      endedAt: r.endedAt?.toISOString() ?? null,
      bytes: r.endedAt ? r.bytes : (fs.statSync(this.fileOf(r.id), { throwIfNoEntry: false })?.size ?? 0),
      truncated: r.truncated,
      workshopId: r.workshopId,
    }));
  }

  /** The cast file's stream (the caller has checked who is asking). */
  open(id: string): fs.ReadStream | null {
    const file = this.fileOf(id);
    return fs.existsSync(file) ? fs.createReadStream(file) : null;
  }
}
