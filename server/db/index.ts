// The Prisma client for the configured database, plus start-up migration.
// No other module imports Prisma's generated code or the raw drivers.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as SqliteClient } from "./generated/sqlite/client";
import { PrismaClient as PostgresClient } from "./generated/postgres/client";
import type { Config } from "../config";
import { migrate, migrationsDir, readMigrations, type SqlRunner } from "./migrate";

/** Both generated clients expose the same model API; code is typed against one. */
export type Db = SqliteClient;

export interface Database_ {
  prisma: Db;
  provider: Config["database"]["provider"];
  /** Names of migrations applied by this start. */
  applied: string[];
  ping(): Promise<void>;
  /** This installation's id (created on first start), used to label its sandboxes. */
  installationId(): Promise<string>;
  close(): Promise<void>;
}

function sqlitePath(url: string): string {
  return url.replace(/^file:/, "");
}

async function withRunner<T>(db: Config["database"], fn: (r: SqlRunner) => Promise<T>): Promise<T> {
  if (db.provider === "sqlite") {
    const file = sqlitePath(db.url);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const conn = new Database(file);
    // Write-ahead logging, kept in the file: a commit appends to the log instead of
    // rewriting a rollback journal with several fsyncs, and readers never wait for writers.
    conn.pragma("journal_mode = WAL");
    try {
      return await fn({
        exec: async (sql) => void conn.exec(sql),
        query: async (sql, params) => {
          const stmt = conn.prepare(sql);
          return stmt.reader ? (stmt.all(...params) as Record<string, unknown>[]) : (stmt.run(...params), []);
        },
      });
    } finally {
      conn.close();
    }
  }
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return await fn({
      exec: async (sql) => void (await client.query(sql)),
      query: async (sql, params) => (await client.query(sql, params)).rows,
    });
  } finally {
    await client.end();
  }
}

/** Creates the database if needed, applies migrations, and returns a connected client. */
export async function openDatabase(db: Config["database"], root = process.cwd()): Promise<Database_> {
  const applied = await withRunner(db, (r) => migrate(r, db.provider, readMigrations(migrationsDir(db.provider, root))));
  const prisma =
    db.provider === "sqlite"
      ? new SqliteClient({ adapter: new PrismaBetterSQLite3({ url: db.url }) })
      : (new PostgresClient({ adapter: new PrismaPg({ connectionString: db.url }) }) as unknown as Db);
  // better-sqlite3 runs on the event loop: with SQLite's default (an fsync at every commit)
  // each write stops every socket of the server while the disk syncs, seconds in all when
  // a class joins on a busy disk. In WAL mode NORMAL syncs only at checkpoints; a killed
  // server loses nothing (the log is in the page cache), a power cut at most the last commits.
  // (The adapter holds one connection, so the setting holds for all of this client's queries.)
  if (db.provider === "sqlite") await prisma.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
  return {
    prisma,
    provider: db.provider,
    applied,
    ping: async () => {
      await prisma.user.count();
    },
    installationId: async () => {
      const first = () => prisma.installation.findFirst({ orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
      const existing = await first();
      if (existing) return existing.id;
      await prisma.installation.create({ data: { id: `cp-${randomBytes(6).toString("hex")}` } });
      return (await first())!.id; // two servers racing on one database agree on the oldest row
    },
    close: () => prisma.$disconnect(),
  };
}
