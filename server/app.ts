// Wires everything into one HTTP server: API routes, Next.js pages and socket.io on one port.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Server as SocketServer } from "socket.io";
import { realtimeCluster } from "./realtime/cluster";
import { openHeldView } from "./terminal/holder";
import type { Config } from "./config";
import type { SandboxDriver } from "./sandbox/driver";
import { systemClock, type Clock } from "./lifecycle/clock";
import { createDriver } from "./sandbox/factory";
import { deriveKey, loadOrCreateSecret } from "./auth/secret";
import { IdentityService, NamedGuests } from "./auth/identity";
import { StaffService } from "./auth/staff";
import { handleWorkshopApi } from "./http/workshop-api";
import { WorkshopService } from "./workshops/service";
import { attachStaffEvents, staffNamespace } from "./workshops/staff-events";
import { attachLearnerWorkshopEvents } from "./workshops/learner-events";
import { AuditLog } from "./workshops/audit";
import { DashboardFeed } from "./workshops/dashboard-feed";
import { HelpDesk } from "./workshops/help-desk";
import { RecordingStore } from "./recordings/store";
import { openDatabase, type Database_ } from "./db";
import { handleApi } from "./http/api";
import { handleRecordingApi } from "./http/recording-api";
import { handlePreview, isPreviewHost } from "./http/preview";
import { clientAddressResolver } from "./http/client-address";
import { ClientLimits } from "./http/client-limits";
import { changesState, originChecker } from "./http/origin";
import { attachLessonEvents } from "./lessons/lesson-events";
import { formatProblem, loadCourse } from "./lessons/parse";
import { ProgressService } from "./lessons/progress";
import { LessonService } from "./lessons/service";
import { watchSandboxEvents } from "./lifecycle/events";
import { defaultCapacity, SandboxSlots } from "./lifecycle/capacity";
import { MemoryGate } from "./lifecycle/memory-gate";
import { watchHostMemory } from "./lifecycle/memory-watch";
import { SERVER_HEARTBEAT_MS, ServerRegistry, serverIdFrom } from "./lifecycle/servers";
import { SandboxPool } from "./lifecycle/pool";
import { WarmLedger } from "./lifecycle/warm-ledger";
import { PrewarmPeersOverCluster } from "./realtime/prewarm-peers";
import { reconcile } from "./lifecycle/reconciler";
import { checkSessionClocks, dueWarnings } from "./lifecycle/timers";
import type { Logger } from "./log";
import { PlaygroundService, type ActiveSandbox } from "./sessions/playground-service";
import { attachTerminalEvents } from "./terminal/terminal-events";
import { LearnerActivity } from "./terminal/learner-activity";
import { attachSandboxEvents } from "./sessions/sandbox-events";
import { authenticateLearners, authenticateStaff } from "./realtime/auth";
import type { PlayServer } from "./realtime/types";
import { TerminalRegistry } from "./terminal/registry";
import { openShell, WARM_SHELL_SIZE, WarmShells } from "./terminal/warm-shells";

export interface RunningApp {
  url: string;
  port: number;
  /** Live terminals (tests look at their state). */
  registry: TerminalRegistry;
  /**
   * One pass of the session clocks (limits, idle, warnings) as if it were `now`: the server
   * runs it every LIFECYCLE_TICK_SECONDS; tests call it with the time they choose.
   */
  tickClocks(now?: Date): ReturnType<typeof checkSessionClocks>;
  pool: SandboxPool;
  /** Warm sandboxes' first shells, opened ahead of their learners. */
  warmShells: WarmShells;
  slots: SandboxSlots;
  /** This app server among those sharing the database. */
  servers: ServerRegistry;
  db: Database_;
  driver: SandboxDriver;
  service: PlaygroundService;
  close(): Promise<void>;
}

const SWEEP_INTERVAL_MS = 60_000;

