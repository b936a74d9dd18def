// Diagrams in lessons: SVG files in the lesson's diagrams/ folder, referenced from lesson.md
// as ![alt text](diagrams/name.svg). Each is checked (a <title>, a dark variant through
// prefers-color-scheme, nothing that runs or loads anything) and inlined into the Markdown as
// a data: URL, so no route serves lesson files and the player shows it with a plain <img>
// (an SVG in an <img> never runs scripts or loads other resources, even if one slipped by).
import fs from "node:fs";
import path from "node:path";

export const DIAGRAM_DIR = "diagrams";
const MAX_SVG_BYTES = 64 * 1024;
/** ![alt](url) or ![alt](url "title"), as lesson Markdown writes images. */
const IMAGE = /!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
export const SVG_DATA_URL = "data:image/svg+xml;base64,";

export interface FileProblem {
  file: string;
  line: number;
  message: string;
}

/** What is wrong with an SVG as a lesson diagram (empty when nothing). */
export function svgProblems(svg: string): string[] {
  const problems: string[] = [];
  const text = svg.replace(/<!--[\s\S]*?-->/g, "");
  if (Buffer.byteLength(svg) > MAX_SVG_BYTES) problems.push(`is larger than ${MAX_SVG_BYTES / 1024} KB`);
  if (!/^\s*(?:<\?xml[^>]*\?>\s*)?<svg[\s>]/.test(text)) problems.push("does not start with an <svg> element");
  if (!/<svg[^>]*\sxmlns="http:\/\/www\.w3\.org\/2000\/svg"/.test(text)) problems.push('needs xmlns="http://www.w3.org/2000/svg" on <svg> (browsers show no SVG image without it)');
  if (!/<svg[^>]*\sviewBox="[^"]+"/.test(text)) problems.push("needs a viewBox on <svg> so that it scales with the lesson panel");
  const title = /<title>([^<]*)<\/title>/.exec(text);
  if (!title || !title[1].trim()) problems.push("needs a <title> that says what the diagram shows (for screen readers)");
  if (!/@media\s*\(\s*prefers-color-scheme\s*:\s*dark\s*\)/.test(text)) problems.push("needs a dark variant: a <style> with @media (prefers-color-scheme: dark)");
  for (const [pattern, what] of [
    [/<script[\s>]/i, "a <script>"],
    [/<foreignObject[\s>]/i, "a <foreignObject>"],
    [/<(?:iframe|embed|object|image|audio|video|animate\w*|set)[\s>/]/i, "an element that loads or animates content (iframe, embed, object, image, audio, video, animate, set)"],
    [/<!(?:DOCTYPE|ENTITY)/i, "a DOCTYPE or ENTITY declaration"],
    [/\son[a-z]+\s*=/i, "an event handler attribute (on...=)"],
    [/@import/i, "a CSS @import"],
    [/javascript:/i, "a javascript: URL"],
  ] as const) {
    if (pattern.test(text)) problems.push(`must not contain ${what}`);
  }
  for (const m of text.matchAll(/\s(?:xlink:)?href\s*=\s*["']([^"']*)["']/gi)) {
    if (!m[1].startsWith("#")) problems.push(`refers to "${m[1]}": only references inside the file (#id) are allowed`);
  }
  for (const m of text.matchAll(/url\(\s*['"]?([^)'"]*)/gi)) {
    if (!m[1].startsWith("#")) problems.push(`refers to url(${m[1]}): only references inside the file (url(#id)) are allowed`);
  }
  return problems;
}

/** The diagrams of one lesson folder: checks the files, inlines references, reports unused files. */
export class LessonDiagrams {
  readonly problems: FileProblem[] = [];
  private readonly files = new Map<string, { dataUrl: string | null; used: boolean }>();

  constructor(private readonly lessonDir: string) {
    const dir = path.join(lessonDir, DIAGRAM_DIR);
    if (!fs.existsSync(dir)) return;
    for (const name of fs.readdirSync(dir).sort()) {
      const file = path.join(dir, name);
      if (!/^[a-z0-9]+(?:-[a-z0-9]+)*\.svg$/.test(name) || !fs.statSync(file).isFile()) {
        this.problems.push({ file, line: 0, message: "a diagrams/ folder holds only SVG files named like vm-vs-container.svg" });
        continue;
      }
      const svg = fs.readFileSync(file, "utf8");
      const found = svgProblems(svg);
      for (const message of found) this.problems.push({ file, line: 0, message: `diagram ${message}` });
      this.files.set(name, { dataUrl: found.length ? null : SVG_DATA_URL + Buffer.from(svg).toString("base64"), used: false });
    }
  }

  /**
   * Replaces every ![alt](diagrams/x.svg) in `text` with the diagram as a data: URL. Other
   * images are refused (the lessons are offline, and nothing outside the course is shown).
   */
  inline(text: string, report: (offset: number, message: string) => void): string {
    return text.replace(IMAGE, (whole, alt: string, url: string, offset: number) => {
      const rel = /^diagrams\/([^/]+)$/.exec(url);
      if (!rel) {
        report(offset, `images in lessons are diagrams from this lesson's folder: ![what it shows](diagrams/name.svg), not "${url}"`);
        return whole;
      }
      if (alt.trim().length < 10) report(offset, `the diagram ${url} needs alt text that says what it shows (at least 10 characters)`);
      const entry = this.files.get(rel[1]);
      if (!entry) {
        report(offset, `no diagram ${url} in this lesson's folder`);
        return whole;
      }
      entry.used = true;
      return entry.dataUrl ? `![${alt.trim()}](${entry.dataUrl})` : whole;
    });
  }

  /** Diagram files no lesson text refers to. */
  unused(): FileProblem[] {
    return [...this.files.entries()]
      .filter(([, f]) => !f.used)
      .map(([name]) => ({ file: path.join(this.lessonDir, DIAGRAM_DIR, name), line: 0, message: `diagram ${name} is not used in lesson.md (refer to it as ![alt text](${DIAGRAM_DIR}/${name}))` }));
  }
}
