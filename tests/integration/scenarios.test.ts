// Imported scenarios in a real sandbox, in both profiles (docs/lessons.md, "Killercoda and
// Katacoda scenarios"): the Katacoda fixture is proven like a native lesson (its answer page is
// the solution; a step without one is reported, not failed), and the Killercoda fixture, which
// has no solutions, runs as a learner meets it: assets and backgrounds as set-up, each verify
// failing before the step's {{exec}} commands are typed and passing after them, its foreground
// typed visibly; its assets are written once, as the set-up runs once. One sandbox per profile,
// removed without leftovers, on the engine under test (TEST_SANDBOX_ENGINE: npm test runs this
// file on Docker, then on LXD, whose assets go through its file API).
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { test } from "node:test";
import { runCheck, runSetup } from "../../server/lessons/checks";
import { formatProblem, loadCourse } from "../../server/lessons/parse";
import { proveLesson } from "../../server/lessons/prove";
import { execCommands } from "../../server/lessons/scenarios/actions";
import { typeScript } from "../../server/lessons/typed";
import { sandboxName } from "../../server/sandbox/names";
import { engineLeftovers, testConfig } from "../helpers/env";
import { testEngineDriver } from "../helpers/lxd";

const course = loadCourse(path.join(__dirname, "..", "fixtures", "scenarios"));
const lesson = (slug: string) => {
  const l = course.lessons.find((x) => x.slug === slug);
  assert.ok(l, `fixture ${slug} loads: ${course.problems.map(formatProblem).join("; ")}`);
  return l;
};

for (const profile of ["hardened", "trusted"] as const) {
  test(`${profile}: Katacoda and Killercoda fixtures run in one sandbox: set-up, verify fails before and passes after`, async () => {
    const config = testConfig({ SANDBOX_PROFILE: profile });
    const driver = await testEngineDriver(config);
    const sandbox = await driver.create({ sessionId: randomUUID(), ownerId: "g_scenarios", name: sandboxName(), image: "", expiresAt: new Date(Date.now() + 3600_000) });
    try {
      // Katacoda: proven by the prover; step 2 has no solution and no verify.
      const kata = lesson("katacoda-basics");
      const proofs = await proveLesson(driver, sandbox, kata);
      const report = proofs.map((p) => `${p.step}: ${p.detail}`).join("\n");
      assert.equal(proofs.length, 2, report);
      assert.ok(proofs[0].failedBefore && proofs[0].passedAfter && !proofs[0].unproven, report);
      assert.equal(proofs[1].unproven, "cannot prove: no solution", report);

      // Killercoda: what a learner's clicks type.
      const kc = lesson("killercoda-basics");
      const [one, two, three] = kc.steps;
      await runSetup(driver, sandbox, one);
      const fg = await typeScript(driver, sandbox, one.foreground!, { user: "ubuntu", timeoutMs: 60_000 });
      assert.match(fg.transcript, /kc-fixture foreground: step 1 starts/);
      for (const step of [one, two]) {
        const before = await runCheck(driver, sandbox, step);
        assert.equal(before.passed, false, `${step.id} must fail first`);
        assert.ok(before.feedback, `${step.id} says why`);
      }
      const typed = await typeScript(driver, sandbox, execCommands(one.body).join("\n"), { user: "ubuntu", timeoutMs: 60_000 });
      assert.match(typed.transcript, /hello from kc-greet/);
      const after = await runCheck(driver, sandbox, one);
      assert.ok(after.passed, `step-1 passes after its commands: ${after.feedback}`);
      // A background runs once per sandbox, as on the platforms, though the player prepares the
      // step each time the learner opens the lesson.
      // Its assets too: a learner's change to one survives.
      await driver.run(sandbox, { cmd: ["rm", "/tmp/kc-fixture/step1-background"], user: "root", workingDir: "/root", env: [], timeoutMs: 20_000 });
      await driver.run(sandbox, { cmd: ["sh", "-c", "echo the learner was here >> /ks/kc-fixture/notes.txt"], user: "root", workingDir: "/root", env: [], timeoutMs: 20_000 });
      await runSetup(driver, sandbox, one);
      const again = await driver.run(sandbox, { cmd: ["ls", "/tmp/kc-fixture"], user: "root", workingDir: "/root", env: [], timeoutMs: 20_000 });
      assert.doesNotMatch(again.stdout, /step1-background/);
      // Step 2's interrupt block: Ctrl-C is the player's (unit-tested); its command is typed here.
      const interrupt = /```cp-exec-interrupt\n([\s\S]*?)\n```/.exec(two.body)![1];
      await typeScript(driver, sandbox, interrupt, { user: "ubuntu", timeoutMs: 60_000 });
      assert.ok((await runCheck(driver, sandbox, two)).passed);
      // A step without verify passes on Next.
      assert.equal(three.acknowledge, true);
      assert.ok((await runCheck(driver, sandbox, three)).passed);
      // The asset keeps its mode and content.
      const asset = await driver.run(sandbox, { cmd: ["bash", "-c", "stat -c %A /usr/local/bin/kc-greet; cat /ks/kc-fixture/notes.txt"], user: "root", workingDir: "/root", env: [], timeoutMs: 20_000 });
      assert.match(asset.stdout, /^-rwxr-xr-x\nnotes for the fixture\nthe learner was here\n$/);
    } finally {
      await driver.remove(sandbox);
      assert.deepEqual(await engineLeftovers(driver, sandbox.name, config.docker.diskDir), []);
      await driver.dispose(); // its firewall rules (LXD's are the driver's to remove)
    }
  });
}
