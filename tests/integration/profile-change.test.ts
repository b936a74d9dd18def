// The server restarts with another profile, another image, or over a sandbox made by an older
// playground: a pool sandbox that does not match is removed and replaced, never handed out; a
// learner's sandbox keeps working through the way in it was made for, and one this server
// cannot enter safely is replaced (the learner is told, and keeps their progress).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import pino from "pino";
import { after, before, test } from "node:test";
import { startApp, type RunningApp } from "../../server/app";
import type { Config } from "../../server/config";
import { LABELS } from "../../server/sandbox/docker/labels";
import { OUTDATED_MESSAGE } from "../../server/lifecycle/reconciler";
import { call, connect, guestCookie, OutputCollector, openTerminal, type TestSocket, PROMPT } from "../helpers/client";
import { dockerOf, endAllSessions, log, requireDocker, requireSandboxImage, testConfig, until } from "../helpers/env";

let base: Config;
let imageRef: string;
let aliasRef: string;
const sockets: TestSocket[] = [];
let running: RunningApp | null = null;

before(async () => {
  const docker = await requireDocker();
  imageRef = (await requireSandboxImage(docker)).ref;
  // The "new image": the same content under another reference.
  aliasRef = `${imageRef.split(":")[0]}:profile-change-test`;
  execFileSync("docker", ["tag", imageRef, aliasRef]);
  base = testConfig({ SANDBOX_IMAGE: imageRef, MIRROR: "off" });
});

after(async () => {
  for (const s of sockets) s.close();
  if (running) {
    await endAllSessions(running);
    await running.pool.drain();
    await running.close();
  }
  execFileSync("docker", ["rmi", aliasRef]);
});

/** Starts a server on the same data and instance as `base`, with other settings. */
const warnings: string[] = [];
/** Captures what the server warns about at start (the trusted profile's warning). */
const capturing = pino({ level: "warn" }, { write: (line: string) => void warnings.push(line) });

async function start(settings: { profile: "trusted" | "hardened"; image: string; pool: number }): Promise<RunningApp> {
  const config: Config = {
    ...base,
    sandbox: { ...base.sandbox, profile: settings.profile, image: settings.image },
    scheduling: { ...base.scheduling, poolSize: settings.pool },
  };
  warnings.length = 0;
  running = await startApp(config, capturing, { withNext: false });
  return running;
}

async function stop(app: RunningApp): Promise<void> {
  for (const s of sockets.splice(0)) s.close();
  await app.close(); // sandboxes, the pool's included, keep running without a server
  running = null;
}

/** The pool's ready sandboxes, as the engine labels them. */
async function poolSandboxes(app: RunningApp) {
  return (await app.driver.list()).filter((s) => s.role === "pool" && s.running);
}

/** Opens a shell for the learner and returns what `cmd` printed. */
async function typeInShell(app: RunningApp, cookie: string, cmd: string): Promise<{ text: string; socket: TestSocket }> {
  const socket = await connect(app.url, cookie);
  sockets.push(socket);
  const notices: string[] = [];
  socket.on("sandbox:notice", ({ message }) => notices.push(message));
  const opened = await call<{ sandbox: { name: string } }>(socket, "sandbox:open");
  assert.ok(opened.ok, JSON.stringify(opened));
  const t = await openTerminal(socket);
  assert.ok(t.ok, JSON.stringify(t));
  const out = new OutputCollector(socket, t.terminalId);
  await out.waitFor(PROMPT);
  socket.emit("terminal:input", t.terminalId, `${cmd}; echo DONE-$((40+2))\r`);
  await out.waitFor(/DONE-42/);
  return { text: out.text + notices.map((n) => `\nNOTICE: ${n}`).join(""), socket };
}

