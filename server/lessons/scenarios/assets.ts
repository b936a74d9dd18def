// details.assets: files of the scenario's assets/ folder copied into the machine before the
// intro, each into its target folder with an optional chmod. They become files that the engine
// writes into the sandbox (SandboxDriver.writeFiles) just before the first step's set-up (our
// lessons have no set-up before the first step), and that set-up's first part: the chmods.
import fs from "node:fs";
import path from "node:path";
import type { SandboxFile } from "../../sandbox/driver";

export interface AssetProblem {
  /** The JSON string the problem is about (to find its line), or null for the assets field. */
  about: string | null;
  message: string;
  /** A warning does not stop the scenario from loading. */
  warning?: boolean;
}

/** Scenarios stay in the server's memory, assets included; their sum is bounded. */
export const MAX_ASSET_BYTES = 8 * 1024 * 1024;
const CHMOD = /^(?:[0-7]{3,4}|[ugoa]*[-+=][rwxXst]+(?:,[ugoa]*[-+=][rwxXst]+)*)$/;

function quote(s: string): string {
  return `'${s.replace(/'/g, "'\\''")}'`;
}

/** Matches "*" and "?" in one file name (Katacoda's {"file": "*"}); no folders. */
function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]")}$`);
}

export interface ScenarioAssets {
  /** Written (as root, 0644) before the first step's set-up. */
  files: SandboxFile[];
  /** The set-up's part for them: their chmods ("" without assets). */
  script: string;
  problems: AssetProblem[];
}

export function scenarioAssets(scenarioDir: string, assets: unknown): ScenarioAssets {
  const problems: AssetProblem[] = [];
  const files: SandboxFile[] = [];
  if (assets === undefined) return { files, script: "", problems };
  if (typeof assets !== "object" || assets === null || Array.isArray(assets)) {
    return { files, script: "", problems: [{ about: null, message: 'details.assets must be an object like {"host01": [{"file": "x.sh", "target": "/root"}]}' }] };
  }
  const assetsDir = path.join(scenarioDir, "assets");
  const lines: string[] = [];
  let bytes = 0;
  for (const [host, list] of Object.entries(assets as Record<string, unknown>)) {
    if (host !== "host01" && host !== "client") {
      problems.push({ about: host, message: `assets for "${host}": this playground gives each learner one machine (host01)` });
      continue;
    }
    if (!Array.isArray(list)) {
      problems.push({ about: host, message: `assets.${host} must be a list of {"file", "target", "chmod"}` });
      continue;
    }
    for (const entry of list as unknown[]) {
      const e = entry as { file?: unknown; target?: unknown; chmod?: unknown };
      if (typeof e?.file !== "string" || typeof e.target !== "string" || !e.target.startsWith("/")) {
        problems.push({ about: typeof e?.file === "string" ? e.file : host, message: 'an asset needs "file" (in assets/) and an absolute "target" folder' });
        continue;
      }
      if (e.chmod !== undefined && (typeof e.chmod !== "string" || !CHMOD.test(e.chmod))) {
        problems.push({ about: e.file, message: `asset ${e.file}: chmod "${String(e.chmod)}" is not a mode like "+x" or "0755"` });
        continue;
      }
      const names = /[*?]/.test(e.file)
        ? (fs.existsSync(assetsDir) ? fs.readdirSync(assetsDir).filter((n) => globToRegExp(e.file as string).test(n) && fs.statSync(path.join(assetsDir, n)).isFile()) : [])
        : [e.file];
      if (names.length === 0) problems.push({ about: e.file, message: `asset ${e.file}: no file in assets/ matches` });
      for (const name of names) {
        const source = path.resolve(assetsDir, name);
        if (!source.startsWith(assetsDir + path.sep)) {
          problems.push({ about: e.file, message: `asset ${name}: must be inside the scenario's assets/ folder` });
          continue;
        }
        if (!fs.existsSync(source) || !fs.statSync(source).isFile()) {
          problems.push({ about: e.file, message: `asset ${name}: missing file assets/${name}` });
          continue;
        }
        // join() normalises: "/opt//x/../y" is "/opt/y", as the sandbox's shell would take it.
        const target = path.posix.join(e.target, path.basename(name));
        const content = fs.readFileSync(source);
        bytes += content.length;
        files.push({ path: target, content, mode: 0o644 });
        if (typeof e.chmod === "string") lines.push(`chmod ${quote(e.chmod)} ${quote(target)}`);
      }
    }
  }
  if (bytes > MAX_ASSET_BYTES) problems.push({ about: null, message: `assets add up to ${bytes} bytes; at most ${MAX_ASSET_BYTES} are supported` });
  // The part exists whenever files do: the set-up's mark then says they were written.
  const script = files.length ? ["# Scenario assets (details.assets), written just before this set-up", "set -e", ...lines, "set +e"].join("\n") : "";
  return { files, script, problems };
}
