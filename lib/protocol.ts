// Socket events and payloads shared by the browser and the server. Keep it free of Node APIs.

export type SandboxPhase = "queued" | "creating" | "starting" | "ready";

export interface SandboxInfo {
  name: string;
  expiresAt: string;
}

/** What a learner is told when something fails: plain words, a next step, and an operator detail. */
export interface SandboxWarning {
  kind: "expiry" | "idle";
  endsAt: string;
  canExtend: boolean;
}

export interface PlaygroundError {
  code: ErrorCode;
  message: string;
  action: string;
  detail?: string;
}

export type ErrorCode =
  | "unauthorized"
  | "bad_request"
  | "engine_unavailable"
  | "image_missing"
  | "image_building"
  | "out_of_memory"
  | "sandbox_start_failed"
  | "no_sandbox"
  | "terminal_failed"
  | "terminal_gone"
  | "limit_reached"
  | "rate_limited"
  | "busy"
  | "cancelled"
  | "isolation_unavailable"
  | "disk_unavailable"
  | "internal";

export type Ack<T> = ({ ok: true } & T) | { ok: false; error: PlaygroundError };

export type EndReason = "user" | "reset" | "expired" | "idle" | "admin" | "error";

export interface ClientToServerEvents {
  /** The learner's sandbox (made if needed), and the warning it is due now, if any. */
  "sandbox:open": (cb: (res: Ack<SandboxOpened>) => void) => void;
  "sandbox:reset": (cb: (res: Ack<SandboxOpened>) => void) => void;
  "sandbox:end": (cb: (res: Ack<object>) => void) => void;
  "sandbox:extend": (cb: (res: Ack<{ sandbox: SandboxInfo }>) => void) => void;
  /** The page is open and visible: counts as activity. */
  "sandbox:heartbeat": () => void;
  /** A new shell: `{cols, rows, user?}`; user "root" (in /root) for imported scenarios, else ubuntu. */
  "terminal:open": (size: unknown, cb: (res: Ack<TerminalOpened>) => void) => void;
  /** Re-attaches to a terminal that kept running (after a reload or a dropped connection). */
  "terminal:attach": (terminalId: unknown, size: unknown, cb: (res: Ack<TerminalOpened>) => void) => void;
  "terminal:input": (terminalId: unknown, data: unknown) => void;
  "terminal:resize": (terminalId: unknown, size: unknown) => void;
  /** The client has rendered this many more bytes of a terminal's output (flow control). */
  "terminal:ack": (terminalId: unknown, bytes: unknown) => void;
  /** Runs a step's check; `auto` when the learner's shell just returned to a prompt. */
  "lesson:check": (req: unknown, cb: (res: Ack<{ result: CheckResultInfo | null; state: LessonStateInfo }>) => void) => void;
  "lesson:reveal": (req: unknown, cb: (res: Ack<{ text: string; state: LessonStateInfo }>) => void) => void;
  "lesson:reset": (req: unknown, cb: (res: Ack<{ state: LessonStateInfo }>) => void) => void;
  /** The lesson page is open with a sandbox: prepares the current step. */
  "lesson:enter": (req: unknown, cb: (res: Ack<{ state: LessonStateInfo }>) => void) => void;
  /** The learner's workshop (if any): recorded or not, their raised hand, recent messages. */
  "workshop:state": (cb: (res: Ack<{ workshop: LearnerWorkshopInfo | null }>) => void) => void;
  "hand:raise": (req: unknown, cb: (res: Ack<{ hand: RaisedHand }>) => void) => void;
  "hand:lower": (cb: (res: Ack<object>) => void) => void;
}

export interface SandboxOpened {
  sandbox: SandboxInfo;
  /** Shown at once on a (re)opened page, rather than after the server's next clock tick. */
  warning: SandboxWarning | null;
}

/** Who a new shell is: the learner (ubuntu, with sudo), or root as Killercoda/Katacoda scenarios expect. */
export type ShellUser = "ubuntu" | "root";

export interface TerminalOpened {
  terminalId: string;
  /** Set when this terminal is recorded; the learner can download /api/recordings/<id>.cast. */
  recordingId: string | null;
}

export interface RaisedHand {
  message: string;
  raisedAt: string;
}

/** A message as its sender's colleagues see it on the dashboard ("Messages sent"). */
export interface SentMessageInfo {
  id: string;
  body: string;
  fromName: string;
  /** The learner's display name, or null for a message to everyone. */
  to: string | null;
  sentAt: string;
}

export interface WorkshopMessageInfo {
  id: string;
  body: string;
  fromName: string;
  /** Sent to this learner alone. */
  direct: boolean;
  sentAt: string;
}

export interface LearnerWorkshopInfo {
  id: string;
  title: string;
  endsAt: string;
  /** This learner's terminals are recorded (the instructor can replay them). */
  recorded: boolean;
  hand: RaisedHand | null;
  messages: WorkshopMessageInfo[];
}

export interface CheckResultInfo {
  passed: boolean;
  feedback: string;
}

export interface StepStateInfo {
  id: string;
  passed: boolean;
  passedAt: string | null;
  attempts: number;
  hintShown: boolean;
  solutionShown: boolean;
  lastFeedback: string | null;
}

export interface LessonStateInfo {
  lessonId: string;
  steps: StepStateInfo[];
  current: string | null;
  done: number;
  total: number;
}

