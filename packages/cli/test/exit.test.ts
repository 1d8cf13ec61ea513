import { afterEach, expect, it, vi } from 'vitest';
import { DibError } from '@dib/core';
import { EXIT, reportError } from '../src/exit.js';

afterEach(() => {
  vi.restoreAllMocks();
  delete process.env.DIB_DEBUG;
});

/** What reportError writes to stderr, and its exit status. */
function report(e: unknown): { status: number; stderr: string } {
  let stderr = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  const status = reportError(e, false);
  return { status, stderr };
}

it('reports an error no code covers as DIB_E_INTERNAL in one line, the stack only with DIB_DEBUG=1', () => {
  const bug = new TypeError('state.resources is not iterable');
  const plain = report(bug);
  expect(plain.status).toBe(EXIT.failed);
  expect(plain.stderr).toContain('DIB_E_INTERNAL: Internal error in dib');
  expect(plain.stderr).toContain('TypeError: state.resources is not iterable');
  expect(plain.stderr).not.toMatch(/^\s+at /m);
  vi.restoreAllMocks();
  process.env.DIB_DEBUG = '1';
  expect(report(bug).stderr).toMatch(/^\s+at /m);
});

it('keeps a coded error as it is, usage errors exiting 2', () => {
  const r = report(new DibError('DIB_E_ARGUMENT', 'dib cleanup takes no arguments'));
  expect(r.status).toBe(EXIT.usage);
  expect(r.stderr).toContain('DIB_E_ARGUMENT');
});
