// The typed socket.io servers and sockets: the learner's default namespace and /staff.
import type { Namespace, Server, Socket } from "socket.io";
import type { ClientToServerEvents, ServerToClientEvents, StaffClientToServerEvents, StaffServerToClientEvents } from "../../lib/protocol";
import type { StaffIdentity } from "../auth/staff";
import type { PrewarmStatus } from "../workshops/service";

export type LearnerSocketData = { userId: string };
/** What app servers tell each other on the learners' namespace (realtime/cluster.ts). */
export interface ServerSideEvents {
  /** A session held by `serverId` ended on another server: that server frees its capacity slot. */
  "slots:free": (serverId: string) => void;
  /** A learner on the sending server took this warm sandbox from `ownerId`'s pool: that pool lets go of it. */
  "pool:claimed": (ownerId: string, sandboxId: string) => void;
  /** What pre-warm for this workshop does the answering server hold? (realtime/prewarm-peers.ts) */
  "prewarm:status": (workshopId: string, reply: (status: PrewarmStatus) => void) => void;
  /** The sending server holds this workshop's pre-warm from now on: drop yours. */
  "prewarm:cancel": (workshopId: string) => void;
}
export type PlayServer = Server<ClientToServerEvents, ServerToClientEvents, ServerSideEvents, LearnerSocketData>;
export type PlaySocket = Socket<ClientToServerEvents, ServerToClientEvents, ServerSideEvents, LearnerSocketData>;

export type StaffSocketData = { staff: StaffIdentity; sessionId: string; sessionEndsAt: number };
/** What app servers tell each other on /staff (through the cluster adapter; realtime/cluster.ts). */
export interface StaffServerSideEvents {
  /** These workshops changed on the sending server: push them to the instructors watching here. */
  "dashboard:changed": (workshopIds: string[]) => void;
}
export type StaffNamespace = Namespace<StaffClientToServerEvents, StaffServerToClientEvents, StaffServerSideEvents, StaffSocketData>;
export type StaffSocket = Socket<StaffClientToServerEvents, StaffServerToClientEvents, StaffServerSideEvents, StaffSocketData>;
