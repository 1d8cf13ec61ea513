import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs tool, no types
import { earlyReaderFindings } from '../lint-shell.mjs';

const strict = (body: string) => `#!/bin/bash\nset -eu\nset -o pipefail\n${body}\n`;

describe('lint-shell: early readers under pipefail', () => {
  it.each([
    ['grep -q', 'if dpkg-divert --list x | grep -q dib-real; then :; fi'],
    ['grep -m', 'ls | grep -m1 foo'],
    ['head', 'k=$(ls /boot | sort -V | head -n 1)'],
    ['awk ... exit', `lib=$(ldconfig -p | awk '$1 == so { print $NF; exit }')`],
    ['sed ...q', `first=$(cat f | sed -n '1p;q')`],
    ['read', 'ls | read -r first'],
  ])('flags %s', (name, line) => {
    const findings: string[] = earlyReaderFindings(strict(line), 'hook');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toContain(`hook:4: '${name}'`);
  });

  it.each([
    ['a reader that reads everything', `lib=$(ldconfig -p | awk '$1 == so && !f { f = $NF } END { print f }')`],
    ['while read', 'busybox --list | while read -r applet; do :; done'],
    ['|| with grep -q after it', 'false || grep -q x file'],
    ['a pipe inside quotes', `echo 'a | head' > f`],
    ['an opt-out with its reason', 'yes | head -n 1 # lint-shell: pipe-ok (yes is expected to die)'],
  ])('leaves %s alone', (_name, line) => {
    expect(earlyReaderFindings(strict(line), 'hook')).toEqual([]);
  });

  it('leaves files without pipefail alone', () => {
    expect(earlyReaderFindings('#!/bin/sh\nls | head -n 1\n', 'hook')).toEqual([]);
  });
});

it('every shell file in the repository passes shellcheck and the early-reader rule', async () => {
  const r = await execa('node', ['tools/lint-shell.mjs'], { reject: false, cwd: new URL('../..', import.meta.url).pathname });
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  expect(r.stdout).toMatch(/lint-shell: \d+ shell files clean/);
}, 60_000);
