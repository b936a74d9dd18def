// Applies prisma/<provider>/migrations in order at start-up, recording each in Prisma's own
// `_prisma_migrations` table (same checksum Prisma uses), so one migration history serves
// both this offline path and a native `prisma migrate deploy` on a host that has it.
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { DatabaseProvider } from "../config";

export interface SqlRunner {
  /** Runs a script that may hold several statements. */
  exec(sql: string): Promise<void>;
  query(sql: string, params: unknown[]): Promise<Record<string, unknown>[]>;
}

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function migrationsDir(provider: DatabaseProvider, root = process.cwd()): string {
  return provider === "sqlite"
    ? path.join(root, "prisma", "migrations")
    : path.join(root, "prisma", "postgres", "migrations");
}

export function readMigrations(dir: string): Migration[] {
  if (!fs.existsSync(dir)) throw new Error(`Migrations folder not found: ${dir}`);
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

const CREATE_TABLE: Record<DatabaseProvider, string> = {
  sqlite: `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME,
    "migration_name" TEXT NOT NULL, "logs" TEXT, "rolled_back_at" DATETIME,
    "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`,
  postgresql: `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMPTZ, "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ, "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`,
};

/** Applies pending migrations; returns the names it applied. Refuses edited migrations. */
export async function migrate(
  db: SqlRunner,
  provider: DatabaseProvider,
  migrations: Migration[],
): Promise<string[]> {
  await db.exec(CREATE_TABLE[provider]);
  const rows = await db.query(
    `SELECT "migration_name", "checksum" FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL AND "rolled_back_at" IS NULL`,
    [],
  );
  const applied = new Map(rows.map((r) => [String(r.migration_name), String(r.checksum)]));
  const done: string[] = [];
  for (const m of migrations) {
    const previous = applied.get(m.name);
    if (previous !== undefined) {
      if (previous !== m.checksum) {
        throw new Error(`Migration ${m.name} was edited after it was applied (checksum differs).`);
      }
      continue;
    }
    await db.exec(provider === "postgresql" ? `BEGIN;\n${m.sql}\nCOMMIT;` : `BEGIN;\n${m.sql}\nCOMMIT;`);
    const p = provider === "postgresql" ? ["$1", "$2", "$3"] : ["?", "?", "?"];
    await db.query(
      `INSERT INTO "_prisma_migrations" ("id", "checksum", "migration_name", "finished_at", "applied_steps_count") VALUES (${p[0]}, ${p[1]}, ${p[2]}, CURRENT_TIMESTAMP, 1)`,
      [randomUUID(), m.checksum, m.name],
    );
    done.push(m.name);
  }
  return done;
}
