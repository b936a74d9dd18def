// Prisma CLI configuration. Prisma 6 with the JavaScript schema engine works offline
// (the native engine download is unreachable here); see docs/architecture.md#database.
import { defineConfig } from "prisma/config";

export default defineConfig({
  experimental: { adapter: true },
  schema: "prisma/schema.prisma",
  engine: "js",
  adapter: async () => {
    const { PrismaBetterSQLite3 } = await import("@prisma/adapter-better-sqlite3");
    return new PrismaBetterSQLite3({ url: "file:./data/prisma-cli.db" });
  },
});
