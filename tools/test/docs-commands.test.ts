/**
 * The dib command lines the docs show, run through the real CLI: every `dib ...` and
 * `npx @dib/cli ...` in a shell block or inline code of README.md and docs/ is parsed
 * by the command's own option parser (with --help added, so nothing is built), and
 * fails when the docs name a command or an option the CLI does not have.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '@dib/cli';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** reliability.md's commands are bad input on purpose; the tests it names check each one. */
const DOCS = ['README.md', ...readdirSync(path.join(REPO, 'docs')).map((f) => `docs/${f}`)].filter((f) => f.endsWith('.md') && f !== 'docs/reliability.md');

interface Example {
  file: string;
  line: number;
  text: string;
  args: string[];
}

/** Words of a shell command, quotes removed; a variable or a substitution stands for one word. */
function words(command: string): string[] {
  return [...command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => (m[1] ?? m[2] ?? m[3]).replace(/\$\{?[A-Za-z_][\w]*\}?/g, 'x'));
}

/** Where a dib command starts in a shell line: at the start or after &&, ||, ;, a pipe or $( ; after sudo, env and VAR=value. */
const INVOCATION =
  /(?:^|&&|\|\||[;|]|\$\()\s*(?:sudo\s+(?:-E\s+)?)?(?:env\s+"[^"]*"\s+)?(?:[A-Z_][A-Z0-9_]*=\S*\s+)*(?:dib|npx\s+(?:--yes\s+)?@dib\/cli)\s+([^;&|`)#]*)/g;

/** Placeholders the docs use for a choice or a repetition: an example with them is prose, not a command. */
const PROSE = /\.\.\.|\||<|\[|…/;

function examples(): Example[] {
  const found: Example[] = [];
  for (const file of DOCS) {
    const lines = readFileSync(path.join(REPO, file), 'utf8').split('\n');
    let fence: string | undefined;
    lines.forEach((raw, i) => {
      const opening = /^\s*```(\w*)/.exec(raw);
      if (opening) {
        fence = fence === undefined ? opening[1] : undefined;
        return;
      }
      const shell = fence !== undefined && ['sh', 'bash', 'console', 'shell', ''].includes(fence);
      const candidates = shell ? [raw.replace(/^\s*\$\s+/, '')] : [...raw.matchAll(/`((?:dib|npx @dib\/cli) [^`]+)`/g)].map((m) => m[1]);
      for (const text of candidates) {
        for (const m of text.matchAll(INVOCATION)) {
          const command = m[1].trim().replace(/\\$/, '').trim();
          const args = words(command);
          // `dib COMMAND`, `dib help COMMAND`: a placeholder where the command's name goes.
          const name = args[0] === 'help' ? args[1] : args[0];
          if (!command || PROSE.test(command) || !name || /^[A-Z]/.test(name)) continue;
          found.push({ file, line: i + 1, text: text.trim(), args });
        }
      }
    });
  }
  return found;
}

describe('the dib commands the docs show', () => {
  let output: string[];
  beforeEach(() => {
    output = [];
    const capture = (chunk: string | Uint8Array) => {
      output.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  });
  afterEach(() => vi.restoreAllMocks());

  const all = examples();

  it('are found: the docs show commands of every kind', () => {
    expect(all.length).toBeGreaterThan(40);
    for (const command of ['create', 'ramdisk', 'list', 'init', 'element-info', 'doctor', 'cache', 'boot-test', 'completion']) {
      expect(
        all.some((e) => e.args[0] === command),
        command,
      ).toBe(true);
    }
  });

  it.each(all.map((e) => [`${e.file}:${e.line}: dib ${e.args.join(' ')}`, e] as const))('%s', async (_name, example) => {
    const code = await main([...example.args, '--help']);
    expect(code, `${example.file}:${example.line}: ${example.text}\n${output.join('')}`).toBe(0);
  });
});
