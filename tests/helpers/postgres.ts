// A fresh PostgreSQL database per test file, on the server `npm test` starts (TEST_POSTGRES_URL).
// Fails, never skips, when there is none: production runs on PostgreSQL.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import pg from "pg";

export interface TestPostgres {
  url: string;
  /** Drops the database (connections still open are closed by force). */
  drop(): Promise<void>;
}

export async function freshPostgresDatabase(): Promise<TestPostgres> {
  const base = process.env.TEST_POSTGRES_URL;
  assert.ok(base, "TEST_POSTGRES_URL must point at a PostgreSQL server (npm test starts one as root)");
  const name = `cp_test_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}
