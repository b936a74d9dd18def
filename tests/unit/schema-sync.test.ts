// The SQLite and PostgreSQL schemas must describe the same models, and both must have the
// same migrations, so either database can be chosen by DATABASE_URL.
import assert from "node:assert/strict";
import fs from "node:fs";
import { test } from "node:test";
import { migrationsDir, readMigrations } from "../../server/db/migrate";

const PROVIDER_SPECIFIC = /^\s*(provider\s*=\s*"(sqlite|postgresql)"|output\s*=|\/\/)/;

function models(file: string): string[] {
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => !PROVIDER_SPECIFIC.test(l));
}

test("the PostgreSQL schema matches the SQLite schema except for the provider", () => {
  assert.deepEqual(models("prisma/postgres/schema.prisma"), models("prisma/schema.prisma"));
});

test("both providers have the same migration history", () => {
  const sqlite = readMigrations(migrationsDir("sqlite")).map((m) => m.name);
  const pg = readMigrations(migrationsDir("postgresql")).map((m) => m.name);
  assert.ok(sqlite.length > 0);
  assert.deepEqual(pg, sqlite);
});
