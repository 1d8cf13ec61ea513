import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { ERRORS } from '@dib/core';

it('docs/errors.md documents every error code, and no code that does not exist', () => {
  const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
  for (const code of Object.keys(ERRORS)) expect(doc, code).toContain(`\`${code}\``);
  const documented = [...doc.matchAll(/^#### `(DIB_E_[A-Z_]+)`/gm)].map((m) => m[1]);
  expect(documented.filter((c) => !(c in ERRORS))).toEqual([]);
});

it('docs/reliability.md names only tests that exist: file and title', () => {
  const repo = new URL('../../../', import.meta.url);
  const doc = readFileSync(new URL('docs/reliability.md', repo), 'utf8');
  const rows = [...doc.matchAll(/\| `([^`]+\.test\.ts)` › ([^|]+?) \|$/gm)];
  expect(rows.length).toBeGreaterThan(15);
  for (const [, file, title] of rows) {
    const source = readFileSync(new URL(file, repo), 'utf8');
    expect(source, `${file} › ${title}`).toContain(title.trim());
  }
});
