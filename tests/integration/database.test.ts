// Both databases for real: start-up migration, idempotence, and the client API the server uses.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { after, describe, test } from "node:test";
import pg from "pg";
import type { Config } from "../../server/config";
import { openDatabase, type Database_ } from "../../server/db";
import { migrate, migrationsDir, readMigrations, type SqlRunner } from "../../server/db/migrate";
import { tempDataDir } from "../helpers/env";

async function exercise(db: Database_): Promise<void> {
  const userId = `g_${randomUUID().slice(0, 12)}`;
  await db.prisma.user.create({ data: { id: userId } });
  await db.prisma.playgroundSession.create({
    data: { id: randomUUID(), userId, sandboxName: "sbx-test01", imageRef: "img:1", state: "ready", expiresAt: new Date(Date.now() + 60_000) },
  });
  const found = await db.prisma.playgroundSession.findFirst({ where: { userId, state: "ready" }, include: { user: true } });
  assert.equal(found?.user.kind, "guest");
  await db.prisma.user.delete({ where: { id: userId } });
  assert.equal(await db.prisma.playgroundSession.count({ where: { userId } }), 0, "sessions go with their user");
}

async function twice(database: Config["database"]): Promise<void> {
  const first = await openDatabase(database);
  assert.deepEqual(first.applied, readMigrations(migrationsDir(database.provider)).map((m) => m.name));
  await exercise(first);
  await first.close();
  const second = await openDatabase(database);
  assert.deepEqual(second.applied, [], "a second start applies nothing");
  await second.ping();
  await second.close();
}

describe("SQLite (embedded default)", () => {
  test("a fresh database file is created and migrated on first start", async () => {
    await twice({ provider: "sqlite", url: `file:${path.join(tempDataDir(), "nested", "playground.db")}` });
  });

  test("a migration edited after it was applied is refused", async () => {
    const rows: Record<string, unknown>[] = [];
    const fake: SqlRunner = {
      exec: async () => undefined,
      query: async (sql, params) => {
        if (sql.startsWith("SELECT")) return rows;
        rows.push({ migration_name: params[2], checksum: params[1] });
        return [];
      },
    };
    await migrate(fake, "sqlite", [{ name: "001", sql: "x", checksum: "aaa" }]);
    await assert.rejects(migrate(fake, "sqlite", [{ name: "001", sql: "y", checksum: "bbb" }]), /edited after it was applied/);
  });
});

describe("PostgreSQL (production)", () => {
  const base = process.env.TEST_POSTGRES_URL;
  const dbName = `cp_test_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
  let admin: pg.Client | null = null;

  after(async () => {
    if (admin) {
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.end();
    }
  });

  test("a fresh database is migrated on first start", async () => {
    assert.ok(base, "TEST_POSTGRES_URL must point at a PostgreSQL server (npm test starts one as root)");
    admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    const url = new URL(base);
    url.pathname = `/${dbName}`;
    await twice({ provider: "postgresql", url: url.toString() });
  });
});
