// Reads and validates every environment variable once. Everything else receives values.
import path from "node:path";
import { z } from "zod";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATA_DIR: z.string().min(1).default("./data"),
  LESSONS_DIR: z.string().min(1).default("./lessons"),
  SCENARIOS_DIR: z.string().min(1).optional(),
  DATABASE_URL: z.string().min(1).optional(),
  SESSION_SECRET: z.string().min(32, "SESSION_SECRET must be at least 32 characters").optional(),
  COOKIE_SECURE: z.enum(["auto", "true", "false"]).default("auto"),
  // The first admin account, created at start when there is no staff account yet.
  ADMIN_EMAIL: z.string().email("ADMIN_EMAIL: an email address").optional(),
  ADMIN_PASSWORD: z.string().min(10, "ADMIN_PASSWORD: at least 10 characters").optional(),
  ADMIN_NAME: z.string().trim().min(1).max(60, "ADMIN_NAME: at most 60 characters").optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  // Which engine runs sandboxes (server/sandbox/factory.ts): docker, lxd (unprivileged system
  // containers, on one host or an LXD cluster), or fake (in memory, no real shells: for
  // developing the pages and for the fast test tier).
  SANDBOX_ENGINE: z.enum(["docker", "lxd", "fake"]).default("docker"),
  // The LXD engine: its local socket, or a remote member's HTTPS address with a client
  // certificate (files) that the member trusts; the project, storage pool and bridge network
  // that scripts/ensure-lxd.sh makes; containers, or virtual machines where the hosts have KVM.
  LXD_SOCKET: z.string().min(1).default("/var/lib/lxd/unix.socket"),
  LXD_URL: z.string().url("LXD_URL: an address such as https://10.0.0.5:8443").optional(),
  LXD_CLIENT_CERT: z.string().min(1).optional(),
  LXD_CLIENT_KEY: z.string().min(1).optional(),
  LXD_SERVER_CERT: z.string().min(1).optional(),
  LXD_PROJECT: z.string().regex(/^[A-Za-z0-9_-]{1,63}$/, "LXD_PROJECT: a project name").default("default"),
  LXD_STORAGE_POOL: z.string().regex(/^[A-Za-z0-9_-]{1,63}$/, "LXD_STORAGE_POOL: a pool name").default("cp-pool"),
  LXD_NETWORK: z.string().regex(/^[A-Za-z0-9_-]{1,15}$/, "LXD_NETWORK: a network name of at most 15 characters").default("cpbr0"),
  SANDBOX_LXD_TYPE: z.enum(["container", "vm"]).default("container"),
  // Root's subordinate uid range on the LXD hosts (START:COUNT, as in /etc/subuid; ensure-lxd.sh
  // sets it): each hardened sandbox gets 65,536 uids of its own in it.
  LXD_IDMAP_RANGE: z
    .string()
    .regex(/^\d+:\d+$/, "LXD_IDMAP_RANGE: START:COUNT, such as 1000000:1000000000")
    .default("1000000:1000000000"),
  SANDBOX_IMAGE: z.string().min(1).optional(),
  SANDBOX_AUTO_BUILD: bool.default("true"),
  SANDBOX_PRIVILEGED: z.enum(["auto", "always", "never"]).default("auto"),
  SANDBOX_MEMORY_MB: z.coerce.number().int().min(128).max(65536).default(1024),
  SANDBOX_CPUS: z.coerce.number().min(0.1).max(64).default(1),
  SANDBOX_PIDS_LIMIT: z.coerce.number().int().min(64).max(100000).default(1024),
  SANDBOX_TMP_MB: z.coerce.number().int().min(16).max(16384).default(256),
  SANDBOX_RUN_MB: z.coerce.number().int().min(16).max(4096).default(64),
  // When a sandbox's own Docker engine starts: when first used (an idle sandbox runs none), or with the sandbox.
  SANDBOX_DOCKER_START: z.enum(["first-use", "boot"]).default("first-use"),
  SANDBOX_SUBNET_POOL: z
    .string()
    .regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, "SANDBOX_SUBNET_POOL: an IPv4 CIDR such as 10.213.0.0/16")
    .default("10.213.0.0/16"),
  SANDBOX_SUBNET_PREFIX: z.coerce.number().int().min(16).max(29).default(28),
  SANDBOX_ISOLATION: z.enum(["enforce", "off"]).default("enforce"),
  SANDBOX_EGRESS: z.enum(["allow", "deny", "allowlist"]).default("allow"),
  // Comma-separated IPv4 addresses or CIDRs, each optionally with :port (TCP), e.g. a
  // package or registry mirror. Reachable from sandboxes even on this host.
  SANDBOX_EGRESS_ALLOW: z.string().default(""),
  SANDBOX_PROFILE: z.enum(["trusted", "hardened"]).default("hardened"),
  // trusted gives learners root on the host: on a non-loopback address only when the
  // operator says, by this name, that they accept it.
  TRUSTED_PROFILE_ACCEPT_HOST_TAKEOVER: bool.default("false"),
  // An OCI runtime the engine offers (e.g. sysbox-runc, kata-runtime); empty = its default.
  SANDBOX_RUNTIME: z.string().regex(/^[a-zA-Z0-9_.-]+$/, "SANDBOX_RUNTIME: a runtime name such as sysbox-runc").optional(),
  // The registry mirror every sandbox pulls Docker Hub images through (mirror-images/).
  MIRROR: z.enum(["on", "off"]).default("on"),
  MIRROR_PORT: z.coerce.number().int().min(1).max(65535).default(5000),
  MIRROR_UPSTREAM: z.string().url("MIRROR_UPSTREAM: a URL such as https://registry-1.docker.io").optional(),
  // The size limit of each sandbox's own disk; 0 = no limit (writes go to the host's disk).
  SANDBOX_DISK_MB: z.coerce.number().int().min(0).max(1024 * 1024).default(8192),
  SANDBOX_DISK_DIR: z.string().min(1).optional(),
  // The inner Docker's bridge (first /24) and address pool; never one of the host's ranges.
  // Unset: Docker's own defaults (172.17.0.0/16 for docker0, …), minus any that clash.
  SANDBOX_INNER_POOL: z
    .string()
    .regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, "SANDBOX_INNER_POOL: an IPv4 CIDR such as 10.250.0.0/16")
    .optional(),
  SANDBOX_POOL_SIZE: z.coerce.number().int().min(0).max(1000).default(1),
  SANDBOX_POOL_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  SANDBOX_START_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  SANDBOX_MAX: z.coerce.number().int().min(0).max(100000).default(0),
  // New sandboxes wait (learners queue) while the host has less free memory than this, plus
  // what one more sandbox takes; 0 turns the check off.
  HOST_MEMORY_RESERVE_MB: z.coerce.number().int().min(0).max(1024 * 1024).default(1024),
  SANDBOX_EXPECTED_MB: z.coerce.number().int().min(1).max(1024 * 1024).default(128),
  INSTANCE_ID: z.string().regex(/^[a-z0-9][a-z0-9-]{2,62}$/, "INSTANCE_ID: lowercase letters, digits and dashes").optional(),
  // This app server's name among several sharing one database (default: the host name).
  SERVER_ID: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, "SERVER_ID: letters, digits, dots, dashes and underscores").optional(),
  SANDBOX_READY_TIMEOUT_S: z.coerce.number().int().min(5).max(600).default(90),
  // Minutes may be fractional (tests use a few seconds).
  SESSION_MAX_MINUTES: z.coerce.number().min(0.01).max(7 * 24 * 60).default(240),
  SESSION_EXTEND_MINUTES: z.coerce.number().min(0.01).max(24 * 60).default(30),
  SESSION_MAX_TOTAL_MINUTES: z.coerce.number().min(0.01).max(7 * 24 * 60).default(480),
  SESSION_IDLE_MINUTES: z.coerce.number().min(0.01).max(7 * 24 * 60).default(30),
  SESSION_WARN_MINUTES: z.coerce.number().min(0).max(120).default(5),
  LIFECYCLE_TICK_SECONDS: z.coerce.number().min(0.2).max(300).default(10),
  TERMINAL_GRACE_SECONDS: z.coerce.number().int().min(1).max(24 * 3600).default(600),
  TERMINAL_HOLDER: z.enum(["none", "tmux"]).default("none"),
  RECORDINGS: z.enum(["all", "workshop", "off"]).default("all"),
  RECORD_INPUT: bool.default("false"),
  RECORDING_MAX_MB: z.coerce.number().min(0.01).max(1024).default(10),
  RECORDINGS_TOTAL_MB: z.coerce.number().min(1).max(1024 * 1024).default(2048),
  // One learner's recordings together (their oldest go first; over it, recording stops).
  RECORDINGS_PER_LEARNER_MB: z.coerce.number().min(0.1).max(1024 * 1024).default(100),
  // The address learners use (origin checks on sockets and state-changing routes); by
  // default a request must come from the page's own origin.
  PUBLIC_URL: z.string().url("PUBLIC_URL: the playground's address, such as https://play.example.org").optional(),
  // A separate origin that serves only previews of learners' web servers.
  PREVIEW_ORIGIN: z.string().url("PREVIEW_ORIGIN: an origin such as https://preview.example.org").optional(),
  // Proxies whose X-Forwarded-For is believed (addresses or CIDRs, comma-separated).
  TRUST_PROXY: z.string().default(""),
  // Limits per client address, so one visitor cannot take the service.
  LIMIT_GUESTS_PER_HOUR: z.coerce.number().int().min(1).max(100000).default(20),
  LIMIT_SANDBOXES_PER_ADDRESS: z.coerce.number().int().min(1).max(100000).default(3),
  LIMIT_JOINS_PER_CODE_PER_HOUR: z.coerce.number().int().min(1).max(100000).default(40),
  // Limits per learner.
  LIMIT_TERMINALS_PER_LEARNER: z.coerce.number().int().min(1).max(64).default(8),
  LIMIT_PREVIEWS_PER_LEARNER: z.coerce.number().int().min(1).max(256).default(8),
});

