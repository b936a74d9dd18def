// docker-compose.yml as an operator runs it: `docker-compose up -d --build` builds the app and
// balancer images from this checkout, starts PostgreSQL, two app replicas and nginx, and the
// replicas run sandboxes on this host's engine. Learners work through the balancer; each
// replica in turn crashes (its process is killed from the host, as the kernel's OOM killer
// would) and is brought back by the restart policy. Every learner's page reconnects, through
// the balancer, to the same shell, with its screen, its variables and its files: nobody loses
// work, and nothing runs twice. Then every sandbox ends and the stack comes down, leaving
// nothing behind.
//
// Docker Hub is not needed: deploy/base-images/build.sh makes local stand-ins for the node,
// debian and postgres base images (this project's CI has no Docker Hub); the compose file
// is used as shipped, with only its documented settings.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import path from "node:path";
import { after, before, test } from "node:test";
import { LABELS } from "../../server/sandbox/docker/labels";
import { freePort } from "../helpers/balancer";
import { call, connect, guestCookie, OutputCollector, openTerminal, renderScreen, type TestSocket } from "../helpers/client";
import { attachedLoops, requireDocker, requireSandboxImage, TEST_RUN_PREFIX, until } from "../helpers/env";

const ROOT = path.join(__dirname, "..", "..");
const PROJECT = `${TEST_RUN_PREFIX}compose`;
const PROMPT = /\$ (?:\x1b\[\??[0-9;]*[a-zA-Z])*$/;

interface Learner {
  name: string;
  cookie: string;
  socket: TestSocket;
  /** The learner's sandbox (its disk is NAME.ext4 on a loop device). */
  sandbox: string;
  terminalId: string;
  out: OutputCollector;
  /** Whether the replica serving this learner's socket went away. */
  lost: boolean;
  /** How often the learner came back through the balancer after a crash. */
  reconnects: number;
}

let env: NodeJS.ProcessEnv;
let publicUrl: string;
const appUrl: Record<string, string> = {};
const learners: Learner[] = [];
let up = false;

/** Runs docker-compose on the shipped file for this test's project; its output is kept for errors. */
function compose(args: string[], timeoutMs = 20 * 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("docker-compose", ["-p", PROJECT, "-f", path.join(ROOT, "docker-compose.yml"), ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (err) => reject(new Error(`docker-compose could not run (sudo bash scripts/system-packages.sh test installs it): ${err.message}`)));
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`docker-compose ${args.join(" ")} failed (${code}):\n${output.slice(-4000)}`));
    });
  });
}

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/api/health`)).ok;
  } catch {
    return false;
  }
}

/** The settings deploy/base-images/build.sh prints (NAME=value lines). */
function baseImages(): Record<string, string> {
  const out = execFileSync("bash", [path.join(ROOT, "deploy", "base-images", "build.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], timeout: 20 * 60_000 });
  // Only settings on stdout (progress goes to stderr), so that `>> .env` works as documented.
  const lines = out.split("\n").filter(Boolean);
  assert.deepEqual(lines.filter((l) => !/^[A-Z_]+=\S+$/.test(l)), [], "stdout has only NAME=value lines");
  const settings = Object.fromEntries(lines.map((l) => l.split("=") as [string, string]));
  for (const key of ["NODE_IMAGE", "DEBIAN_IMAGE", "POSTGRES_IMAGE"]) assert.ok(settings[key], `deploy/base-images/build.sh named no ${key}:\n${out}`);
  return settings;
}

before(async () => {
  const image = (await requireSandboxImage(await requireDocker())).ref;
  const [publicPort, portA, portB, dbPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  env = {
    ...process.env,
    ...baseImages(),
    // Images of this run's own (removed after), so an operator's `latest` is left alone.
    APP_IMAGE: `container-playground/app:${PROJECT}`,
    BALANCER_IMAGE: `container-playground/balancer:${PROJECT}`,
    SESSION_SECRET: "a secret of this test only, 32+ characters long",
    POSTGRES_PASSWORD: "compose-test-password",
    INSTANCE_ID: PROJECT,
    SANDBOX_IMAGE: image,
    SANDBOX_POOL_SIZE: "0",
    PLAYGROUND_PORT: String(publicPort),
    APP_A_PORT: String(portA),
    APP_B_PORT: String(portB),
    POSTGRES_PORT: String(dbPort),
  };
  publicUrl = `http://127.0.0.1:${publicPort}`;
  appUrl["app-a"] = `http://127.0.0.1:${portA}`;
  appUrl["app-b"] = `http://127.0.0.1:${portB}`;
  up = true; // from here on, `after` takes the stack down whatever happens
  await compose(["up", "-d", "--build"]);
  await until("both replicas and the balancer answer", async () => (await healthy(appUrl["app-a"])) && (await healthy(appUrl["app-b"])) && (await healthy(publicUrl)), 5 * 60_000);
});

