// One visitor cannot take the service: limits per client address (new guests, sandboxes at
// once, workshop joins), fair to everyone else; and limits per learner (terminals, resets,
// output nobody looks at). Client addresses come through a trusted proxy (TRUST_PROXY), as
// behind a real reverse proxy: X-Forwarded-For names the client.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Ack, PlaygroundError, TerminalOpened } from "../../lib/protocol";
import { startApp, type RunningApp } from "../../server/app";
import { connect, OutputCollector, type TestSocket, PROMPT } from "../helpers/client";
import { endAllSessions, log, requireDocker, requireSandboxImage, testConfig, until } from "../helpers/env";
import { httpClient, staffLogin, workshopBody } from "../helpers/staff";

const ADMIN = { email: "abuse@example.org", password: "correct horse battery" };
let app: RunningApp;
const sockets: TestSocket[] = [];

before(async () => {
  const image = await requireSandboxImage(await requireDocker());
  app = await startApp(
    testConfig({
      SANDBOX_IMAGE: image.ref,
      MIRROR: "off",
      TRUST_PROXY: "loopback",
      LIMIT_GUESTS_PER_HOUR: "4",
      LIMIT_SANDBOXES_PER_ADDRESS: "2",
      LIMIT_JOINS_PER_CODE_PER_HOUR: "2",
      LIMIT_TERMINALS_PER_LEARNER: "2",
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
    }),
    log,
    { withNext: false },
  );
});

after(async () => {
  for (const s of sockets) s.close();
  if (!app) return;
  await endAllSessions(app);
  await app.pool.drain();
  await app.close();
});

/** A new guest as a client at `address` would get one. */
async function guestFrom(address: string): Promise<Response> {
  return fetch(`${app.url}/api/guest`, { method: "POST", headers: { "content-type": "application/json", "x-forwarded-for": address }, body: "{}" });
}

async function learnerFrom(address: string, cookie?: string): Promise<{ socket: TestSocket; cookie: string }> {
  if (!cookie) {
    const res = await guestFrom(address);
    assert.equal(res.status, 200, `a guest from ${address}`);
    cookie = res.headers.get("set-cookie")!.split(";")[0];
  }
  const { io } = await import("socket.io-client");
  const socket: TestSocket = io(app.url, { transports: ["websocket"], reconnection: false, forceNew: true, extraHeaders: { cookie, "x-forwarded-for": address } });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  sockets.push(socket);
  return { socket, cookie };
}

function open(socket: TestSocket): Promise<Ack<{ sandbox: { name: string } }>> {
  return new Promise((resolve) => socket.emit("sandbox:open", resolve as never));
}

test("new guests per address per hour are bounded; other addresses are not affected; X-Forwarded-For counts only from a trusted proxy", async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) statuses.push((await guestFrom("198.51.100.7")).status);
  assert.deepEqual(statuses, [200, 200, 200, 200, 429]);
  const refused = (await (await guestFrom("198.51.100.7")).json()) as { error: string };
  assert.match(refused.error, /Too many new visitors came from your network.*workshop code/);
  assert.equal((await guestFrom("198.51.100.8")).status, 200, "another address still gets a guest");
  // A browser that already has its identity keeps it, whatever the limit says.
  const res = await guestFrom("198.51.100.9");
  const cookie = res.headers.get("set-cookie")!.split(";")[0];
  for (let i = 0; i < 5; i++) await guestFrom("198.51.100.9");
  const again = await fetch(`${app.url}/api/guest`, { method: "POST", headers: { "content-type": "application/json", "x-forwarded-for": "198.51.100.9", cookie }, body: "{}" });
  assert.equal(again.status, 200);
});

