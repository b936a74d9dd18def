// A class of 100 arriving at once, on the real app (HTTP, sockets, SQLite) with the fake
// engine: nobody fails, the learners beyond the server's capacity queue with their positions
// and are served in turn as others leave, every shell works, and the dashboard lists the
// whole class. How fast is the class benchmark's question (bench/class.bench.ts); this is
// whether it is right, with every request of the class in flight at once.
import assert from "node:assert/strict";
import path from "node:path";
import { after, test } from "node:test";
import type { LearnerRow } from "../../lib/protocol";
import { call, connect, OutputCollector, openTerminal, type TestSocket } from "../helpers/client";
import { until } from "../helpers/env";
import { startFastApp, type FastApp } from "../helpers/fast";
import { httpClient, staffCall, staffLogin, staffSocket, workshopBody } from "../helpers/staff";

const ADMIN = { email: "class@example.org", password: "a class of one hundred" };
const CLASS = 100;
const CAPACITY = 70;
let app: FastApp | undefined;
const sockets: { close(): unknown }[] = [];
after(async () => {
  for (const s of sockets) s.close();
  await app?.close();
});

interface Learner {
  i: number;
  socket: TestSocket;
  positions: number[];
  opened: Promise<{ ok: boolean }>;
}

/** Opens a shell, types a command, and waits for its output. */
async function shellWorks(l: Learner): Promise<void> {
  const t = await openTerminal(l.socket);
  assert.ok(t.ok, `learner ${l.i}: ${JSON.stringify(t)}`);
  const out = new OutputCollector(l.socket, t.terminalId);
  await out.waitFor(/\$ $/m);
  l.socket.emit("terminal:input", t.terminalId, `echo class-${l.i}\r`);
  await out.waitFor(new RegExp(`^class-${l.i}\\r?$`, "m"));
}

test(`a class of ${CLASS} joins at once: everyone gets a shell; past the capacity they queue in order and are served as others leave`, async () => {
  app = await startFastApp({ LESSONS_DIR: path.join(process.cwd(), "lessons"), ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, SANDBOX_MAX: String(CAPACITY) });
  const http = httpClient(app.url);
  const teacher = await staffLogin(app.url, ADMIN.email, ADMIN.password);
  const created = await http.post("/api/workshops", workshopBody(["01-container-is-a-process"], CLASS), teacher);
  assert.equal(created.status, 201, await created.clone().text());
  const { workshop } = (await created.json()) as { workshop: { id: string; joinCode: string } };

  // Everyone at once: join with the code, connect, ask for a sandbox.
  const learners: Learner[] = await Promise.all(
    Array.from({ length: CLASS }, async (_, i) => {
      const joined = await http.post(`/api/join/${workshop.joinCode}`, { displayName: `Learner ${i}` });
      assert.equal(joined.status, 200, `learner ${i} joins: ${await joined.clone().text()}`);
      const socket = await connect(app!.url, joined.headers.get("set-cookie")!.split(";")[0]);
      sockets.push(socket);
      const positions: number[] = [];
      socket.on("sandbox:status", (s: { phase: string; position?: number }) => s.phase === "queued" && positions.push(s.position!));
      return { i, socket, positions, opened: call(socket, "sandbox:open") };
    }),
  );
  const queued = () => learners.filter((l) => l.positions.length > 0);
  await until("the capacity in use and the rest queued", async () => (await app!.fake.list()).length === CAPACITY && queued().length === CLASS - CAPACITY);
  assert.deepEqual(
    queued().map((l) => l.positions[0]).sort((a, b) => a - b),
    Array.from({ length: CLASS - CAPACITY }, (_, k) => k + 1),
    "each queued learner was told a distinct place, 1 to 30",
  );
  const served = learners.filter((l) => l.positions.length === 0);
  for (const l of served) assert.ok((await l.opened).ok, `learner ${l.i} got a sandbox`);
  await Promise.all(served.map(shellWorks));

  // The dashboard lists the whole class, the queued ones with their places.
  const staff = await staffSocket(app.url, teacher);
  sockets.push(staff);
  const dash = await staffCall(staff, "dashboard:subscribe", workshop.id);
  assert.ok(dash.ok);
  const rows = dash.learners as LearnerRow[];
  assert.equal(rows.length, CLASS);
  assert.equal(rows.filter((r) => r.queuePosition !== null).length, CLASS - CAPACITY);
  assert.equal(rows.filter((r) => r.sandboxRunning).length, CAPACITY);

  // 30 leave: the 30 waiting are served (in order: tests/unit/capacity.test.ts), moving up
  // the queue as they go, and their shells work.
  const waiting = queued();
  for (const l of served.slice(0, CLASS - CAPACITY)) assert.ok((await call(l.socket, "sandbox:end")).ok);
  for (const l of waiting) assert.ok((await l.opened).ok, `queued learner ${l.i} got a sandbox`);
  const last = waiting.find((l) => l.positions[0] === CLASS - CAPACITY)!;
  assert.equal(last.positions.at(-1), 1, "the last in line moved up to first before being served");
  await Promise.all(waiting.map(shellWorks));
  assert.equal((await app.fake.list()).length, CAPACITY);

  for (const l of [...served.slice(CLASS - CAPACITY), ...waiting]) assert.ok((await call(l.socket, "sandbox:end")).ok);
  assert.equal((await app.fake.list()).length, 0, "nothing left behind");
});
