// Both databases for real: start-up migration, idempotence, and the client API the server uses.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { after, describe, test } from "node:test";
import type { Config } from "../../server/config";
import { openDatabase, type Database_ } from "../../server/db";
import { migrate, migrationsDir, readMigrations, type SqlRunner } from "../../server/db/migrate";
import { ManualClock } from "../../server/lifecycle/clock";
import { SERVER_DEAD_AFTER_MS, ServerRegistry } from "../../server/lifecycle/servers";
import { tempDataDir } from "../helpers/env";
import { freshPostgresDatabase, type TestPostgres } from "../helpers/postgres";

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

  test("commits do not wait for the disk (write-ahead log, synchronous NORMAL), and a second server's client on the file sees them at once", async () => {
    const database = { provider: "sqlite", url: `file:${path.join(tempDataDir(), "wal.db")}` } as const;
    const first = await openDatabase(database);
    const second = await openDatabase(database);
    try {
      assert.deepEqual(await first.prisma.$queryRawUnsafe("PRAGMA journal_mode"), [{ journal_mode: "wal" }]);
      // 1 = NORMAL (2 = FULL, SQLite's default: an fsync on the event loop at every commit).
      assert.deepEqual(await first.prisma.$queryRawUnsafe("PRAGMA synchronous"), [{ synchronous: 1n }]);
      const userId = `g_${randomUUID().slice(0, 12)}`;
      await first.prisma.user.create({ data: { id: userId } });
      assert.equal((await second.prisma.user.findUnique({ where: { id: userId } }))?.id, userId);
    } finally {
      await first.close();
      await second.close();
    }
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
  let database: TestPostgres | null = null;

  after(async () => {
    await database?.drop();
  });

  test("a fresh database is migrated on first start", async () => {
    database = await freshPostgresDatabase();
    await twice({ provider: "postgresql", url: database.url });
  });

  test("app servers sharing it: heartbeats tell who is alive, and one lease has one holder, even when they race", async () => {
    assert.ok(database, "the database of the test before");
    const dbs = [await openDatabase({ provider: "postgresql", url: database.url }), await openDatabase({ provider: "postgresql", url: database.url })];
    try {
      const clock = new ManualClock();
      const [a, b] = dbs.map((db, i) => new ServerRegistry(db.prisma, `app-${i}`, clock));
      await Promise.all([a.beat(), b.beat()]);
      assert.deepEqual([...(await a.live())].sort(), ["app-0", "app-1"]);
      // Both try at once, many times: exactly one wins each round, and it is always the same.
      for (let round = 0; round < 5; round++) {
        const wins = await Promise.all([a.acquire("reconciler", 60_000), b.acquire("reconciler", 60_000), a.acquire("reconciler", 60_000), b.acquire("reconciler", 60_000)]);
        const holders = new Set(wins.map((won, i) => (won ? (i % 2 === 0 ? "a" : "b") : null)).filter(Boolean));
        assert.equal(holders.size, 1, `round ${round}: one holder (${JSON.stringify(wins)})`);
      }
      const holder = (await a.acquire("reconciler", 60_000)) ? a : b;
      const other = holder === a ? b : a;
      assert.equal(await other.acquire("reconciler", 60_000), false);
      // The holder stops beating and renewing: past the lease and the heartbeat window, the other takes over.
      clock.advance(SERVER_DEAD_AFTER_MS + 60_000);
      await other.beat();
      assert.deepEqual([...(await other.live())], [other.id], "the silent one counts as dead");
      assert.equal(await other.acquire("reconciler", 60_000), true, "an expired lease is taken over");
      assert.equal(await holder.acquire("reconciler", 60_000), false, "and the old holder does not get it back");
      await other.leave();
      assert.equal(await holder.acquire("reconciler", 60_000), true, "a clean stop gives it up at once");
    } finally {
      for (const db of dbs) await db.close();
    }
  });
});