test("sandboxes per address: a flood from one address is refused beyond the limit, while learners elsewhere and workshop learners still get theirs", async () => {
  const flood = await Promise.all(Array.from({ length: 2 }, () => learnerFrom("203.0.113.50")));
  const more = await Promise.all(Array.from({ length: 2 }, () => learnerFrom("203.0.113.50", undefined).catch(() => null)));
  // Guests per hour (4) allow 4 from this address; the sandbox limit allows 2 at once.
  const results = await Promise.all([...flood, ...more].filter((x) => x).map((l) => open(l!.socket)));
  const ok = results.filter((r) => r.ok);
  const refused = results.filter((r) => !r.ok) as { ok: false; error: PlaygroundError }[];
  assert.equal(ok.length, 2, `two sandboxes for the address: ${JSON.stringify(results)}`);
  assert.ok(refused.length >= 1);
  for (const r of refused) {
    assert.equal(r.error.code, "rate_limited");
    assert.match(r.error.message, /Your network already has 2 sandboxes/);
    assert.match(r.error.action, /End a sandbox/);
  }
  // A learner at another address is not hurt by the flood.
  const elsewhere = await learnerFrom("203.0.113.60");
  const mine = await open(elsewhere.socket);
  assert.ok(mine.ok, JSON.stringify(mine));
  // A workshop learner at the flooding address is bounded by their workshop, not this limit.
  const teacher = await staffLogin(app.url, ADMIN.email, ADMIN.password);
  const w = (await (await httpClient(app.url).post("/api/workshops", workshopBody(), teacher)).json()) as { workshop: { joinCode: string } };
  const joined = await fetch(`${app.url}/api/join/${w.workshop.joinCode}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": "203.0.113.50" },
    body: JSON.stringify({ displayName: "Grace" }),
  });
  assert.equal(joined.status, 200);
  const student = await learnerFrom("203.0.113.50", joined.headers.get("set-cookie")!.split(";")[0]);
  const theirs = await open(student.socket);
  assert.ok(theirs.ok, JSON.stringify(theirs));
  await endAllSessions(app);
});

test("workshop joins per code per address are bounded; another address can still join", async () => {
  const teacher = await staffLogin(app.url, ADMIN.email, ADMIN.password);
  const w = (await (await httpClient(app.url).post("/api/workshops", workshopBody(), teacher)).json()) as { workshop: { joinCode: string } };
  const join = (address: string, name: string) =>
    fetch(`${app.url}/api/join/${w.workshop.joinCode}`, { method: "POST", headers: { "content-type": "application/json", "x-forwarded-for": address }, body: JSON.stringify({ displayName: name }) });
  assert.equal((await join("192.0.2.77", "One")).status, 200);
  assert.equal((await join("192.0.2.77", "Two")).status, 200);
  const third = await join("192.0.2.77", "Three");
  assert.equal(third.status, 429);
  assert.match(((await third.json()) as { error: string }).error, /Too many people joined this workshop from your network/);
  assert.equal((await join("192.0.2.78", "Four")).status, 200);
});

test("one cap on terminals per learner across all their tabs; a second reset while one runs is refused", async () => {
  const first = await learnerFrom("203.0.113.70");
  assert.ok((await open(first.socket)).ok);
  const second = await learnerFrom("203.0.113.70", first.cookie); // another tab of the same learner
  const term = (s: TestSocket) => new Promise<Ack<TerminalOpened>>((resolve) => s.emit("terminal:open", { cols: 80, rows: 24 }, resolve));
  assert.ok((await term(first.socket)).ok);
  assert.ok((await term(second.socket)).ok);
  const third = await term(second.socket);
  assert.ok(!third.ok && third.error.code === "limit_reached", JSON.stringify(third));
  assert.match(!third.ok ? third.error.message : "", /2 terminals open/);

  const resets = await Promise.all([first.socket, second.socket].map((s) => new Promise<Ack<object>>((resolve) => s.emit("sandbox:reset", resolve as never))));
  const refused = resets.filter((r) => !r.ok) as { ok: false; error: PlaygroundError }[];
  assert.equal(resets.filter((r) => r.ok).length, 1, "one reset runs");
  assert.equal(refused.length, 1, "the second is refused, not queued");
  assert.equal(refused[0].error.code, "busy");
});

test("a terminal nobody looks at stops pumping output; it resumes when a viewer comes back", async () => {
  const learner = await learnerFrom("203.0.113.80");
  assert.ok((await open(learner.socket)).ok);
  const opened = await new Promise<Ack<TerminalOpened>>((resolve) => learner.socket.emit("terminal:open", { cols: 80, rows: 24 }, resolve));
  assert.ok(opened.ok);
  const out = new OutputCollector(learner.socket, opened.terminalId);
  await out.waitFor(PROMPT);
  learner.socket.emit("terminal:input", opened.terminalId, "yes flood-line\r");
  await out.waitFor(/flood-line\r\nflood-line/);
  const row = await app.db.prisma.playgroundSession.findFirstOrThrow({ where: { state: "ready", clientAddress: "203.0.113.80" } });
  const term = app.registry.forUser(row.userId).find((t) => t.id === opened.terminalId)!;
  assert.ok(term);
  learner.socket.close(); // the tab closes: nobody looks
  await until("the terminal's output is held back", () => term.outputPaused, 10_000);
  // Coming back: the same shell flows again, and Ctrl-C stops the flood.
  const back = await learnerFrom("203.0.113.80", learner.cookie);
  const attached = await new Promise<Ack<TerminalOpened>>((resolve) => back.socket.emit("terminal:attach", opened.terminalId, { cols: 80, rows: 24 }, resolve));
  assert.ok(attached.ok, JSON.stringify(attached));
  const again = new OutputCollector(back.socket, opened.terminalId);
  await again.waitFor(/flood-line/);
  back.socket.emit("terminal:input", opened.terminalId, "\x03");
  await again.waitFor(PROMPT);
  assert.equal(term.outputPaused, false);
});
