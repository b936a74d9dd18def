// One way to answer a socket request: the payload is validated by a schema, the handler runs,
// and the acknowledgement gets { ok: true, ...result } or { ok: false, error }. Learners get a
// PlaygroundError (what happened, what to do next); instructors get a sentence. Unexpected
// errors are logged and never leak their details.
import type { z } from "zod";
import type { PlaygroundError } from "../../lib/protocol";
import type { Logger } from "../log";
import { PlaygroundFailure, toFailure } from "../sandbox/errors";

/** Anything with socket.io's `on` (a learner or staff socket). */
interface Listens {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}

/** Turns a bad payload or a failed handler into the error part of a reply. */
export type ErrorMapper<E> = (err: unknown, kind: "bad_request" | "failed") => E;

/**
 * Registers `event`. With a schema the client sends `(payload, ack)`, or `(a, b, ..., ack)`
 * (then the schema sees the array [a, b, ...]); without one, `(ack)`. A missing ack means the
 * client did not ask for an answer: the event is ignored.
 */
export function onRequest<S extends z.ZodTypeAny, R extends object, E>(
  socket: Listens,
  event: string,
  spec: { schema?: S; errors: ErrorMapper<E>; run: (input: z.infer<S>) => Promise<R> },
): void {
  socket.on(event, (...args: unknown[]) => {
    const ack = args.at(-1);
    if (typeof ack !== "function") return;
    let input: unknown;
    if (spec.schema) {
      const parsed = spec.schema.safeParse(args.length > 2 ? args.slice(0, -1) : args.length === 2 ? args[0] : undefined);
      if (!parsed.success) return ack({ ok: false, error: spec.errors(parsed.error, "bad_request") });
      input = parsed.data;
    }
    spec.run(input).then(
      (result) => ack({ ok: true, ...result }),
      (err) => ack({ ok: false, error: spec.errors(err, "failed") }),
    );
  });
}

/** Learner-facing errors: PlaygroundFailures as they are, anything else as "internal" (logged). */
export function learnerErrors(log: Logger, what: string): ErrorMapper<PlaygroundError> {
  return (err, kind) => {
    if (kind === "bad_request") return { code: "bad_request", message: `The request was not understood (${what}).`, action: "Reload the page." };
    const f = toFailure(err);
    if (err instanceof PlaygroundFailure) log.warn({ code: f.code, detail: f.detail }, f.message);
    else log.error({ err }, `${what} failed`);
    return f.toJSON();
  };
}

/** Instructor-facing errors: a failure's message, or "could not …" for the unexpected (logged). */
export function staffErrors(log: Logger, what: string): ErrorMapper<string> {
  return (err, kind) => {
    if (kind === "bad_request") return "bad request";
    if (err instanceof PlaygroundFailure) return err.message;
    log.error({ err }, `staff event failed: ${what}`);
    return `could not ${what}; see the server log`;
  };
}
