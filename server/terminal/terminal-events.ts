// A learner's terminals over their socket: open (a new shell in their sandbox), attach again
// (after a reload or a dropped connection: the screen comes back, then live output), input,
// resize (coalesced while a window is dragged) and acknowledgements (flow control). A terminal
// id from the client only ever finds that learner's own terminals.
import { z } from "zod";
import { AttemptCounter } from "../auth/attempts";
import type { ShellUser } from "../../lib/protocol";
import type { Logger } from "../log";
import { learnerErrors, onRequest } from "../realtime/requests";
import type { PlayServer } from "../realtime/types";
import type { SandboxDriver } from "../sandbox/driver";
import { PlaygroundFailure, toFailure } from "../sandbox/errors";
import type { ActiveSandbox, PlaygroundService } from "../sessions/playground-service";
import { endHeld, findHeld, loginShell as shell, reattach, type TerminalHolderKind } from "./holder";
import type { TerminalRegistry } from "./registry";
import type { LearnerActivity } from "./learner-activity";
import { TerminalSession } from "./terminal-session";
import { openShell, type OpenedShell, type WarmShells } from "./warm-shells";

// A terminal's size bounds the server's screen mirror (cells × scrollback): 500 × 200 is a
// wall-sized screen; more would only cost memory.
const Size = z.object({ cols: z.number().int().min(2).max(500), rows: z.number().int().min(2).max(200) });
type Size = z.infer<typeof Size>;
const TerminalId = z.string().uuid();
const Input = z.string().max(64 * 1024);
const AckBytes = z.number().int().min(0).max(1 << 30);
/** A window's resizes while it is dragged are applied once it pauses this long. */
const RESIZE_SETTLE_MS = 50;
/** Re-attaches per socket in ATTACH_WINDOW_MS (a reload needs one per tab). */
const MAX_ATTACHES = 20;
const ATTACH_WINDOW_MS = 10_000;
/** A new shell's size, and whose it is (root for imported scenarios: the learner has sudo anyway). */
const OpenRequest = Size.extend({ user: z.enum(["ubuntu", "root"]).default("ubuntu") });

export interface TerminalEventDeps {
  service: PlaygroundService;
  driver: SandboxDriver;
  registry: TerminalRegistry;
  /** Starts recording a new terminal (knowing the learner's workshop, if any). */
  record: (term: TerminalSession) => Promise<void>;
  /** Most terminals one learner may have open, over all tabs. */
  terminalsPerLearner: number;
  /** When each learner last typed and saw output (the instructor's activity signal). */
  activity: LearnerActivity;
  /** What keeps shells in the sandbox ("tmux": they outlive this server; terminal/holder.ts). */
  holder: TerminalHolderKind;
  /** First shells opened ahead of their learner in warm sandboxes (terminal/warm-shells.ts). */
  warmShells?: WarmShells;
  log: Logger;
}

const noSandbox = () => new PlaygroundFailure("no_sandbox", "You have no running sandbox.", "Press “Start a new sandbox”.");

