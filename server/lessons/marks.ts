// Marks that travel inside a step's Markdown body from the parser to the lesson player
// (docs/lessons.md, "How the player learns about challenges and recaps"). They are HTML
// comments, so any Markdown renderer that drops raw HTML (react-markdown does) shows nothing
// of them. Pure: imported by the server (parse.ts) and by the browser (app/lessons).

/** First line of a challenge step's body: the player shows the step without Run buttons. */
export const CHALLENGE_MARK = "<!-- cp:challenge -->";
/** Separates the last step's body from the lesson's recap, shown after the steps. */
export const RECAP_MARK = "<!-- cp:recap -->";

export interface StepBodyParts {
  challenge: boolean;
  /** The step's own text. */
  body: string;
  /** The lesson's recap (only in the last step's body), or "". */
  recap: string;
}

/** Splits a step body as the lesson API serves it into the parts the player shows. */
export function stepBodyParts(raw: string): StepBodyParts {
  let text = raw;
  const challenge = text.startsWith(CHALLENGE_MARK);
  if (challenge) text = text.slice(CHALLENGE_MARK.length).replace(/^\n/, "");
  const at = text.indexOf(RECAP_MARK);
  const body = (at >= 0 ? text.slice(0, at) : text).trim();
  const recap = at >= 0 ? text.slice(at + RECAP_MARK.length).trim() : "";
  return { challenge, body, recap };
}

/** Solution lines that are not typed as they are (server/lessons/typed.ts): "# keys: Ctrl-P Ctrl-Q", "# type: exit". */
export const KEYS_DIRECTIVE = /^#\s*keys:\s*(.+?)\s*$/;
export const TYPE_DIRECTIVE = /^#\s*type:\s?(.*)$/;

/** Key names a "# keys:" line may use, and the bytes a terminal sends for them. */
export function keyBytes(name: string): string | null {
  const ctrl = /^Ctrl-([A-Z@\[\\\]^_])$/i.exec(name);
  if (ctrl) return String.fromCharCode(ctrl[1].toUpperCase().charCodeAt(0) - 64);
  if (/^[a-z0-9]$/i.test(name)) return name;
  const named: Record<string, string> = { enter: "\r", tab: "\t", esc: "\x1b", escape: "\x1b" };
  return named[name.toLowerCase()] ?? null;
}

/**
 * What the player's Run button types for one line of a code block: "# type: TEXT" types TEXT
 * (into a container's shell, say); "# keys: ..." is left to the learner (the terminal takes
 * whole lines only); other lines as they are.
 */
export function lineToRun(line: string): string | null {
  if (KEYS_DIRECTIVE.test(line)) return null;
  const typed = TYPE_DIRECTIVE.exec(line);
  return typed ? typed[1] : line;
}
