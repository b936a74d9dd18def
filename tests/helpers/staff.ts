// Test clients for the instructor side: JSON routes with a cookie, the /staff socket, watches.
import assert from "node:assert/strict";
import { io, type Socket } from "socket.io-client";

export function httpClient(baseUrl: string) {
  return {
    post: (path: string, body: unknown, cookie?: string) =>
      fetch(`${baseUrl}${path}`, { method: "POST", headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) }, body: JSON.stringify(body) }),
    get: (path: string, cookie?: string) => fetch(`${baseUrl}${path}`, { headers: cookie ? { cookie } : {} }),
  };
}

/** Signs in and returns the staff cookie ("cp_staff=..."). */
export async function staffLogin(baseUrl: string, email: string, password: string): Promise<string> {
  const res = await httpClient(baseUrl).post("/api/staff/login", { email, password });
  assert.equal(res.status, 200, `login of ${email}`);
  return res.headers.get("set-cookie")!.split(";")[0];
}

/** A /staff socket; rejects with the server's refusal when the cookie is not a staff session. */
export async function staffSocket(baseUrl: string, cookie?: string): Promise<Socket> {
  const socket = io(`${baseUrl}/staff`, { transports: ["websocket"], reconnection: false, forceNew: true, extraHeaders: cookie ? { cookie } : {} });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", (err) => (socket.close(), reject(err)));
  });
  return socket;
}

export type StaffReply = { ok: boolean; error?: string } & Record<string, unknown>;

export function staffCall(socket: Socket, event: string, payload: unknown): Promise<StaffReply> {
  return new Promise((resolve) => socket.emit(event, payload, resolve));
}

/** Starts watching a learner's terminal, collecting its output (acking it unless `stall`). */
export function startWatch(socket: Socket, workshopId: string, userId: string, stall = false) {
  let text = "";
  let unacked = 0;
  socket.on("watch:output", (id: string, data: ArrayBuffer) => {
    const buf = Buffer.from(data);
    text += buf.toString("utf8");
    if (text.length > 400_000) text = text.slice(-200_000);
    if (stall) unacked += buf.length;
    else socket.emit("watch:ack", id, buf.length);
  });
  const started = new Promise<{ ok: boolean; watchId?: string; error?: string; controlledBy?: string | null; readOnlyBecause?: string | null }>((resolve) => socket.emit("watch:start", { workshopId, userId }, resolve));
  return { started, text: () => text, ackAll: (id: string) => (socket.emit("watch:ack", id, unacked), (unacked = 0)) };
}

export function workshopBody(lessonIds = ["01-container-is-a-process", "02-namespaces"], capacity = 30) {
  return { title: "Containers 101", lessonIds, startsAt: new Date(Date.now() - 60_000).toISOString(), endsAt: new Date(Date.now() + 3600_000).toISOString(), capacity };
}