export interface EgressTarget {
  /** IPv4 address or CIDR. */
  cidr: string;
  /** TCP port; undefined = every port. */
  port?: number;
}

/** "10.0.0.5:5000, 192.168.1.0/24" into targets; throws ConfigError on anything else. */
export function parseEgressAllow(text: string, egress: string): EgressTarget[] {
  const targets = text
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean)
    .map((item) => {
      const m = /^(\d{1,3}(?:\.\d{1,3}){3})(\/\d{1,2})?(?::(\d{1,5}))?$/.exec(item);
      const octetsOk = m?.[1].split(".").every((o) => Number(o) <= 255);
      const prefix = m?.[2] ? Number(m[2].slice(1)) : 32;
      const port = m?.[3] ? Number(m[3]) : undefined;
      if (!m || !octetsOk || prefix > 32 || (port !== undefined && (port < 1 || port > 65535))) {
        throw new ConfigError(`SANDBOX_EGRESS_ALLOW: "${item}" is not an IPv4 address or CIDR with an optional :port (e.g. 10.0.0.5:5000)`);
      }
      return { cidr: `${m[1]}/${prefix}`, port };
    });
  if (egress === "allowlist" && targets.length === 0) {
    throw new ConfigError("SANDBOX_EGRESS=allowlist needs SANDBOX_EGRESS_ALLOW (e.g. 10.0.0.5:5000,192.168.1.10)");
  }
  return targets;
}

