// Katacoda's older scenario format (katacoda.com/docs/scenarios/index-json, 2022 and before):
// details.steps[] with text, verify, courseData (a background script), code (a foreground
// script) and answer (a solution page); intro/finish with the same; environment (the UI) and
// backend.imageid. Later Katacoda also accepted background/foreground, so both are read.
import type { ScenarioFormat } from "./format";

export const katacoda: ScenarioFormat = {
  source: "katacoda",
  background: ["courseData", "background"],
  foreground: ["code", "foreground"],
  rootFields: ["title", "description", "details", "backend", "environment", "pathwayTitle", "pathwayId", "id", "difficulty", "time", "icon", "files", "private", "type"],
  unsupported: {
    files: "files (opened in an editor) is not supported: there is no editor, only the terminal",
    type: "type (Katacoda challenges) is not supported: the scenario is shown as ordinary steps",
  },
};

/** Katacoda wrote these; Killercoda does not use them (Killercoda's own keys are accepted by both). */
export function looksLikeKatacoda(index: Record<string, unknown>): boolean {
  if ("environment" in index || "pathwayTitle" in index || "pathwayId" in index) return true;
  const details = (index.details ?? {}) as { intro?: unknown; finish?: unknown; steps?: unknown };
  const parts = [details.intro, details.finish, ...(Array.isArray(details.steps) ? details.steps : [])];
  return parts.some((p) => typeof p === "object" && p !== null && ("courseData" in p || "code" in p));
}
