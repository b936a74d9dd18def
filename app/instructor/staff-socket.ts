"use client";
// One /staff socket.io connection per instructor page, shared by the dashboard and every live
// terminal view. Requests answer { ok: true, ... } or { ok: false, error } (a sentence).
import { io, type Socket } from "socket.io-client";
import type { StaffClientToServerEvents, StaffReply, StaffServerToClientEvents } from "../../lib/protocol";

export type { StaffReply };
export type StaffSocket = Socket<StaffServerToClientEvents, StaffClientToServerEvents>;

let shared: StaffSocket | null = null;

export function staffSocket(): StaffSocket {
  shared ??= io("/staff", { transports: ["websocket"], withCredentials: true });
  return shared;
}

/** The /staff requests that answer (see lib/protocol.ts), by the reply they get. */
type Requests = {
  [E in keyof StaffClientToServerEvents]: Parameters<StaffClientToServerEvents[E]> extends [infer P, (res: infer R) => void] ? { payload: P; reply: R } : never;
};
type RequestName = { [E in keyof Requests]: Requests[E] extends never ? never : E }[keyof Requests];

/** Sends a request once connected and resolves with the server's reply (or a timeout). */
export function staffRequest<E extends RequestName>(event: E, payload: Requests[E]["payload"], timeoutMs = 15_000): Promise<Requests[E]["reply"]> {
  const socket = staffSocket() as unknown as Socket;
  return new Promise((resolve) => {
    socket.timeout(timeoutMs).emit(event, payload, (err: Error | null, res: Requests[E]["reply"]) => {
      resolve(err ? ({ ok: false, error: "The server did not answer. Check your connection and try again." } as Requests[E]["reply"]) : res);
    });
  });
}