export type DatabaseProvider = "sqlite" | "postgresql";

export interface Config {
  port: number;
  host: string;
  dev: boolean;
  dataDir: string;
  /** The course: one folder per lesson (docs/lessons.md). */
  lessonsDir: string;
  /** A second folder with Killercoda/Katacoda scenario folders only, loaded after LESSONS_DIR (docs/lessons.md). */
  scenariosDir?: string;
  database: { provider: DatabaseProvider; url: string };
  sessionSecret?: string;
  cookieSecure: "auto" | boolean;
  logLevel: string;
  /** First admin (only used while no staff account exists). */
  /** The first admin: ADMIN_EMAIL, ADMIN_PASSWORD, and ADMIN_NAME (what learners see). */
  admin?: { email: string; password: string; name?: string };
  /** What a sandbox is and may do, whatever runs it. */
  sandbox: {
    /** The engine that runs sandboxes. */
    engine: "docker" | "lxd" | "fake";
    image?: string;
    autoBuild: boolean;
    memoryBytes: number;
    nanoCpus: number;
    pidsLimit: number;
    tmpMb: number;
    runMb: number;
    /** When the sandbox's inner dockerd starts: on the first connection to its socket, or at boot. */
    dockerStart: "first-use" | "boot";
    /** "enforce": host firewall rules keep sandboxes from the host and each other. */
    isolation: "enforce" | "off";
    /** Outbound traffic from sandboxes to the rest of the world. */
    egress: "allow" | "deny" | "allowlist";
    /** Reachable from sandboxes whatever `egress` says (host services included). */
    egressAllow: EgressTarget[];
    /** "hardened" (default): learners in a user namespace; "trusted": Docker-in-Docker with root on the host. */
    profile: "trusted" | "hardened";
    /** Each sandbox's own disk, in MB (0 = no limit). */
    diskMb: number;
    /** The inner Docker's address pool (its first /24 is the inner default bridge); unset = Docker's defaults (subnets.ts). */
    innerPool: string | undefined;
    /** The host's registry mirror (null = off): stand-ins offline, or a pull-through cache. */
    mirror: { port: number; upstream?: string } | null;
    readyTimeoutMs: number;
  };
  /** How many sandboxes, when: the warm pool and capacity. */
  scheduling: {
    poolSize: number;
    poolConcurrency: number;
    startConcurrency: number;
    /** Most sandboxes at once (pool included); 0 = derived from the engine's capacity hint. */
    max: number;
    /** Free host memory kept whatever learners want (bytes); 0 = no memory check. */
    hostReserveBytes: number;
    /** What one more running sandbox is expected to take from the host (bytes). */
    expectedSandboxBytes: number;
  };
  /** Settings only the Docker engine has. */
  docker: {
    privileged: "auto" | "always" | "never";
    /** OCI runtime for sandboxes (undefined = the engine's default, runc). */
    runtime?: string;
    /** Each sandbox gets its own bridge network, a /subnetPrefix from this pool. */
    subnetPool: string;
    subnetPrefix: number;
    /** Where the sandboxes' disk files live (on the engine's host). */
    diskDir: string;
  };
  /** Settings only the LXD engine has. */
  lxd: {
    socketPath: string;
    /** A remote member (or a cluster's) HTTPS address; undefined = the local socket. */
    url?: string;
    clientCert?: string;
    clientKey?: string;
    serverCert?: string;
    project: string;
    storagePool: string;
    network: string;
    /** What each sandbox is: a system container, or a virtual machine (hosts with KVM). */
    type: "container" | "vm";
    /** Root's subordinate uid range on the hosts, where hardened sandboxes get ranges of their own. */
    idmapRange: { start: number; size: number };
  };
  /** Fixed installation id for sandbox labels; by default one is made and kept in the database. */
  instanceId?: string;
  /** This app server among several on one database (SERVER_ID; default: the host name). */
  serverId?: string;
  session: {
    /** Hard limit at start; "Extend" adds extendMs, up to maxTotalMs after creation. */
    maxMs: number;
    extendMs: number;
    maxTotalMs: number;
    /** No terminal input/output and no visible page for this long ends the session. */
    idleMs: number;
    /** Learners are warned this long before either limit. */
    warnMs: number;
    tickMs: number;
  };
  /** How long a shell with no browser attached keeps running. */
  terminalGraceMs: number;
  /** What keeps a shell inside its sandbox: "tmux" lets it outlive its app server (terminal/holder.ts). */
  terminalHolder: "none" | "tmux";
  /** The origin learners use; undefined = each request's own origin (same-origin only). */
  publicOrigin?: string;
  /** A separate origin for previews of learners' web servers (undefined = the playground's own). */
  previewOrigin?: string;
  /** Proxies whose X-Forwarded-For is believed. */
  trustProxy: string[];
  limits: {
    guestsPerHour: number;
    sandboxesPerAddress: number;
    joinsPerCodePerHour: number;
    terminalsPerLearner: number;
    previewsPerLearner: number;
  };
  recordings: {
    /** Which terminals are recorded: every one, only workshop learners', or none. */
    mode: "all" | "workshop" | "off";
    /** Also record keystrokes (passwords typed at a prompt end up in the file). */
    input: boolean;
    dir: string;
    /** One recording stops growing at this size (marked truncated). */
    maxBytes: number;
    /** All recordings together; the oldest are deleted beyond it. */
    totalBytes: number;
    /** One learner's recordings together. */
    perLearnerBytes: number;
  };
}

