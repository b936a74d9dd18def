// A sandbox is ready when its init says so on the container's log: "sandbox-init: ready", or
// "sandbox-init: failed: <reason>". Followed as a stream (no process per poll).
import { PassThrough } from "node:stream";
import type Docker from "dockerode";

const READY_LINE = "sandbox-init: ready";
const FAILED_PREFIX = "sandbox-init: failed:";

export async function waitReady(docker: Docker, container: Docker.Container, timeoutMs: number): Promise<void> {
  const logs = (await container.logs({ follow: true, stdout: true, stderr: true })) as unknown as NodeJS.ReadableStream & { destroy(): void };
  const out = new PassThrough();
  docker.modem.demuxStream(logs, out, out);
  let text = "";
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`sandbox did not become ready within ${timeoutMs / 1000} s; last output: ${text.slice(-300)}`)), timeoutMs);
      const done = (err?: Error) => {
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      };
      out.on("data", (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes(READY_LINE)) done();
        const failed = text.indexOf(FAILED_PREFIX);
        if (failed >= 0) done(new Error(text.slice(failed).split("\n")[0]));
      });
      logs.on("end", () => {
        void container.inspect().then(
          (info) =>
            done(
              new Error(
                info.State.OOMKilled
                  ? "sandbox was killed for using too much memory during start"
                  : `sandbox exited during start (exit ${info.State.ExitCode}); last output: ${text.slice(-300)}`,
              ),
            ),
          (err) => done(err as Error),
        );
      });
      logs.on("error", (err: Error) => done(err));
    });
  } finally {
    logs.destroy();
  }
}