test("restarting with another profile, then another image: mismatched pool sandboxes are replaced, the learner's keeps working", async () => {
  // A trusted server with a pool sandbox and a learner who wrote a file.
  const first = await start({ profile: "trusted", image: imageRef, pool: 1 });
  assert.ok(warnings.some((w) => /SANDBOX_PROFILE=trusted: root in a sandbox is root on this machine/.test(w)), "trusted is announced at start");
  const cookie = await guestCookie(first.url);
  const before = await typeInShell(first, cookie, "echo kept > ~/work.txt; cat /proc/self/uid_map");
  assert.match(before.text, /^\s*0\s+0\s+4294967295\s*$/m, "a trusted shell");
  await until("the pool is full", () => first.pool.readyCount === 1, 120_000);
  const trustedPool = await poolSandboxes(first);
  assert.equal(trustedPool.length, 1);
  assert.equal(trustedPool[0].profile, "trusted");
  const learnerName = (await first.db.prisma.playgroundSession.findFirstOrThrow({ where: { state: "ready" } })).sandboxName;
  await stop(first);

  // Restart hardened: the trusted pool sandbox goes, a hardened one replaces it.
  const second = await start({ profile: "hardened", image: imageRef, pool: 1 });
  assert.ok(!warnings.some((w) => /SANDBOX_PROFILE=trusted/.test(w)), "no trusted warning for hardened");
  await until("the pool is full", () => second.pool.readyCount === 1, 120_000);
  const hardenedPool = await poolSandboxes(second);
  assert.deepEqual(hardenedPool.map((s) => s.profile), ["hardened"], "only a sandbox of the current profile waits in the pool");
  assert.ok(!hardenedPool.some((s) => s.id === trustedPool[0].id), "the trusted pool sandbox was not kept");
  const gone = await dockerOf(second.driver).docker.getContainer(trustedPool[0].id).inspect().then(() => false, () => true);
  assert.ok(gone, "the trusted pool sandbox was removed");
  // The learner's trusted sandbox keeps working, with its own (trusted) way in.
  const again = await typeInShell(second, cookie, "cat ~/work.txt; cat /proc/self/uid_map; hostname");
  assert.match(again.text, /^kept\r?$/m);
  assert.match(again.text, /^\s*0\s+0\s+4294967295\s*$/m, "still its own trusted world");
  assert.match(again.text, new RegExp(`^${learnerName}\\r?$`, "m"), "the same sandbox");
  await stop(second);

  // Restart with another image: the pool sandbox of the old image goes too.
  const third = await start({ profile: "hardened", image: aliasRef, pool: 1 });
  await until("the pool is full", () => third.pool.readyCount === 1, 120_000);
  const newPool = await poolSandboxes(third);
  assert.deepEqual(newPool.map((s) => s.image), [aliasRef]);
  assert.ok(!newPool.some((s) => s.id === hardenedPool[0].id));
  const third2 = await typeInShell(third, cookie, "cat ~/work.txt");
  assert.match(third2.text, /^kept\r?$/m, "the learner's sandbox survived both restarts");
  await endAllSessions(third);
  await third.pool.drain();
  await stop(third);
});

test("a learner's sandbox made by an older playground (no known way in) is replaced, and the learner is told", async () => {
  const first = await start({ profile: "hardened", image: imageRef, pool: 0 });
  const cookie = await guestCookie(first.url);
  await typeInShell(first, cookie, "true");
  const row = await first.db.prisma.playgroundSession.findFirstOrThrow({ where: { state: "ready" } });
  await stop(first);

  // Stand in for an old sandbox: same labels but no entry protocol, in place of the real one.
  const docker = (await requireDocker());
  const real = await docker.getContainer(row.sandboxId!).inspect();
  const labels = { ...real.Config.Labels };
  delete labels[LABELS.entry];
  await docker.getContainer(row.sandboxId!).remove({ force: true, v: true });
  const old = await docker.createContainer({ name: `cp-${row.sandboxName}`, Image: imageRef, Labels: labels, Entrypoint: ["sleep", "infinity"] });
  await old.start();
  // The start-up reconcile finds it by its session label and replaces it.
  const fresh = await start({ profile: "hardened", image: imageRef, pool: 0 });
  const ended = await fresh.db.prisma.playgroundSession.findUniqueOrThrow({ where: { id: row.id } });
  assert.equal(ended.state, "ended");
  assert.match(ended.errorDetail ?? "", /replaced/);
  const gone = await docker.getContainer(old.id).inspect().then(() => false, () => true);
  assert.ok(gone, "the old sandbox was removed");

  const back = await typeInShell(fresh, cookie, "cat /proc/self/uid_map");
  assert.match(back.text, /^\s*0\s+100000\s+65536\s*$/m, "a fresh hardened sandbox");
  assert.ok(back.text.includes(`NOTICE: ${OUTDATED_MESSAGE}`), `the learner is told why: ${back.text.slice(-400)}`);
});
