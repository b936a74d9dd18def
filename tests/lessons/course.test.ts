// Every lesson of the course, proven in a fresh sandbox of each profile: each step's check
// fails before its solution runs and passes after it, step by step, to the end. Every
// alternative solution (steps/<id>/solve-alt*.sh) is proven the same way in the default
// (hardened) profile, all of a lesson's k-th alternatives together in one more sandbox
// (server/lessons/prove.ts, alternativeRuns).
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { describe, test } from "node:test";
import { formatProblem, loadCourse } from "../../server/lessons/parse";
import { alternativeRuns, proveLesson } from "../../server/lessons/prove";
import { sandboxName } from "../../server/sandbox/names";
import { engineLeftovers, testConfig, testEngine } from "../helpers/env";
import { testEngineDriver } from "../helpers/lxd";

const course = loadCourse(path.join(__dirname, "..", "..", "lessons"));

test("the course is valid and complete in order", () => {
  assert.deepEqual(course.problems.map(formatProblem), []);
  assert.ok(course.lessons.length >= 2);
  assert.deepEqual(course.lessons.map((l) => l.order), [...course.lessons.map((l) => l.order)].sort((a, b) => a - b));
});

// Three sandboxes at a time: the course is the longest part of CI. Each proof has its own
// sandbox and installation. The proofs are mostly CPU-bound on two cores, so a third at once
// gains little (743 s to 655 s, measured 2026-11-30). The later lessons (images, builds)
// take longest: they start first, so that the last few proofs running alone are short ones.
// On the engine under test (TEST_SANDBOX_ENGINE): npm test runs this file on Docker, then on
// LXD, where the main way in both profiles proves the engine (the alternatives, proven on
// Docker, prove the lessons; they add nothing engine-specific). About 8 minutes on LXD.
const engine = testEngine();
const profiles = ["hardened", "trusted"] as const;

describe(`every lesson in every profile (${engine})`, { concurrency: 3 }, () => {
  const longestFirst = [...course.lessons].sort((a, b) => b.order - a.order);
  for (const lesson of longestFirst) {
    for (const profile of profiles) {
      // The main way in both profiles; the alternatives in the default (hardened) profile,
      // where a sandbox allows least (CI time: each run is a fresh sandbox and a whole lesson).
      for (const variant of alternativeRuns(lesson).filter((v) => (profile === "hardened" && engine === "docker") || v.name === "main")) {
        const what = variant.name === "main" ? lesson.id : `${lesson.id} with ${Object.entries(variant.choices).map(([step, alt]) => `${step}/${alt}`).join(", ")}`;
        test(`${profile}: ${what}: every check fails before its solution and passes after it`, async () => {
          const config = testConfig({ SANDBOX_PROFILE: profile, MIRROR: "on" });
          const driver = await testEngineDriver(config);
          const sandbox = await driver.create({ sessionId: randomUUID(), ownerId: "g_course", name: sandboxName(), image: "", expiresAt: new Date(Date.now() + 3600_000) });
          try {
            const proofs = await proveLesson(driver, sandbox, lesson, variant);
            const report = proofs.map((p) => `${p.step} [${p.solution}]: ${p.detail}`).join("\n");
            assert.equal(proofs.length, lesson.steps.length, `stopped early:\n${report}`);
            for (const p of proofs) {
              if (p.unproven) continue; // an imported scenario's step without a solution (docs/lessons.md)
              assert.ok(p.failedBefore, `${lesson.id}/${p.step} [${p.solution}] must fail before its solution:\n${report}`);
              assert.ok(p.passedAfter, `${lesson.id}/${p.step} [${p.solution}] must pass after its solution:\n${report}`);
            }
            for (const [step, alt] of Object.entries(variant.choices)) assert.ok(proofs.some((p) => p.step === step && p.solution === alt), `the alternative ${step}/${alt} was typed`);
          } finally {
            await driver.remove(sandbox);
            assert.deepEqual(await engineLeftovers(driver, sandbox.name, config.docker.diskDir), []);
            await driver.dispose();
          }
        });
      }
    }
  }
});