/** `docker-compose down -v`, and this run's images go too. */
async function takeDown(): Promise<void> {
  up = false;
  await compose(["down", "-v", "--remove-orphans"]);
  for (const ref of [env.APP_IMAGE!, env.BALANCER_IMAGE!]) execFileSync("docker", ["image", "rm", "-f", ref], { stdio: "ignore" });
}

after(async () => {
  for (const l of learners) l.socket.close();
  if (!up) return;
  const logs = await compose(["logs", "--no-color", "--tail", "40"]).catch((err: Error) => err.message);
  await takeDown().catch((err: Error) => console.error(err.message, "\nlast logs:\n", logs));
});

/**
 * Types a line and waits for what it prints (a pattern matched after the line was sent; the
 * line echoed back has `$X` where the output has its value, and tmux may move the cursor
 * before a line, so patterns are not anchored).
 */
async function typeAndSee(l: Learner, line: string, expect: RegExp): Promise<void> {
  const mark = l.out.mark();
  l.socket.emit("terminal:input", l.terminalId, `${line}\r`);
  await l.out.waitSince(mark, expect, 120_000);
}

async function arrive(name: string): Promise<Learner> {
  const cookie = await guestCookie(publicUrl);
  const socket = await connect(publicUrl, cookie);
  const opened = await call<{ sandbox: { name: string } }>(socket, "sandbox:open");
  assert.ok(opened.ok, `${name}'s sandbox through the balancer: ${JSON.stringify(opened)}`);
  const t = await openTerminal(socket, { cols: 100, rows: 30 });
  assert.ok(t.ok, JSON.stringify(t));
  const l: Learner = { name, cookie, socket, sandbox: opened.sandbox.name, terminalId: t.terminalId, out: new OutputCollector(socket, t.terminalId), lost: false, reconnects: 0 };
  socket.on("disconnect", () => (l.lost = true));
  await l.out.waitFor(PROMPT, 120_000);
  return l;
}

/** A learner whose replica went away comes back through the balancer, to the same shell. */
async function reconnect(l: Learner): Promise<void> {
  l.reconnects++;
  l.socket.close();
  l.socket = await connect(publicUrl, l.cookie);
  l.lost = false;
  l.socket.on("disconnect", () => (l.lost = true));
  const opened = await call(l.socket, "sandbox:open");
  assert.ok(opened.ok, `${l.name} finds the sandbox again: ${JSON.stringify(opened)}`);
  const again = await new Promise<{ ok: boolean; terminalId?: string }>((resolve) => l.socket.emit("terminal:attach", l.terminalId, { cols: 100, rows: 30 }, resolve as never));
  assert.ok(again.ok, `${l.name} attaches to the same shell: ${JSON.stringify(again)}`);
  l.out = new OutputCollector(l.socket, l.terminalId);
  await l.out.waitFor(new RegExp(`marker-${l.name}-kept`), 60_000); // tmux redraws the screen left behind
}

