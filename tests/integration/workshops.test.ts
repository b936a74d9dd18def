// Instructors and workshops against a real server, database and sandbox: accounts and their
// sessions, who may see which workshop, joining with a code (twice resumes), the dashboard's
// learner rows, and ending a workshop (sandboxes go, progress stays).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startApp, type RunningApp } from "../../server/app";
import { call, connect, guestCookie, type TestSocket } from "../helpers/client";
import { endAllSessions, log, requireDocker, requireSandboxImage, testConfig } from "../helpers/env";

let app: RunningApp;
const sockets: TestSocket[] = [];
const ADMIN = { email: "admin@example.org", password: "correct horse battery" };

before(async () => {
  const image = await requireSandboxImage(await requireDocker());
  app = await startApp(testConfig({ SANDBOX_IMAGE: image.ref, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password }), log, { withNext: false });
});

after(async () => {
  for (const s of sockets) s.close();
  if (!app) return;
  await endAllSessions(app);
  await app.close();
});

async function post(path: string, body: unknown, cookie?: string) {
  return fetch(`${app.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) }, body: JSON.stringify(body) });
}

async function get(path: string, cookie?: string) {
  return fetch(`${app.url}${path}`, { headers: cookie ? { cookie } : {} });
}

async function login(email: string, password: string): Promise<string> {
  const res = await post("/api/staff/login", { email, password });
  assert.equal(res.status, 200, `login of ${email}`);
  return res.headers.get("set-cookie")!.split(";")[0];
}

function workshopBody(lessonIds = ["01-container-is-a-process", "02-namespaces"], capacity = 30) {
  return { title: "Containers 101", lessonIds, startsAt: new Date(Date.now() - 60_000).toISOString(), endsAt: new Date(Date.now() + 3600_000).toISOString(), capacity };
}

test("the first admin comes from the environment; sign-in checks the password, expires and signs out", async () => {
  assert.equal((await post("/api/staff/login", { email: ADMIN.email, password: "wrong password" })).status, 401);
  const admin = await login(ADMIN.email.toUpperCase(), ADMIN.password);
  const me = (await (await get("/api/staff/me", admin)).json()) as { staff: { role: string } };
  assert.equal(me.staff.role, "admin");
  const cookieHeader = (await post("/api/staff/login", { email: ADMIN.email, password: ADMIN.password })).headers.get("set-cookie") ?? "";
  assert.match(cookieHeader, /HttpOnly/i);
  assert.match(cookieHeader, /SameSite=Lax/i);
  assert.match(cookieHeader, /Max-Age=43200/, "staff sessions expire after 12 hours");

  // An expired session is refused; logging out ends a session for good.
  await app.db.prisma.staffSession.updateMany({ data: { expiresAt: new Date(Date.now() - 1000) } });
  assert.equal((await get("/api/staff/me", admin)).status, 401);
  const again = await login(ADMIN.email, ADMIN.password);
  assert.equal((await post("/api/staff/logout", {}, again)).status, 200);
  assert.equal((await get("/api/staff/me", again)).status, 401);
});

test("repeated wrong passwords are rate-limited", async () => {
  const email = "nobody@example.org";
  const codes: number[] = [];
  for (let i = 0; i < 6; i++) codes.push((await post("/api/staff/login", { email, password: `guess-${i}` })).status);
  assert.deepEqual(codes.slice(0, 5), [401, 401, 401, 401, 401]);
  assert.equal(codes[5], 429);
});

test("only an admin creates instructors; an instructor sees only their own workshops", async () => {
  const admin = await login(ADMIN.email, ADMIN.password);
  assert.equal((await post("/api/staff", { email: "ann@example.org", password: "short" }, admin)).status, 400, "weak password refused");
  for (const email of ["ann@example.org", "bob@example.org"]) {
    assert.equal((await post("/api/staff", { email, password: "a long enough password" }, admin)).status, 201);
  }
  const ann = await login("ann@example.org", "a long enough password");
  const bob = await login("bob@example.org", "a long enough password");
  assert.equal((await post("/api/staff", { email: "eve@example.org", password: "a long enough password" }, ann)).status, 403);

  const bad = await post("/api/workshops", { ...workshopBody(["99-nothing"]) }, ann);
  assert.equal(bad.status, 400);
  assert.match(((await bad.json()) as { error: string }).error, /not lessons of this course/);
  const created = await post("/api/workshops", workshopBody(), ann);
  assert.equal(created.status, 201);
  const { workshop } = (await created.json()) as { workshop: { id: string; joinCode: string } };
  assert.match(workshop.joinCode, /^[A-Z2-9]{3}-[A-Z2-9]{3}$/);
  assert.match(workshop.id, /^[A-Za-z0-9_-]{20,}$/, "workshop ids are not guessable");

  assert.equal((await get(`/api/workshops/${workshop.id}`, ann)).status, 200);
  assert.equal((await get(`/api/workshops/${workshop.id}`, bob)).status, 404, "another instructor's workshop looks missing");
  assert.equal(((await (await get("/api/workshops", bob)).json()) as { workshops: unknown[] }).workshops.length, 0);
  const learner = await guestCookie(app.url);
  assert.equal((await get(`/api/workshops/${workshop.id}`, learner)).status, 401, "a learner's cookie is not a staff session");
  assert.equal((await get(`/api/workshops/${workshop.id}/qr.svg`, bob)).status, 404);
  const qr = await get(`/api/workshops/${workshop.id}/qr.svg`, ann);
  assert.match(await qr.text(), /<svg/);
});

test("learners join with the code; joining twice resumes; the dashboard shows them; ending keeps progress", async () => {
  const admin = await login(ADMIN.email, ADMIN.password);
  const created = (await (await post("/api/workshops", workshopBody(["02-namespaces"], 1), admin)).json()) as { workshop: { id: string; joinCode: string } };
  const code = created.workshop.joinCode;

  assert.equal((await get("/api/join/ZZZ-ZZZ")).status, 404, "a forged code is refused");
  assert.equal(((await (await get(`/api/join/${code.toLowerCase().replace("-", "")}`)).json()) as { workshop: { title: string } }).workshop.title, "Containers 101");
  assert.equal((await post(`/api/join/${code}`, { displayName: "" })).status, 400, "a display name is needed");

  const joined = await post(`/api/join/${code}`, { displayName: "Lin" });
  assert.equal(joined.status, 200);
  assert.equal(((await joined.json()) as { firstLesson: string }).firstLesson, "namespaces");
  const cookie = joined.headers.get("set-cookie")!.split(";")[0];
  assert.equal((await post(`/api/join/${code}`, { displayName: "Lin Q." }, cookie)).status, 200, "the same browser joins again");
  assert.equal((await post(`/api/join/${code}`, { displayName: "Someone else" })).status, 409, "capacity 1: a second learner is refused");
  assert.equal(await app.db.prisma.workshopMember.count({ where: { workshopId: created.workshop.id } }), 1, "joining twice does not duplicate");

  // The learner starts a sandbox and passes a step; the dashboard shows it.
  const socket = await connect(app.url, cookie);
  sockets.push(socket);
  assert.ok((await call(socket, "sandbox:open")).ok);
  await app.db.prisma.stepProgress.create({ data: { userId: (await app.db.prisma.workshopMember.findFirstOrThrow({ where: { workshopId: created.workshop.id } })).userId, lessonId: "02-namespaces", stepId: "your-view", attempts: 1, passedAt: new Date() } });
  const dash = (await (await get(`/api/workshops/${created.workshop.id}`, admin)).json()) as { learners: { displayName: string; doneSteps: number; currentLesson: { stepIndex: number }; sandboxRunning: boolean; stuck: boolean }[] };
  assert.equal(dash.learners.length, 1);
  assert.equal(dash.learners[0].displayName, "Lin Q.");
  assert.equal(dash.learners[0].doneSteps, 1);
  assert.equal(dash.learners[0].currentLesson.stepIndex, 1);
  assert.equal(dash.learners[0].sandboxRunning, true);
  assert.equal(dash.learners[0].stuck, false);

  const ended = (await (await post(`/api/workshops/${created.workshop.id}/end`, {}, admin)).json()) as { sandboxesEnded: number };
  assert.equal(ended.sandboxesEnded, 1);
  assert.equal((await app.service.activeSessions()).length, 0, "the learner's sandbox is gone");
  assert.equal(await app.db.prisma.stepProgress.count({ where: { passedAt: { not: null } } }), 1, "progress is kept");
  assert.equal((await post(`/api/join/${code}`, { displayName: "Late" })).status, 410, "an ended workshop's code stops working");
});
