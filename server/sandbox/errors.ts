// Sandbox failures carry a learner-facing message, a next step, and an operator detail.
import type { ErrorCode, PlaygroundError } from "../../lib/protocol";

export class PlaygroundFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly action: string,
    readonly detail?: string,
  ) {
    super(message);
  }

  toJSON(): PlaygroundError {
    return { code: this.code, message: this.message, action: this.action, detail: this.detail };
  }
}

/** Maps an unknown error from Docker or elsewhere to something a learner can act on. */
export function toFailure(err: unknown): PlaygroundFailure {
  if (err instanceof PlaygroundFailure) return err;
  const e = err as { code?: string; statusCode?: number; message?: string; json?: { message?: string } };
  const detail = e?.json?.message ?? e?.message ?? String(err);
  if (e?.code === "ENOENT" || e?.code === "ECONNREFUSED" || e?.code === "EACCES" || e?.code === "ETIMEDOUT") {
    return dockerUnavailable(detail);
  }
  if (/out of memory|cannot allocate memory|OOM/i.test(detail)) {
    return new PlaygroundFailure(
      "out_of_memory",
      "The server is out of memory, so your sandbox could not start.",
      "Wait a minute and try again; if it keeps happening, tell your instructor or operator.",
      detail,
    );
  }
  return new PlaygroundFailure(
    "internal",
    "Something went wrong on the server.",
    "Try again; if it keeps happening, tell your instructor or operator.",
    detail,
  );
}

export function dockerUnavailable(detail: string): PlaygroundFailure {
  return new PlaygroundFailure(
    "engine_unavailable",
    "The playground cannot reach its Docker engine, so no sandbox can start right now.",
    "Try again in a minute. Operator: check that Docker is running and DOCKER_HOST is right.",
    detail,
  );
}