export function attachTerminalEvents(io: PlayServer, deps: TerminalEventDeps): void {
  const { service, driver, registry, log } = deps;

  /** Held terminals being attached again, by id (terminal/holder.ts). */
  const rejoining = new Map<string, Promise<TerminalSession | null>>();

  io.on("connection", (socket) => {
    const userId = socket.data.userId;
    const slog = log.child({ socketId: socket.id, userId });
    const errors = learnerErrors(slog, "terminal");
    /** Terminals this socket is attached to. */
    const mine = new Map<string, TerminalSession>();

    const attachTo = async (term: TerminalSession) => {
      mine.set(term.id, term);
      registry.attached(term.id);
      await term.attach({
        id: socket.id,
        output: (data) => socket.emit("terminal:output", term.id, data),
        exit: (message) => {
          mine.delete(term.id);
          socket.emit("terminal:exit", term.id, { message });
        },
        control: (by) => socket.emit("terminal:control", term.id, { by }),
        watched: (by) => socket.emit("terminal:watched", term.id, { by }),
      });
    };
    /** Attaches right after the reply has gone out, so the page knows the id before output arrives. */
    const attachAfterReply = (term: TerminalSession, what: string) =>
      setImmediate(() =>
        attachTo(term).then(
          () => slog.info({ terminalId: term.id }, what),
          (err) => {
            slog.warn({ err: (err as Error).message }, "terminal attach failed");
            socket.emit("terminal:exit", term.id, { message: "The shell could not be attached." });
          },
        ),
      );

    const owner = (active: ActiveSandbox) => ({ sessionId: active.sessionId, userId });
    const session = (active: ActiveSandbox, opened: OpenedShell) => new TerminalSession(owner(active), opened.proc, opened.size, { id: opened.id, release: opened.release });
    /**
     * The learner's shell: the one opened ahead in a warm sandbox (the learner's first, as
     * `ubuntu`), sized to their window now; or a new one, held by tmux when so configured.
     */
    const open = async (active: ActiveSandbox, user: ShellUser, size: Size): Promise<{ term: TerminalSession; openedAhead: boolean }> => {
      const ahead = user === "ubuntu" ? deps.warmShells?.take(active.sandbox.id) : null;
      if (!ahead) return { term: session(active, await openShell(driver, deps.holder, active.sandbox, user, size)), openedAhead: false };
      const term = session(active, ahead);
      term.resize(size.cols, size.rows);
      return { term, openedAhead: true };
    };
    /** This server attaches to a held shell again, or null when it is not (or no longer) there. */
    const rejoin = async (active: ActiveSandbox, id: string, size: Size) => {
      const user = await findHeld(driver, active.sandbox, id, ["ubuntu", "root"]).catch(() => null);
      if (!user) return null;
      const proc = await driver.openTty(active.sandbox, reattach(shell(user), id), size).catch(() => null);
      return proc && session(active, { proc, size, id, release: () => endHeld(driver, active.sandbox, id, user) });
    };
    /** A shell this server now serves: counted as the learner's activity, listed, recorded. */
    const adopt = async (term: TerminalSession, active: ActiveSandbox) => {
      term.onActivity((kind) => {
        service.touch(active.sessionId);
        deps.activity.record(userId, kind);
      });
      registry.add(term);
      // A recording that cannot start (database or disk trouble) must not cost the learner a shell.
      await deps.record(term).catch((err) => slog.error({ err }, "could not start recording this terminal"));
    };

    onRequest(socket, "terminal:open", {
      schema: OpenRequest,
      errors,
      run: async ({ user, ...size }) => {
        if (registry.countFor(userId) >= deps.terminalsPerLearner) {
          throw new PlaygroundFailure("limit_reached", `You have ${deps.terminalsPerLearner} terminals open, the most one learner may have.`, "Close a terminal tab you no longer use, then try again.");
        }
        const active = await service.active(userId);
        if (!active) throw noSandbox();
        let term: TerminalSession;
        let openedAhead: boolean;
        try {
          ({ term, openedAhead } = await open(active, user, size));
        } catch (err) {
          throw new PlaygroundFailure("terminal_failed", "The terminal could not be opened.", "Press Retry; if that fails, reset the sandbox.", toFailure(err).detail);
        }
        await adopt(term, active);
        slog.info({ terminalId: term.id, sandbox: active.sandbox.name, recording: term.recordingId, openedAhead }, "terminal opened");
        attachAfterReply(term, "terminal attached");
        return { terminalId: term.id, recordingId: term.recordingId };
      },
    });

    const attaches = new AttemptCounter(ATTACH_WINDOW_MS);
    onRequest(socket, "terminal:attach", {
      schema: z.tuple([TerminalId, Size]),
      errors,
      run: async ([id, size]) => {
        attaches.count("attach");
        if (attaches.exceeded("attach", MAX_ATTACHES + 1)) {
          throw new PlaygroundFailure("rate_limited", "The page re-attached too often.", "Wait a few seconds, then reload the page.");
        }
        const active = await service.active(userId);
        const gone = () => new PlaygroundFailure("terminal_gone", "That shell has ended.", "A new shell will be opened.");
        if (!active) throw gone();
        let term = registry.find(id, { userId, sessionId: active.sessionId });
        if (!term && deps.holder === "tmux") {
          // Held by tmux in the learner's own sandbox, opened by a server that is gone (or
          // restarted). Two tabs asking at once share one attach.
          let pending = rejoining.get(id);
          if (!pending) {
            // An id this server already serves is someone else's terminal: never a second one under it.
            if (registry.has(id) || registry.countFor(userId) >= deps.terminalsPerLearner) throw gone();
            pending = rejoin(active, id, size).then(async (held) => {
              if (held) {
                await adopt(held, active);
                slog.info({ terminalId: held.id, sandbox: active.sandbox.name }, "held terminal taken over from another app server");
              }
              return held;
            });
            rejoining.set(id, pending);
            pending.finally(() => rejoining.delete(id)).catch(() => undefined);
          }
          term = (await pending) ?? undefined;
        }
        if (!term) throw gone();
        term.resize(size.cols, size.rows);
        attachAfterReply(term, "terminal re-attached");
        return { terminalId: term.id, recordingId: term.recordingId };
      },
    });

    const lookup = (id: unknown) => {
      const parsed = TerminalId.safeParse(id);
      const term = parsed.success ? mine.get(parsed.data) : undefined;
      return term && term.isAttached(socket.id) ? term : undefined;
    };

    socket.on("terminal:input", (id, data) => {
      const term = lookup(id);
      const parsed = Input.safeParse(data);
      if (term && parsed.success) term.write(parsed.data);
    });

    // Dragging a window sends a resize per frame: apply the last one once it settles.
    const resizes = new Map<string, NodeJS.Timeout>();
    socket.on("terminal:resize", (id, size) => {
      const term = lookup(id);
      const parsed = Size.safeParse(size);
      if (!term || !parsed.success) return;
      clearTimeout(resizes.get(term.id));
      resizes.set(
        term.id,
        setTimeout(() => {
          resizes.delete(term.id);
          if (!term.isClosed) term.resize(parsed.data.cols, parsed.data.rows);
        }, RESIZE_SETTLE_MS),
      );
    });

    socket.on("terminal:ack", (id, bytes) => {
      const term = lookup(id);
      const parsed = AckBytes.safeParse(bytes);
      if (term && parsed.success) term.ack(socket.id, parsed.data);
    });

    socket.on("disconnect", (reason) => {
      // Info, not debug: a learner's dropped connection is what an operator looks for first.
      slog.info({ reason, terminals: [...mine.keys()] }, "socket disconnected");
      for (const timer of resizes.values()) clearTimeout(timer);
      // Shells keep running for the grace period, so a reload or a blip loses nothing.
      for (const term of mine.values()) {
        term.detach(socket.id);
        registry.detached(term);
      }
      mine.clear();
    });
  });
}
