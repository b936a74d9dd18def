// Instructors and workshops against a real server, database and sandbox: accounts and their
// sessions, who may see which workshop, joining with a code (twice resumes), the dashboard's
// learner rows, ending a workshop (sandboxes go, progress stays), and watching terminals.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startApp, type RunningApp } from "../../server/app";
import { call, connect, guestCookie, OutputCollector, openTerminal, type TestSocket } from "../helpers/client";
import { httpClient, staffLogin, staffSocket as openStaffSocket, startWatch, workshopBody } from "../helpers/staff";
import { endAllSessions, log, requireDocker, requireSandboxImage, testConfig, until } from "../helpers/env";

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

const { post, get } = {
  post: (path: string, body: unknown, cookie?: string) => httpClient(app.url).post(path, body, cookie),
  get: (path: string, cookie?: string) => httpClient(app.url).get(path, cookie),
};
const login = (email: string, password: string) => staffLogin(app.url, email, password);
const staffSocket = (cookie?: string) => openStaffSocket(app.url, cookie);

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

test("repeated wrong passwords slow an email down but never lock its owner out", async () => {
  const codes: number[] = [];
  for (let i = 0; i < 6; i++) codes.push((await post("/api/staff/login", { email: ADMIN.email, password: `guess-${i}` })).status);
  assert.deepEqual(codes, [401, 401, 401, 401, 401, 401]);
  assert.equal((await post("/api/staff/login", { email: ADMIN.email, password: ADMIN.password })).status, 200);
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

test("an instructor watches a learner's terminal live; nobody else can; a stalled watcher never slows the learner", async () => {
  const admin = await login(ADMIN.email, ADMIN.password);
  const created = (await (await post("/api/workshops", workshopBody(["02-namespaces"]), admin)).json()) as { workshop: { id: string; joinCode: string } };
  const joined = await post(`/api/join/${created.workshop.joinCode}`, { displayName: "Watched" });
  const cookie = joined.headers.get("set-cookie")!.split(";")[0];
  const learner = await connect(app.url, cookie);
  sockets.push(learner);
  assert.ok((await call(learner, "sandbox:open")).ok);
  const opened = await openTerminal(learner);
  assert.ok(opened.ok);
  const shell = new OutputCollector(learner, opened.terminalId);
  learner.emit("terminal:input", opened.terminalId, "echo watched-$((6*7))\r");
  await shell.waitFor(/watched-42/);
  const userId = (await app.db.prisma.workshopMember.findFirstOrThrow({ where: { workshopId: created.workshop.id } })).userId;

  // The owner of the workshop sees the screen (snapshot first) and what follows, live.
  const teacher = await staffSocket(admin);
  const watch = startWatch(teacher, created.workshop.id, userId);
  const started = await watch.started;
  assert.ok(started.ok, started.error);
  await until("the snapshot", () => /watched-42/.test(watch.text()), 20_000);
  learner.emit("terminal:input", opened.terminalId, "echo live-$((7*7))\r");
  await until("live output", () => /live-49/.test(watch.text()), 20_000);

  // Anyone else: no staff cookie, another instructor, a learner not in the workshop.
  await assert.rejects(staffSocket(), /unauthorized/);
  await assert.rejects(staffSocket(cookie), /unauthorized/, "a learner's cookie is not a staff session");
  const adminSession = await login(ADMIN.email, ADMIN.password);
  assert.equal((await post("/api/staff", { email: "cy@example.org", password: "a long enough password" }, adminSession)).status, 201);
  const other = await staffSocket(await login("cy@example.org", "a long enough password"));
  const denied = await startWatch(other, created.workshop.id, userId).started;
  assert.equal(denied.ok, false);
  assert.match(denied.error ?? "", /no workshop of yours/);
  const stranger = await startWatch(teacher, created.workshop.id, "g_notamember").started;
  assert.equal(stranger.ok, false);

  // A watcher that stops reading: the learner's flood and prompt are not held back.
  const stalled = startWatch(await staffSocket(admin), created.workshop.id, userId, true);
  const stalledStart = await stalled.started;
  assert.ok(stalledStart.ok);
  learner.emit("terminal:input", opened.terminalId, "yes | head -c 3000000 | tail -c 10; echo flood-done-$((1+1))\r");
  await shell.waitFor(/flood-done-2/, 60_000);
  // Once it reads again it gets a fresh screen, with the end of the flood on it.
  stalled.ackAll(stalledStart.watchId!);
  await until("a fresh screen for the stalled watcher", () => /flood-done-2/.test(stalled.text()), 20_000);
  for (const s of [teacher, other]) s.close();
});