const containerOf = (service: string) =>
  execFileSync("docker-compose", ["-p", PROJECT, "-f", path.join(ROOT, "docker-compose.yml"), "ps", "-q", service], { cwd: ROOT, env, encoding: "utf8" }).trim();
const inspect = (container: string, format: string) => execFileSync("docker", ["inspect", "-f", format, container], { encoding: "utf8" }).trim();
const restartsOf = (service: string) => Number(inspect(containerOf(service), "{{.RestartCount}}"));

/** Kills the replica's process from the host (no goodbye), as a crash would. */
function crash(service: string): void {
  const pid = inspect(containerOf(service), "{{.State.Pid}}");
  assert.match(pid, /^[1-9]\d*$/, `${service} is running`);
  process.kill(Number(pid), "SIGKILL");
}

test("learners keep their shells and their work through the balancer while each app replica crashes and restarts", async () => {
  for (const name of ["ana", "bo", "cy"]) learners.push(await arrive(name));
  for (const l of learners) await typeAndSee(l, `cd /tmp && X=${l.name}-kept && echo "work of $X" > note.txt && echo marker-$X`, new RegExp(`marker-${l.name}-kept\\r?\\n`));

  for (const victim of ["app-a", "app-b"]) {
    const restartsBefore = restartsOf(victim);
    crash(victim);
    // The restart policy brings it back (its start takes seconds: by then the sockets it
    // served have seen their connection close); meanwhile the balancer sends everyone to the other one.
    await until(`${victim} is restarted by its restart policy`, () => restartsOf(victim) > restartsBefore, 120_000);
    await until(`${victim} answers again`, () => healthy(appUrl[victim]), 5 * 60_000);
    for (const l of learners) {
      if (l.lost) await reconnect(l);
      await typeAndSee(l, `echo after-${victim}-$X in $(pwd): $(cat note.txt)`, new RegExp(`after-${victim}-${l.name}-kept in /tmp: work of ${l.name}-kept\\r?\\n`));
      const screen = await renderScreen(l.out.text, 100, 30);
      assert.ok(screen.filter((s) => s === `after-${victim}-${l.name}-kept in /tmp: work of ${l.name}-kept`).length === 1, `${l.name}: the command ran once:\n${screen.join("\n")}`);
    }
  }
  // Every learner's socket was on one replica or the other, so each lived through a crash
  // (one whose page came back to the other replica may live through both).
  for (const l of learners) assert.ok(l.reconnects >= 1, `${l.name} came back through the balancer after a crash`);
});

test("every sandbox ends through the balancer, and the stack comes down leaving nothing behind", async () => {
  for (const l of learners) {
    assert.ok(l.socket.connected, `${l.name} is still connected`);
    const ended = await call(l.socket, "sandbox:end");
    assert.ok(ended.ok, `${l.name}'s sandbox ends: ${JSON.stringify(ended)}`);
  }
  const ours = () => execFileSync("docker", ["ps", "-aq", "--filter", `label=${LABELS.instance}=${PROJECT}`], { encoding: "utf8" }).trim();
  await until("the sandboxes are removed", () => ours() === "", 120_000);
  await takeDown();
  assert.equal(execFileSync("docker", ["ps", "-aq", "--filter", `label=com.docker.compose.project=${PROJECT}`], { encoding: "utf8" }).trim(), "", "no container of the stack");
  assert.equal(execFileSync("docker", ["volume", "ls", "-q", "--filter", `label=com.docker.compose.project=${PROJECT}`], { encoding: "utf8" }).trim(), "", "no volume of the stack");
  // (Disks set up before a replica's crash are named by the kernel relative to the volume's
  // mount in the container that crashed: /disks/NAME.ext4.)
  const disks = learners.map((l) => `/${l.sandbox}.ext4`);
  assert.deepEqual(attachedLoops().filter((loop) => disks.some((d) => loop.includes(d))), [], "no sandbox disk still on a loop device");
});
