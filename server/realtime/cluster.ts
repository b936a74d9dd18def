// Several app servers on one PostgreSQL database hear each other's socket.io broadcasts
// through PostgreSQL's LISTEN/NOTIFY (@socket.io/postgres-adapter): a message to a learner's
// room reaches their page whichever server holds its socket, with no service beyond the
// database the servers share anyway. With SQLite there is one server, and socket.io's
// in-memory adapter is all it needs.
import { createAdapter } from "@socket.io/postgres-adapter";
import pg from "pg";
import type { Config } from "../config";
import type { Logger } from "../log";

/** Where the adapter parks payloads over NOTIFY's 8000-byte limit (its own table, not Prisma's). */
const ATTACHMENTS_TABLE = "socket_io_attachments";

export interface RealtimeCluster {
  /** The socket.io `adapter` option. */
  adapter: ReturnType<typeof createAdapter>;
  close(): Promise<void>;
}

/** The cross-server adapter for a PostgreSQL database, or null with SQLite (one server). */
export async function realtimeCluster(database: Config["database"], log: Logger): Promise<RealtimeCluster | null> {
  if (database.provider !== "postgresql") return null;
  // One connection stays in LISTEN; the others publish. Small: notifications are few and short.
  const pool = new pg.Pool({ connectionString: database.url, max: 4 });
  pool.on("error", (err) => log.warn({ err: err.message }, "realtime cluster: database connection lost; reconnecting"));
  await pool.query(`CREATE TABLE IF NOT EXISTS ${ATTACHMENTS_TABLE} (id bigserial PRIMARY KEY, created_at timestamptz DEFAULT NOW(), payload bytea)`);
  const adapter = createAdapter(pool, {
    tableName: ATTACHMENTS_TABLE,
    errorHandler: (err) => log.warn({ err: err.message }, "realtime cluster: adapter error"),
  });
  return { adapter, close: () => pool.end() };
}
