// What distinguishes the two scenario formats: which keys hold the background and foreground
// scripts, which root fields exist, and what we know we do not support.
export type ScenarioSource = "killercoda" | "katacoda";

export interface ScenarioFormat {
  source: ScenarioSource;
  /** Keys of a step (or intro) that hold its background script, first found wins. */
  background: string[];
  /** Keys that hold the script typed into the learner's terminal when the step starts. */
  foreground: string[];
  rootFields: string[];
  /** Root fields that load but do nothing here, with what the linter says. */
  unsupported: Record<string, string>;
}
