// Killercoda's scenario format (killercoda.com/creators): index.json with title, description,
// details.intro/steps[]/finish (text, verify, background, foreground), details.assets and
// backend.imageid. Only what differs from Katacoda's lives here; scenario.ts does the rest.
import type { ScenarioFormat } from "./format";

export const killercoda: ScenarioFormat = {
  source: "killercoda",
  background: ["background"],
  foreground: ["foreground"],
  // Fields we read, or know and deliberately ignore (the linter names the rest).
  rootFields: ["title", "description", "details", "backend", "interface", "difficulty", "time"],
  unsupported: {
    interface: "interface (layout, IDE) is not supported: the playground shows the text beside one terminal",
  },
};
