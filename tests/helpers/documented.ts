// What SECURITY.md's vector table says per profile: rows "| `vector`: ... | trusted | hardened |",
// columns found by the header row, so the tests compare measurements with the documentation.
import fs from "node:fs";
import path from "node:path";

export function documentedVectors<V extends string>(column: string, vectors: readonly V[]): Map<V, "open" | "blocked"> {
  const text = fs.readFileSync(path.join(__dirname, "..", "..", "SECURITY.md"), "utf8");
  const cells = (line: string) => line.split("|").slice(1, -1).map((c) => c.trim());
  const lines = text.split("\n");
  const header = lines.find((l) => /^\| Vector \|/.test(l));
  if (!header) throw new Error("SECURITY.md has no vector table (a row starting with '| Vector |')");
  const index = cells(header).indexOf(column);
  if (index < 0) throw new Error(`SECURITY.md's vector table has no '${column}' column`);
  const rows = new Map<V, "open" | "blocked">();
  for (const line of lines) {
    const m = /^\| `(\w+)`/.exec(line);
    if (!m || !(vectors as readonly string[]).includes(m[1])) continue;
    const verdict = /\b(open|blocked)\b/i.exec(cells(line)[index] ?? "");
    if (verdict) rows.set(m[1] as V, verdict[1].toLowerCase() as "open" | "blocked");
  }
  return rows;
}
