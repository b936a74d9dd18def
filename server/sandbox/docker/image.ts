// Knows which sandbox image the server needs (a tag derived from sandbox-images/ inputs),
// whether the engine has it, and builds it in the background when allowed.
import { execFile, spawn } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import type Docker from "dockerode";
import type { Logger } from "../../log";

const execFileAsync = promisify(execFile);
const BUILD_SCRIPT = path.join(process.cwd(), "sandbox-images", "build.sh");

export type ImageState =
  | { state: "ready" }
  | { state: "missing" }
  | { state: "building"; lastLine: string }
  | { state: "failed"; detail: string };

/** The image reference build.sh would produce for the current inputs. */
export async function expectedImageRef(): Promise<string> {
  const { stdout } = await execFileAsync("bash", [BUILD_SCRIPT, "--version"], { timeout: 30_000 });
  const ref = stdout.trim().split("\n").pop() ?? "";
  if (!/^[a-z0-9./_-]+:[A-Za-z0-9._-]+$/.test(ref)) throw new Error(`build.sh --version printed an invalid image reference: ${ref}`);
  return ref;
}

/** The tag of the registry mirror's images, as mirror-images/build.sh names them. */
export async function expectedMirrorTag(): Promise<string> {
  const script = path.join(path.dirname(BUILD_SCRIPT), "..", "mirror-images", "build.sh");
  const { stdout } = await execFileAsync("bash", [script, "--version"], { timeout: 30_000 });
  const tag = stdout.trim().split("\n").pop() ?? "";
  if (!/^[a-f0-9]{12}$/.test(tag)) throw new Error(`mirror-images/build.sh --version printed an invalid tag: ${tag}`);
  return tag;
}

export class SandboxImage {
  private building: { lastLine: string } | null = null;
  private failure: string | null = null;

  constructor(
    private readonly docker: Docker,
    readonly ref: string,
    private readonly log: Logger,
  ) {}

  async present(): Promise<boolean> {
    try {
      await this.docker.getImage(this.ref).inspect();
      return true;
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return false;
      throw err;
    }
  }

  async state(): Promise<ImageState> {
    if (this.building) return { state: "building", lastLine: this.building.lastLine };
    if (await this.present()) return { state: "ready" };
    if (this.failure) return { state: "failed", detail: this.failure };
    return { state: "missing" };
  }

  /** Starts build.sh once; later calls while it runs are no-ops. */
  startBuild(): void {
    if (this.building) return;
    this.building = { lastLine: "starting build" };
    this.failure = null;
    this.log.info({ image: this.ref }, "building sandbox image");
    const child = spawn("bash", [BUILD_SCRIPT], { stdio: ["ignore", "pipe", "pipe"] });
    const onLine = (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n")) {
        if (line.trim() && this.building) this.building.lastLine = line.trim().slice(0, 200);
      }
    };
    child.stdout.on("data", onLine);
    child.stderr.on("data", onLine);
    child.on("close", (code) => {
      const last = this.building?.lastLine ?? "";
      this.building = null;
      if (code === 0) this.log.info({ image: this.ref }, "sandbox image built");
      else {
        this.failure = `build.sh exited with ${code}: ${last}`;
        this.log.error({ image: this.ref, code, last }, "sandbox image build failed");
      }
    });
  }
}
