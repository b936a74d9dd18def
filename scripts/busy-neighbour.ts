// npm run test:busy-neighbour [learners]: runs a second playground with busy learners on this
// machine's Docker engine until Ctrl-C (tests/helpers/busy-neighbour.ts). scripts/test-busy.sh
// runs `npm test` beside it.
import { startBusyNeighbour } from "../tests/helpers/busy-neighbour";

void (async () => {
  const learners = Number(process.argv[2] ?? 3);
  if (!Number.isInteger(learners) || learners < 1 || learners > 50) throw new Error("learners: a whole number from 1 to 50");
  const neighbour = await startBusyNeighbour(learners);
  console.log(`busy neighbour ${neighbour.instanceId} at ${neighbour.url} with ${learners} learner(s)`);
  const report = setInterval(() => console.log(`busy neighbour: rounds per learner ${neighbour.ticks().join(", ")}`), 60_000);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    clearInterval(report);
    await neighbour.stop();
    console.log("busy neighbour stopped; its sandboxes are removed");
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
})().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