/** An OSC sequence the sandbox's bash prints before each prompt (private number, ignored by terminals). */
export const PROMPT_OSC = 6973;

export interface ServerToClientEvents {
  "sandbox:status": (status: { phase: SandboxPhase; message: string; position?: number }) => void;
  "sandbox:ended": (info: { reason: EndReason; message: string }) => void;
  /** The sandbox ends soon (time limit or inactivity); sent repeatedly inside the warning window. */
  "sandbox:warning": (info: SandboxWarning) => void;
  /** Something happened to the sandbox that the learner should know; it keeps running. */
  "sandbox:notice": (info: { message: string }) => void;
  "terminal:output": (terminalId: string, data: ArrayBuffer | Uint8Array) => void;
  "terminal:exit": (terminalId: string, info: { message: string }) => void;
  /** An instructor took control of this terminal (by: who), or gave it back (by: null). */
  "terminal:control": (terminalId: string, info: { by: string | null }) => void;
  /** Who is watching this terminal right now (an empty list when nobody is). */
  "terminal:watched": (terminalId: string, info: { by: string[] }) => void;
  "workshop:message": (message: WorkshopMessageInfo) => void;
  /** The instructor answered (or the learner lowered) the raised hand. */
  "hand:answered": (info: { by: string }) => void;
  error: (error: PlaygroundError) => void;
}

export const END_MESSAGES: Record<EndReason, string> = {
  user: "You ended this session and your sandbox was removed.",
  reset: "This sandbox was replaced by a fresh one.",
  expired: "Your sandbox reached its time limit and was removed.",
  idle: "Your sandbox was stopped after a long time without activity.",
  admin: "An operator stopped your sandbox.",
  error: "Your sandbox stopped unexpectedly.",
};

// ---------------------------------------------------------------------------------------------
// The instructor's side: the /staff namespace and the shapes its pages show. Replies are
// { ok: true, ...result } or { ok: false, error } where error is a sentence for the instructor.

export type StaffReply<T extends object = object> = ({ ok: true } & T) | { ok: false; error: string };

/** One learner's row on the dashboard. */
export interface LearnerRow {
  userId: string;
  displayName: string;
  joinedAt: string;
  currentLesson: { id: string; title: string; stepIndex: number; steps: number } | null;
  doneSteps: number;
  totalSteps: number;
  lastProgressAt: string | null;
  failedChecks: number;
  stuck: boolean;
  sandboxRunning: boolean;
  /** Their place in the queue for a sandbox while the server is full, else null. */
  queuePosition: number | null;
  /** When they last typed into, and last saw output in, a terminal (null: not since the server started). */
  lastInputAt: string | null;
  lastOutputAt: string | null;
}

export interface HandInfo {
  id: string;
  userId: string;
  displayName: string;
  message: string;
  raisedAt: string;
}

/** What the dashboard shows of a workshop, pushed live over /staff. */
export interface DashboardUpdate {
  workshopId: string;
  learners: LearnerRow[];
  hands: HandInfo[];
}

export interface ProgressMatrix {
  title: string;
  steps: { lessonId: string; lessonTitle: string; stepId: string; stepTitle: string; index: number }[];
  learners: { userId: string; displayName: string; joinedAt: string; cells: { passedAt: string | null; attempts: number }[] }[];
}

export interface AuditEntry {
  at: string;
  staffEmail: string;
  userId: string | null;
  displayName: string | null;
  action: string;
  detail: string;
}

export interface RecordingInfo {
  id: string;
  startedAt: string;
  endedAt: string | null;
  bytes: number;
  truncated: boolean;
  workshopId: string | null;
}

export interface WatchStarted {
  watchId: string;
  cols: number;
  rows: number;
  /** Who types into the terminal besides its learner (null: nobody). */
  controlledBy: string | null;
  /** Why control cannot be taken in this view (null: it can). */
  readOnlyBecause: string | null;
}

export interface StaffClientToServerEvents {
  /** Starts a live, read-only view of a learner's terminal (their latest one). */
  "watch:start": (req: { workshopId: string; userId: string }, cb: (res: StaffReply<WatchStarted>) => void) => void;
  "watch:ack": (watchId: string, bytes: number) => void;
  "watch:stop": (watchId: string) => void;
  /** Types into the watched terminal (the learner sees a banner); audited. */
  "control:start": (watchId: string, cb: (res: StaffReply) => void) => void;
  "control:input": (watchId: string, data: string) => void;
  "control:stop": (watchId: string, cb: (res: StaffReply) => void) => void;
  "dashboard:subscribe": (workshopId: string, cb: (res: StaffReply<DashboardUpdate>) => void) => void;
  "dashboard:unsubscribe": (workshopId: string) => void;
  "hand:answer": (req: { workshopId: string; handId: string }, cb: (res: StaffReply) => void) => void;
  "message:send": (req: { workshopId: string; toUserId: string | null; body: string }, cb: (res: StaffReply<{ recipients: number }>) => void) => void;
}

export interface StaffServerToClientEvents {
  "watch:output": (watchId: string, data: ArrayBuffer | Uint8Array) => void;
  "watch:exit": (watchId: string, message: string) => void;
  "dashboard:update": (update: DashboardUpdate) => void;
}
