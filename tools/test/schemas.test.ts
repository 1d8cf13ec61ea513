import { execa } from 'execa';
import { expect, it } from 'vitest';

it('the committed JSON Schemas match the zod schemas (npm run schema regenerates them)', async () => {
  const r = await execa('node', ['tools/generate-schemas.mjs', '--check'], { reject: false, cwd: new URL('../..', import.meta.url).pathname });
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
});
