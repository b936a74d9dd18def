// Files the playground puts into sandboxes (SandboxDriver.writeFiles): what every engine checks
// before writing, and the folders a path needs.
import path from "node:path";
import type { SandboxFile } from "./driver";

/** Throws unless each file's path is absolute, plain (no "..", no "//") and names a file, and its mode is permission bits. */
export function checkSandboxFiles(files: SandboxFile[]): void {
  for (const f of files) {
    if (!f.path.startsWith("/") || f.path.endsWith("/") || path.posix.normalize(f.path) !== f.path || f.path.includes("\0")) {
      throw new Error(`not an absolute file path in the sandbox: ${JSON.stringify(f.path.slice(0, 80))}`);
    }
    if (!Number.isInteger(f.mode) || f.mode < 0 || f.mode > 0o7777) throw new Error(`not a file mode: ${f.mode} (${f.path})`);
  }
}

/** The folders above a file, outermost first: "/a/b/c" → ["/a", "/a/b"]. */
export function foldersOf(file: string): string[] {
  const parts = file.split("/").slice(1, -1);
  return parts.map((_, i) => `/${parts.slice(0, i + 1).join("/")}`);
}