/** `dashboardRefreshMs`: the dashboard's periodic push (tests lengthen it; see DashboardFeed). */
export async function startApp(
  config: Config,
  log: Logger,
  opts: { withNext?: boolean; driver?: SandboxDriver; clock?: Clock; dashboardRefreshMs?: number } = {},
): Promise<RunningApp> {
  const clock = opts.clock ?? systemClock;
  const withNext = opts.withNext ?? true;
  const db = await openDatabase(config.database);
  if (db.applied.length) log.info({ migrations: db.applied, provider: db.provider }, "database migrated");
  log.info({ provider: db.provider }, "database ready");

  const secret = loadOrCreateSecret(config.sessionSecret, config.dataDir);
  const guestKey = deriveKey(secret, "guest-cookie");
  const identities = new IdentityService(db.prisma, guestKey, config.cookieSecure, secret);
  const names = new NamedGuests(db.prisma, guestKey, config.cookieSecure);
  const staff = new StaffService(db.prisma, deriveKey(secret, "staff-cookie"), config.cookieSecure);
  const firstAdmin = await staff.ensureFirstAdmin(config.admin?.email, config.admin?.password, config.admin?.name);
  if (firstAdmin) log.info({ email: firstAdmin.email }, "created the first admin account (ADMIN_EMAIL)");
  const instanceId = config.instanceId ?? (await db.installationId());
  const driver = opts.driver ?? (await createDriver(config, { instanceId, log }));
  await driver.prepare();

  // Several app servers may share this database and engine: say this one is alive.
  const servers = new ServerRegistry(db.prisma, serverIdFrom(config.serverId), clock);
  await servers.beat();
  const heartbeat = setInterval(() => void servers.beat().catch((err) => log.error({ err }, "server heartbeat failed")), SERVER_HEARTBEAT_MS);
  heartbeat.unref();

  const hint = config.scheduling.max ? null : await driver.capacityHint().catch(() => null);
  const capacity = config.scheduling.max || (hint ? defaultCapacity(hint.memoryBytes, config.sandbox.memoryBytes) : 1);
  const memoryLimits = { reserveBytes: config.scheduling.hostReserveBytes, perSandboxBytes: config.scheduling.expectedSandboxBytes };
  const gate = new MemoryGate(memoryLimits, clock);
  const slots = new SandboxSlots(capacity, memoryLimits.reserveBytes > 0 ? gate : undefined);
  // On PostgreSQL several servers may share the engine: warm sandboxes are on offer to all of them.
  const shared = config.database.provider === "postgresql" ? { ledger: new WarmLedger(db.prisma, servers.id), peers: servers } : undefined;
  // A warm sandbox's first shell is opened while the pool fills: a class's arrival then costs no exec per learner.
  const warmShells = new WarmShells((sandbox) => openShell(driver, config.terminalHolder, sandbox, "ubuntu", WARM_SHELL_SIZE), log);
  const pool = new SandboxPool(driver, slots, { size: config.scheduling.poolSize, concurrency: config.scheduling.poolConcurrency, image: driver.image, serverId: servers.id, shared, shells: warmShells }, log);
  const memory = memoryLimits.reserveBytes > 0 ? watchHostMemory({ driver, gate, slots, pool, log }, memoryLimits) : null;
  await memory?.readNow();
  const service = new PlaygroundService({
    prisma: db.prisma,
    driver,
    imageRef: driver.image,
    limits: config.session,
    log,
    slots,
    pool,
    startConcurrency: config.scheduling.startConcurrency,
    clock,
    servers,
  });
  log.info({ engine: driver.engine, capacity, pool: config.scheduling.poolSize, server: servers.id }, "sandbox capacity");

  // The course: a malformed lesson is left out with its problems logged; the rest is served.
  const course = loadCourse(config.lessonsDir, { scenariosDir: config.scenariosDir });
  for (const w of course.warnings) log.warn({ problem: formatProblem(w) }, "scenario feature not supported");
  for (const p of course.problems) log.error({ problem: formatProblem(p) }, "lesson refused");
  log.info({ lessons: course.lessons.length, refused: course.problems.length }, "course loaded");
  const lessons = new LessonService(course.lessons, { progress: new ProgressService(db.prisma), sessions: service, driver, log });
  const activity = new LearnerActivity(clock);
  const prewarmPeers = shared ? new PrewarmPeersOverCluster() : undefined;
  const workshops = new WorkshopService(db.prisma, { lessons: course.lessons, sessions: service, pool, slots, activity, memory: memory ? gate : undefined, peers: prewarmPeers });
  const help = new HelpDesk(db.prisma);
  const audit = new AuditLog(db.prisma);
  const recordings = new RecordingStore(db.prisma, config.recordings, log);
  const recovered = await recordings.recover();
  if (recovered) log.info({ recovered }, "recordings left open by the last run were closed");
  if (config.sandbox.profile === "trusted") {
    log.warn(
      { host: config.host },
      "SANDBOX_PROFILE=trusted: root in a sandbox is root on this machine, so every learner can take it over. Use it only for a class you trust (see SECURITY.md).",
    );
  }
  if (config.sandbox.isolation === "off") {
    log.warn("SANDBOX_ISOLATION=off: sandboxes can reach this host and each other. Use only for a trusted class.");
  }

  // Repair what changed while no server watched (restart, crash), then keep it repaired.
  // What a dead server left is reconciled by one server at a time (the lease's holder).
  const runReconcile = async (why: string) => {
    const shared = await servers.acquire("reconciler", 2 * SWEEP_INTERVAL_MS);
    const report = await reconcile({ driver, service, pool, log, servers }, { adoptPool: why === "start", shared }, clock.now());
    const changed = Object.entries(report).filter(([k, v]) => k !== "adopted" && v.length > 0);
    if (why === "start" || changed.length > 0) log.info({ why, ...report }, "reconciled sandboxes with the database");
  };
  await runReconcile("start").catch((err) => log.error({ err }, "start-up reconcile failed; will retry"));
  slots.resync((await service.ownSessions()).length + pool.held);
  pool.fill();
  memory?.start();

  let nextHandler: ((req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>) | null = null;
  let nextClose: (() => Promise<void>) | null = null;
  if (withNext) {
    const { default: next } = await import("next");
    const nextApp = next({ dev: config.dev, dir: process.cwd(), hostname: "localhost", port: config.port });
    await nextApp.prepare();
    nextHandler = nextApp.getRequestHandler();
    nextClose = () => nextApp.close();
  }

  const addressOf = clientAddressResolver(config.trustProxy);
  const originOk = originChecker(config.publicOrigin);
  const limits = new ClientLimits(config.limits);
  const isStaff = async (req: http.IncomingMessage) => (await staff.fromCookieHeader(req.headers.cookie)) !== null;
  let staffSockets: { endSession(sessionId: string): void } = { endSession: () => undefined };
  const previewDeps = {
    identities,
    service,
    driver,
    maxPerLearner: config.limits.previewsPerLearner,
    previewOrigin: config.previewOrigin,
    previewKey: deriveKey(secret, "preview-token"),
    log,
  };
  const server = http.createServer((req, res) => {
    void (async () => {
      // The preview origin serves previews and nothing else: no pages, no API, no sockets.
      if (isPreviewHost(req, config.previewOrigin)) {
        if (!(await handlePreview(req, res, previewDeps))) res.writeHead(404, { "content-type": "text/plain" }).end("Only previews are served here.");
        return;
      }
      // A page on another site may not change anything here (cross-site request forgery).
      // Previews are exempt: their pages run in an opaque origin (Origin: null) and only ever
      // reach the learner's own sandbox, with a SameSite cookie no other site's request carries.
      if (changesState(req.method) && !originOk(req) && !req.url?.startsWith("/preview/")) {
        res.writeHead(403, { "content-type": "application/json; charset=utf-8" });
        res.end(JSON.stringify({ ok: false, error: "This request came from another site. Open the playground at its own address and try again." }));
        return;
      }
      if (await handleWorkshopApi(req, res, { staff, workshops, identities, recordings, audit, help, feed: () => feed, addressOf, limits, staffSockets: () => staffSockets, log })) return;
      if (await handleRecordingApi(req, res, { identities, staff, workshops, recordings })) return;
      if (await handleApi(req, res, { identities, driver, pingDatabase: db.ping, lessons, names, addressOf, limits, isStaff, log })) return;
      if (await handlePreview(req, res, previewDeps)) return;
      if (nextHandler) return nextHandler(req, res);
      res.writeHead(404).end();
    })().catch((err) => {
      log.error({ err, url: req.url }, "request failed");
      if (!res.headersSent) res.writeHead(500).end("Internal error");
    });
  });

  const cluster = await realtimeCluster(config.database, log);
  const io: PlayServer = new SocketServer(server, {
    ...(cluster ? { adapter: cluster.adapter } : {}),
    maxHttpBufferSize: 1e6,
    serveClient: false,
    // The handshake of every namespace (learner and /staff): never from another site's page.
    allowRequest: (req, cb) => {
      const ok = originOk(req) && !isPreviewHost(req, config.previewOrigin);
      cb(ok ? null : "origin not allowed", ok);
    },
  });
  if (cluster) {
    service.onOtherServersSlotFreed((serverId) => io.serverSideEmit("slots:free", serverId));
    io.on("slots:free", (serverId) => serverId === servers.id && slots.release());
    pool.onTakenFromAnotherServer((ownerId, sandboxId) => io.serverSideEmit("pool:claimed", ownerId, sandboxId));
    io.on("pool:claimed", (ownerId, sandboxId) => ownerId === servers.id && pool.claimedElsewhere(sandboxId));
    prewarmPeers?.bind(io, { status: (id) => workshops.localPrewarmStatus({ id }) }, pool);
  }
  const registry = new TerminalRegistry(config.terminalGraceMs, log);
  const staffNsp = staffNamespace(io);
  const feed = new DashboardFeed(staffNsp, { workshops, help, log }, { clustered: cluster !== null, refreshMs: opts.dashboardRefreshMs });
  authenticateLearners(io, identities, log);
  staffSockets = authenticateStaff(staffNsp, staff);
  const sandboxes = attachSandboxEvents(io, {
    service,
    addressOf,
    // Reopening one's own sandbox is always fine; workshop learners are bounded by their
    // workshop; everyone else by the per-address limit.
    reserveSandbox: async (userId, address) => {
      if ((await service.active(userId)) || (await workshops.currentFor(userId))) return () => undefined;
      return limits.reserveSandbox(address, userId, (except) => service.activeFromAddress(address, except));
    },
    sandboxChanged: (userId) => feed.learnerChanged(userId),
    sandboxEnded: (sessionId) => registry.closeSession(sessionId),
    dueWarning: async (sessionId) => {
      const row = await service.session(sessionId);
      // The one that comes first is the one to act on.
      const due = row ? dueWarnings(service, config.session, row, clock.now()) : [];
      return due.sort((a, b) => Date.parse(a.endsAt) - Date.parse(b.endsAt))[0] ?? null;
    },
    log,
  });
  attachTerminalEvents(io, {
    service,
    driver,
    registry,
    record: async (term) => recordings.begin(term, (await workshops.currentFor(term.owner.userId))?.workshop.id ?? null),
    terminalsPerLearner: config.limits.terminalsPerLearner,
    activity,
    holder: config.terminalHolder,
    warmShells,
    log,
  });
  attachLessonEvents(io, lessons, log);
  lessons.onProgress((userId) => feed.learnerChanged(userId));
  service.onQueueChanged((userId) => feed.learnerChanged(userId));
  attachLearnerWorkshopEvents(io, { workshops, help, recordings, feed, log });
  const heldView = config.terminalHolder === "tmux" ? (active: ActiveSandbox) => openHeldView(driver, active) : undefined;
  attachStaffEvents(io, staffNsp, { staff, workshops, sessions: service, registry, help, audit, feed, heldView, log });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://localhost:${port}`;
  log.info({ url, dev: config.dev }, "container playground listening");

  const sweep = setInterval(() => {
    runReconcile("sweep").catch((err) => log.error({ err }, "periodic reconcile failed"));
  }, SWEEP_INTERVAL_MS);
  sweep.unref();
  const tickClocks = (now = clock.now()) => checkSessionClocks({ service, limits: config.session, log, warn: (userId, w) => sandboxes.warn(userId, w) }, now);
  const clockTicks = setInterval(() => {
    tickClocks().catch((err) => log.error({ err }, "session clock check failed"));
  }, config.session.tickMs);
  clockTicks.unref();
  const stopWatching = watchSandboxEvents({ driver, service, pool, log, clock }, () => {
    runReconcile("events reconnected").catch((err) => log.error({ err }, "reconcile after events reconnect failed"));
  });

  return {
    url,
    port,
    registry,
    tickClocks,
    db,
    driver,
    service,
    pool,
    warmShells,
    slots,
    servers,
    async close() {
      pool.stop();
      // Their streams are this process's; the sandboxes stay warm for the next server start.
      await warmShells.closeAll();
      clearInterval(sweep);
      clearInterval(clockTicks);
      clearInterval(heartbeat);
      memory?.stop();
      stopWatching();
      feed.stop();
      registry.letGoOfAll();
      io.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await cluster?.close();
      await nextClose?.();
      await driver.dispose();
      await servers.leave().catch((err) => log.error({ err }, "could not sign this server off"));
      await db.close();
    },
  };
}
