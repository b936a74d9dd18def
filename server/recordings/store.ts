// Where recordings live: one asciicast file per terminal under DATA_DIR/recordings, a database
// row per file (owner, workshop, size). Bounded: each file by RECORDING_MAX_MB, all of them
// together by RECORDINGS_TOTAL_MB (the oldest finished ones are deleted first).
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Config } from "../config";
import type { Db } from "../db";
import type { Logger } from "../log";
import type { TerminalSession } from "../terminal/terminal-session";
import { CastWriter } from "./cast-writer";

export interface RecordingInfo {
  id: string;
  startedAt: string;
  endedAt: string | null;
  bytes: number;
  truncated: boolean;
  workshopId: string | null;
}

const ID = /^[A-Za-z0-9_-]{22}$/;

export class RecordingStore {
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
      { maxBytes: this.cfg.maxBytes, input: this.cfg.input },
      ({ bytes, truncated }) => {
        file.end(() => {
          this.prisma.recording
            .update({ where: { id }, data: { endedAt: new Date(), bytes, truncated: truncated || failed } })
            .then(() => this.prune())
            .catch((err) => this.log.error({ err, recording: id }, "could not finish a recording"));
        });
      },
    );
    term.addTap(writer);
    term.recordingId = id;
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

  /** Deletes the oldest finished recordings while all of them together exceed the limit. */
  async prune(): Promise<number> {
    const total = await this.prisma.recording.aggregate({ _sum: { bytes: true } });
    let excess = (total._sum.bytes ?? 0) - this.cfg.totalBytes;
    let deleted = 0;
    while (excess > 0) {
      const oldest = await this.prisma.recording.findMany({ where: { endedAt: { not: null } }, orderBy: { startedAt: "asc" }, take: 50 });
      if (oldest.length === 0) break;
      for (const r of oldest) {
        if (excess <= 0) break;
        await this.remove(r.id);
        excess -= r.bytes;
        deleted++;
      }
    }
    if (deleted) this.log.info({ deleted }, "recordings: deleted the oldest to stay within RECORDINGS_TOTAL_MB");
    return deleted;
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
