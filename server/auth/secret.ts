// The cookie-signing secret: SESSION_SECRET if set, else one generated on first start and
// kept in the data folder, so cookies survive restarts without any set-up.
import { hkdfSync, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export function loadOrCreateSecret(configured: string | undefined, dataDir: string): string {
  if (configured) return configured;
  const file = path.join(dataDir, "session-secret");
  try {
    const existing = fs.readFileSync(file, "utf8").trim();
    if (existing.length >= 32) return existing;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  fs.writeFileSync(file, secret + "\n", { mode: 0o600 });
  return secret;
}

/**
 * A key for one purpose, derived from the secret (HKDF-SHA256): guest and staff cookies are
 * signed with different keys, so a value signed for one can never pass as the other.
 */
export function deriveKey(secret: string, purpose: "guest-cookie" | "staff-cookie" | "preview-token"): string {
  return Buffer.from(hkdfSync("sha256", secret, "container-playground", purpose, 32)).toString("base64url");
}
