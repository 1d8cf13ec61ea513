/**
 * The variables a classic element's README documents in its "Environment Variables"
 * section (Markdown or reStructuredText): definition lists (`NAME` then indented text,
 * with or without `:Description:` fields), bullet lists (`* ``NAME``: text`) and field
 * lists (`:NAME: text`). Names that are not plain variable names (`DIB_X_<dir>`) are left out.
 */
const VARIABLE = /^[A-Z][A-Z0-9_]+$/;
const RST_RULE = /^([=\-~^"'`#*+_:.])\1{2,}\s*$/;

/** Removes inline markup: ``x``, `x`, **x**, *x*. */
const plain = (s: string): string =>
  s
    .replace(/``([^`]+)``/g, '$1')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();

interface Heading {
  /** First line of the heading (an rst overline when there is one). */
  line: number;
  /** First line after it. */
  next: number;
  title: string;
  /** Markdown: number of #; rst: the order in which its adornment was first seen. */
  level: number;
}

function headings(lines: string[]): Heading[] {
  const out: Heading[] = [];
  const rstStyles: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const md = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(lines[i]);
    if (md) {
      out.push({ line: i, next: i + 1, title: md[2], level: md[1].length });
      continue;
    }
    const under = RST_RULE.exec(lines[i + 1] ?? '');
    if (lines[i].trim() && !RST_RULE.test(lines[i]) && under) {
      const over = RST_RULE.test(lines[i - 1] ?? '');
      const style = (over ? 'over' : '') + under[1];
      if (!rstStyles.includes(style)) rstStyles.push(style);
      out.push({ line: over ? i - 1 : i, next: i + 2, title: lines[i].trim(), level: rstStyles.indexOf(style) + 1 });
    }
  }
  return out;
}

/** The lines of the section titled "Environment Variables" (any case), without its heading. */
function section(text: string): string[] {
  const lines = text.split('\n');
  const all = headings(lines);
  const at = all.findIndex((h) => /^environment\s+variables?$/i.test(plain(h.title)));
  if (at < 0) return [];
  const end = all.slice(at + 1).find((h) => h.level <= all[at].level);
  return lines.slice(all[at].next, end?.line ?? lines.length);
}

const indent = (line: string): number => /^\s*/.exec(line)![0].length;

/** `NAME`, ``NAME``, **NAME** or `:NAME:` at the start of an item, and the text after it. */
const ITEM =
  /^(?:[-*+]\s+)?(?::([A-Za-z0-9_<>]+):|\*\*`{0,2}([A-Za-z0-9_<>]+)`{0,2}\*\*|`{1,2}([A-Za-z0-9_<>]+)`{1,2}|([A-Za-z0-9_<>]+))(?=\s|:|$)\s*(?:[:=–—-]+\s*)?(.*)$/;

/** Variable name -> description, in README order. */
export function readmeVariables(readme: string): Record<string, string> {
  const lines = section(readme);
  const out: Record<string, string> = {};
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].trim() || indent(lines[i]) > 0) continue;
    const m = ITEM.exec(lines[i].trim());
    const name = m && (m[1] ?? m[2] ?? m[3] ?? m[4]);
    if (!m || !name || !VARIABLE.test(name)) continue;
    // A bare word is a variable when it stands alone (a definition term) or looks like one (FOO_BAR), not "NOTE: ...".
    if (m[4] && m[5] && !name.includes('_')) continue;
    // The item's body: the rest of its line and the indented lines under it, blank lines between them included.
    const body = [m[5]];
    const continues = (j: number) => j < lines.length && (lines[j].trim() ? indent(lines[j]) > 0 : /^\s+\S/.test(lines[j + 1] ?? ''));
    while (continues(i + 1)) body.push(lines[++i]);
    out[name] = describe(body);
  }
  return out;
}

/** A `:Description:` field when there is one (with its continuation lines), else the whole body. */
function describe(body: string[]): string {
  const fields = body.join('\n').split(/\n\s*(?=:[A-Za-z][A-Za-z ]*:)/);
  const field = fields.map((f) => /^\s*:description:\s*([\s\S]*)$/i.exec(f)).find(Boolean);
  const text = plain(field ? field[1] : fields.filter((f) => !/^\s*:[A-Za-z][A-Za-z ]*:/.test(f)).join(' '));
  return text || 'Read by the element (see the classic README)';
}