export class ConfigError extends Error {}

/** Parses env into a Config; throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty variable (e.g. `SANDBOX_IMAGE=` from a compose file) means "use the default".
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = ConfigSchema.safeParse(given);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  if (e.LXD_URL && !(e.LXD_CLIENT_CERT && e.LXD_CLIENT_KEY)) {
    throw new ConfigError(
      "LXD_URL needs LXD_CLIENT_CERT and LXD_CLIENT_KEY: the files of a client certificate that the LXD server trusts " +
        "(lxc config trust add). For the LXD on this machine, leave LXD_URL unset and the local socket (LXD_SOCKET) is used.",
    );
  }
  // On LXD both profiles are unprivileged containers (root inside is not root here).
  if (e.SANDBOX_ENGINE === "docker" && e.SANDBOX_PROFILE === "trusted" && !isLoopbackHost(e.HOST) && !e.TRUSTED_PROFILE_ACCEPT_HOST_TAKEOVER) {
    throw new ConfigError(
      `SANDBOX_PROFILE=trusted lets every learner take over this machine (root in a sandbox is root here), and HOST=${e.HOST} ` +
        "serves it beyond this machine. Use the default profile (hardened), listen on loopback only (HOST=127.0.0.1), or " +
        "set TRUSTED_PROFILE_ACCEPT_HOST_TAKEOVER=true to accept that risk for a class you trust.",
    );
  }
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    dev: e.NODE_ENV !== "production",
    dataDir,
    lessonsDir: path.resolve(e.LESSONS_DIR),
    scenariosDir: e.SCENARIOS_DIR ? path.resolve(e.SCENARIOS_DIR) : undefined,
    database: parseDatabaseUrl(e.DATABASE_URL, dataDir),
    sessionSecret: e.SESSION_SECRET,
    cookieSecure: e.COOKIE_SECURE === "auto" ? "auto" : e.COOKIE_SECURE === "true",
    logLevel: e.LOG_LEVEL,
    admin: e.ADMIN_EMAIL && e.ADMIN_PASSWORD ? { email: e.ADMIN_EMAIL, password: e.ADMIN_PASSWORD, name: e.ADMIN_NAME } : undefined,
    sandbox: {
      engine: e.SANDBOX_ENGINE,
      image: e.SANDBOX_IMAGE,
      autoBuild: e.SANDBOX_AUTO_BUILD,
      memoryBytes: e.SANDBOX_MEMORY_MB * 1024 * 1024,
      nanoCpus: Math.round(e.SANDBOX_CPUS * 1e9),
      pidsLimit: e.SANDBOX_PIDS_LIMIT,
      tmpMb: e.SANDBOX_TMP_MB,
      runMb: e.SANDBOX_RUN_MB,
      dockerStart: e.SANDBOX_DOCKER_START,
      isolation: e.SANDBOX_ISOLATION,
      egress: e.SANDBOX_EGRESS,
      egressAllow: parseEgressAllow(e.SANDBOX_EGRESS_ALLOW, e.SANDBOX_EGRESS),
      profile: e.SANDBOX_PROFILE,
      diskMb: e.SANDBOX_DISK_MB,
      innerPool: e.SANDBOX_INNER_POOL,
      mirror: e.MIRROR === "on" ? { port: e.MIRROR_PORT, upstream: e.MIRROR_UPSTREAM } : null,
      readyTimeoutMs: e.SANDBOX_READY_TIMEOUT_S * 1000,
    },
    scheduling: {
      poolSize: e.SANDBOX_POOL_SIZE,
      poolConcurrency: e.SANDBOX_POOL_CONCURRENCY,
      startConcurrency: e.SANDBOX_START_CONCURRENCY,
      max: e.SANDBOX_MAX,
      hostReserveBytes: e.HOST_MEMORY_RESERVE_MB * 1024 * 1024,
      expectedSandboxBytes: e.SANDBOX_EXPECTED_MB * 1024 * 1024,
    },
    docker: {
      privileged: e.SANDBOX_PRIVILEGED,
      runtime: e.SANDBOX_RUNTIME,
      subnetPool: e.SANDBOX_SUBNET_POOL,
      subnetPrefix: e.SANDBOX_SUBNET_PREFIX,
      diskDir: path.resolve(e.SANDBOX_DISK_DIR ?? path.join(dataDir, "disks")),
    },
    lxd: {
      socketPath: e.LXD_SOCKET,
      url: e.LXD_URL,
      clientCert: e.LXD_CLIENT_CERT,
      clientKey: e.LXD_CLIENT_KEY,
      serverCert: e.LXD_SERVER_CERT,
      project: e.LXD_PROJECT,
      storagePool: e.LXD_STORAGE_POOL,
      network: e.LXD_NETWORK,
      type: e.SANDBOX_LXD_TYPE,
      idmapRange: { start: Number(e.LXD_IDMAP_RANGE.split(":")[0]), size: Number(e.LXD_IDMAP_RANGE.split(":")[1]) },
    },
    instanceId: e.INSTANCE_ID,
    serverId: e.SERVER_ID,
    session: {
      maxMs: e.SESSION_MAX_MINUTES * 60_000,
      extendMs: e.SESSION_EXTEND_MINUTES * 60_000,
      maxTotalMs: Math.max(e.SESSION_MAX_TOTAL_MINUTES, e.SESSION_MAX_MINUTES) * 60_000,
      idleMs: e.SESSION_IDLE_MINUTES * 60_000,
      warnMs: e.SESSION_WARN_MINUTES * 60_000,
      tickMs: e.LIFECYCLE_TICK_SECONDS * 1000,
    },
    terminalGraceMs: e.TERMINAL_GRACE_SECONDS * 1000,
    terminalHolder: e.TERMINAL_HOLDER,
    recordings: {
      mode: e.RECORDINGS,
      input: e.RECORD_INPUT,
      dir: path.join(dataDir, "recordings"),
      maxBytes: Math.round(e.RECORDING_MAX_MB * 1024 * 1024),
      totalBytes: Math.round(e.RECORDINGS_TOTAL_MB * 1024 * 1024),
      perLearnerBytes: Math.round(e.RECORDINGS_PER_LEARNER_MB * 1024 * 1024),
    },
    publicOrigin: e.PUBLIC_URL ? new URL(e.PUBLIC_URL).origin : undefined,
    previewOrigin: e.PREVIEW_ORIGIN ? previewOriginOf(e.PREVIEW_ORIGIN, e.PUBLIC_URL) : undefined,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    limits: {
      guestsPerHour: e.LIMIT_GUESTS_PER_HOUR,
      sandboxesPerAddress: e.LIMIT_SANDBOXES_PER_ADDRESS,
      joinsPerCodePerHour: e.LIMIT_JOINS_PER_CODE_PER_HOUR,
      terminalsPerLearner: e.LIMIT_TERMINALS_PER_LEARNER,
      previewsPerLearner: e.LIMIT_PREVIEWS_PER_LEARNER,
    },
  };
}

/** "10.0.0.1, 10.1.0.0/16, loopback" into the list proxy-addr takes; throws ConfigError on anything else. */
export function parseTrustProxy(text: string): string[] {
  const items = text.split(",").map((t) => t.trim()).filter(Boolean);
  for (const item of items) {
    const ok = /^(loopback|linklocal|uniquelocal)$/.test(item) || /^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/.test(item) || /^[0-9a-f:]+(\/\d{1,3})?$/i.test(item);
    if (!ok) throw new ConfigError(`TRUST_PROXY: "${item}" is not an address, a CIDR, or one of loopback, linklocal, uniquelocal`);
  }
  return items;
}

/** The preview origin, which must differ from the playground's (else it isolates nothing). */
function previewOriginOf(preview: string, publicUrl: string | undefined): string {
  const origin = new URL(preview).origin;
  if (publicUrl && new URL(publicUrl).origin === origin) {
    throw new ConfigError("PREVIEW_ORIGIN must be another origin than PUBLIC_URL (another host name), or pages in previews could act as the playground");
  }
  return origin;
}

/** Whether a listen address reaches only this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

/** SQLite file by default; a postgres:// URL selects PostgreSQL. */
export function parseDatabaseUrl(url: string | undefined, dataDir: string): Config["database"] {
  if (!url) return { provider: "sqlite", url: `file:${path.join(dataDir, "playground.db")}` };
  if (/^postgres(ql)?:\/\//.test(url)) return { provider: "postgresql", url };
  if (url.startsWith("file:")) {
    const file = url.slice("file:".length);
    if (!file) throw new ConfigError("DATABASE_URL: file: URL needs a path, e.g. file:./data/playground.db");
    return { provider: "sqlite", url: `file:${path.resolve(file)}` };
  }
  throw new ConfigError(
    "DATABASE_URL: expected file:<path> (SQLite) or postgres://user:pass@host/db (PostgreSQL)",
  );
}
