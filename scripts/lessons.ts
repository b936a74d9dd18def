// npm run lessons:lint            validate every lesson (file:line: problem), exit 1 on any
// npm run lessons:test [folder...] [--variant=main|STEP/solve-alt.sh]
//                                 prove lessons in fresh sandboxes (needs Docker and the image):
//                                 the main way (every solve.sh), then one sandbox per alternative
//                                 solution; --variant proves only the named one(s)
import { randomUUID } from "node:crypto";
import path from "node:path";
import { loadConfig } from "../server/config";
import { createLogger } from "../server/log";
import { formatProblem, loadCourse } from "../server/lessons/parse";
import { lessonVariants, proveLesson } from "../server/lessons/prove";
import { scenarioSlug } from "../server/lessons/scenarios/scenario";
import { createDriver } from "../server/sandbox/factory";
import { sandboxName } from "../server/sandbox/names";

const root = path.resolve(process.env.LESSONS_DIR ?? "lessons");
const scenariosDir = process.env.SCENARIOS_DIR ? path.resolve(process.env.SCENARIOS_DIR) : undefined;

async function lint(): Promise<number> {
  const { lessons, problems, warnings } = loadCourse(root, { scenariosDir });
  for (const p of problems) console.error(formatProblem(p));
  // Unsupported features of imported scenarios: reported, but the scenario still loads.
  for (const w of warnings) console.error(`${formatProblem(w)} (warning)`);
  const imported = lessons.filter((l) => l.source !== "native").length;
  console.log(`${lessons.length} lesson(s) valid${imported ? ` (${imported} imported scenario(s))` : ""}, ${problems.length} problem(s), ${warnings.length} warning(s)`);
  return problems.length ? 1 : 0;
}

async function prove(args: string[]): Promise<number> {
  const wanted = args.filter((a) => a.startsWith("--variant=")).map((a) => a.slice("--variant=".length));
  const only = args.filter((a) => !a.startsWith("--"));
  const course = loadCourse(root, { scenariosDir });
  // With lessons named, only their own problems stop the run (others may be mid-edit).
  const selected = (file: string) => only.length === 0 || only.some((o) => file.includes(`${path.sep}${o}`));
  const problems = course.problems.filter((p) => selected(p.file));
  if (problems.length) {
    for (const p of problems) console.error(formatProblem(p));
    return 1;
  }
  const lessons = course.lessons;
  const config = loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? "warn" });
  const log = createLogger(config.logLevel);
  const driver = await createDriver(config, { instanceId: "cp-lessons-cli", log });
  let failed = 0;
  let proven = 0;
  let unproven = 0;
  for (const lesson of lessons.filter((l) => only.length === 0 || only.some((o) => o === l.id || o === l.slug || scenarioSlug(path.basename(o)) === l.id))) {
    for (const variant of lessonVariants(lesson).filter((v) => wanted.length === 0 || wanted.includes(v.name))) {
      const started = Date.now();
      const sandbox = await driver.create({ sessionId: randomUUID(), ownerId: "lessons-cli", name: sandboxName(), image: driver.image, expiresAt: new Date(Date.now() + 3600_000) });
      try {
        const proofs = await proveLesson(driver, sandbox, lesson, variant);
        for (const p of proofs) {
          if (p.unproven) {
            unproven++;
            console.log(`--  ${lesson.id}/${p.step}: ${p.unproven}`);
            continue;
          }
          const ok = p.failedBefore && p.passedAfter;
          if (!ok) failed++;
          console.log(`${ok ? "ok  " : "FAIL"} ${lesson.id}/${p.step}${p.solution !== "solve.sh" ? ` [${p.solution}]` : ""}: ${p.detail}`);
        }
        if (proofs.length < lesson.steps.length) failed++;
        proven++;
        console.log(`---- ${lesson.id} (${variant.name}, ${config.sandbox.profile}): ${proofs.filter((p) => p.failedBefore && p.passedAfter).length}/${lesson.steps.length} steps proven${proofs.some((p) => p.unproven) ? ` (${proofs.filter((p) => p.unproven).length} cannot be proven)` : ""} in ${Math.round((Date.now() - started) / 1000)} s`);
      } finally {
        await driver.remove(sandbox);
      }
    }
  }
  if (unproven) console.log(`${unproven} step(s) of imported scenarios cannot be proven (no solution or no verify script); see above`);
  if (proven === 0) {
    console.error("nothing to prove: no lesson or variant matched");
    return 1;
  }
  return failed ? 1 : 0;
}

const [command, ...args] = process.argv.slice(2);
const run = command === "lint" ? lint() : command === "test" ? prove(args) : Promise.resolve(-1);
run.then(
  (code) => {
    if (code === -1) console.error("usage: tsx scripts/lessons.ts lint | test [lesson...]");
    process.exit(code === -1 ? 2 : code);
  },
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
