import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Docker and database code lives in server/ only; keep it out of route bundles anyway.
  serverExternalPackages: ["dockerode", "ssh2", "better-sqlite3", "pg"],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
