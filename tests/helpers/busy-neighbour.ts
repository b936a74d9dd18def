// A second playground on the same Docker engine, with learners busy in it: the machine the
// test suite must pass on (issue "The test suite passes on a busy machine"). Its own data
// folder and INSTANCE_ID (never the test run's cp-test-<run>- prefix, so the run's leak check
// leaves it alone); each learner has a sandbox and a terminal that keeps working (namespaces,
// its Docker engine, the file system) with short pauses, as a class does.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { startServerProcess, type ServerProcess } from "../../bench/support/server-process";
import { OursTerminal } from "../../bench/support/terminals";
import { guestCookie, PROMPT } from "./client";

/** What each busy learner types: a loop that prints a tick after every round. */
const BUSY_LOOP = "while true; do lsns >/dev/null; docker ps >/dev/null; ls -R /usr/share >/dev/null 2>&1; ps aux >/dev/null; echo tick-$((n=n+1)); sleep 2; done\r";

export interface BusyNeighbour {
  url: string;
  instanceId: string;
  /** Rounds each learner's loop has finished so far. */
  ticks(): number[];
  stop(): Promise<void>;
}

export async function startBusyNeighbour(learners = 3): Promise<BusyNeighbour> {
  const instanceId = `cp-neighbour-${randomBytes(4).toString("hex")}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "cp-neighbour-"));
  const server: ServerProcess = await startServerProcess({ INSTANCE_ID: instanceId, DATA_DIR: dataDir });
  const terms: OursTerminal[] = [];
  const counts: number[] = [];
  try {
    for (let i = 0; i < learners; i++) {
      const { term } = await OursTerminal.open(server.url, await guestCookie(server.url));
      await term.waitFor(PROMPT);
      const index = counts.push(0) - 1;
      // Counts ticks as they arrive (the loop prints "tick-N").
      const socket = term.socket;
      socket.on("terminal:output", (_id: string, data: ArrayBuffer) => {
        const m = Buffer.from(data).toString("latin1").match(/tick-(\d+)/g);
        if (m) counts[index] = Number(m[m.length - 1].slice(5));
      });
      term.write(BUSY_LOOP);
      terms.push(term);
    }
  } catch (err) {
    await server.stop();
    throw err;
  }
  return {
    url: server.url,
    instanceId,
    ticks: () => [...counts],
    async stop() {
      for (const t of terms) t.socket.close();
      await server.stop(); // ends its sessions: their sandboxes are removed
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
