// Friendly sandbox names (also hostnames): "sbx-" plus a short random suffix.
import { randomBytes } from "node:crypto";

const ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";

export function sandboxName(bytes: Buffer = randomBytes(6)): string {
  let suffix = "";
  for (const b of bytes) suffix += ALPHABET[b % ALPHABET.length];
  return `sbx-${suffix}`;
}
