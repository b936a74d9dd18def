"use client";
// One /staff socket.io connection per instructor page, shared by the dashboard and every live
// terminal view. Requests answer { ok: true, ... } or { ok: false, error } (a sentence).
import { io, type Socket } from "socket.io-client";

let shared: Socket | null = null;

export function staffSocket(): Socket {
  shared ??= io("/staff", { transports: ["websocket"], withCredentials: true });
  return shared;
}

export type StaffReply<T> = ({ ok: true } & T) | { ok: false; error: string };

/** Sends a request once connected and resolves with the server's reply (or a timeout). */
export function staffRequest<T>(event: string, payload: unknown, timeoutMs = 15_000): Promise<StaffReply<T>> {
  const socket = staffSocket();
  return new Promise((resolve) => {
    socket.timeout(timeoutMs).emit(event, payload, (err: Error | null, res: StaffReply<T>) => {
      resolve(err ? { ok: false, error: "The server did not answer. Check your connection and try again." } : res);
    });
  });
}
