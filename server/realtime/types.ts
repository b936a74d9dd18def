// The typed socket.io servers and sockets: the learner's default namespace and /staff.
import type { Namespace, Server, Socket } from "socket.io";
import type { ClientToServerEvents, ServerToClientEvents, StaffClientToServerEvents, StaffServerToClientEvents } from "../../lib/protocol";
import type { StaffIdentity } from "../auth/staff";

export type LearnerSocketData = { userId: string };
export type PlayServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, LearnerSocketData>;
export type PlaySocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, LearnerSocketData>;

export type StaffSocketData = { staff: StaffIdentity; sessionId: string; sessionEndsAt: number };
export type StaffNamespace = Namespace<StaffClientToServerEvents, StaffServerToClientEvents, Record<string, never>, StaffSocketData>;
export type StaffSocket = Socket<StaffClientToServerEvents, StaffServerToClientEvents, Record<string, never>, StaffSocketData>;
