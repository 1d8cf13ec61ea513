/**
 * Which caller variables a classic element reads. DIB hands hooks the caller's whole
 * environment; dib hands a classic element the variables its files name (`$REG_USER`,
 * `${SHA256SUMS:-}`, `os.environ.get('TMP_DIR')`, a `when:` condition) and those that
 * extend a prefix it scans for (`k.startswith('PYPI_MIRROR_URL')`, `${!NODEPOOL_@}`).
 * A host variable no element names stays out of the build.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface VariableReads {
  readonly names: ReadonlySet<string>;
  readonly prefixes: readonly string[];
}

const NAME = '[A-Za-z_][A-Za-z0-9_]*';
/** Forms that read one variable by name, in shell and python. */
const READS_ONE = [
  new RegExp(`\\$\\{?!?(${NAME})`, 'g'),
  new RegExp(`environ(?:\\.get)?\\s*[[(]\\s*['"](${NAME})['"]`, 'g'),
  new RegExp(`getenv\\s*\\(\\s*['"](${NAME})['"]`, 'g'),
  // package-installs.yaml: `when: VAR = value`
  new RegExp(`when:\\s*['"]?(${NAME})\\s*!?=`, 'g'),
  new RegExp(`^\\s*-\\s*['"]?(${NAME})\\s*!?=`, 'gm'),
];
/** Forms that read every variable with a prefix. */
const READS_PREFIX = [
  new RegExp(`startswith\\(\\s*['"](${NAME})['"]`, 'g'),
  new RegExp(`\\$\\{!(${NAME})[*@]\\}`, 'g'),
  new RegExp(`grep\\s+(?:-\\w+\\s+)*['"]?\\^(${NAME})`, 'g'),
];

/** Files bigger than this are data (images, tarballs), not scripts. */
const MAX_SCRIPT_BYTES = 1 << 20;

export function variableReads(directories: readonly string[]): VariableReads {
  const names = new Set<string>();
  const prefixes = new Set<string>();
  for (const dir of directories.filter((d) => existsSync(d))) {
    for (const file of filesUnder(dir)) {
      const text = readFileSync(file, 'utf8');
      for (const re of READS_ONE) for (const m of text.matchAll(re)) names.add(m[1]);
      for (const re of READS_PREFIX) for (const m of text.matchAll(re)) prefixes.add(m[1]);
    }
  }
  return { names, prefixes: [...prefixes].sort() };
}

export const isRead = (reads: VariableReads, name: string): boolean => reads.names.has(name) || reads.prefixes.some((p) => name.startsWith(p));

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === '__pycache__' || name.endsWith('.pyc')) continue;
    const full = path.join(dir, name);
    const st = statSync(full, { throwIfNoEntry: false });
    if (st?.isDirectory()) out.push(...filesUnder(full));
    else if (st?.isFile() && st.size <= MAX_SCRIPT_BYTES) out.push(full);
  }
  return out;
}
