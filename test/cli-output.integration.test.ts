/**
 * What a build tells the terminal, on real builds of a small tree (the host's bash and
 * a few tools, so each takes a second): --verbose streams hook output with its script
 * and element, --quiet prints nothing but errors, --debug echoes host commands; and the
 * report and trace every build can leave.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostState, leakedSince, runDib, writeClassicElement, type HostState } from '@dib/testing';
import { isRoot, OUT, REPO } from './helpers.js';
import { tableRows } from './html-tables.js';

const TINY_ELEMENTS = path.join(REPO, 'test/fixtures/nx-workspace/images/elements');

describe.runIf(isRoot)('build output on the terminal, the report and the trace', () => {
  let elements: string;
  let out: string;
  let before: HostState;
  const env = () => ({ ELEMENTS_PATH: `${TINY_ELEMENTS}:${elements}`, DIB_IMAGE_CACHE: path.join(out, 'cache') });
  const create = (args: string[]) => runDib(['create', '-n', '-t', 'tar', ...args], { env: env() });

  beforeAll(async () => {
    before = await hostState();
    out = mkdtempSync(path.join(OUT, 'cli-output-'));
    elements = path.join(out, 'elements');
    writeClassicElement(elements, 'chatty', {
      files: { 'install.d/50-chatty': '#!/bin/bash\necho "hello from chatty"\necho "to stderr" >&2\n' },
    });
    writeClassicElement(elements, 'broken', { files: { 'install.d/60-broken': '#!/bin/bash\necho "about to fail"\nexit 3\n' } });
  });

  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('--verbose streams each hook line with its phase, script and element', async () => {
    const r = await create(['--verbose', '-o', path.join(out, 'verbose'), 'tiny-os', 'chatty']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('install/50-chatty (chatty): hello from chatty');
    expect(r.stderr).toContain('install/50-chatty (chatty): to stderr');
  });

  it('--quiet prints nothing when the build succeeds, and only the error when it fails', async () => {
    const ok = await create(['--quiet', '-o', path.join(out, 'quiet'), 'tiny-os', 'chatty']);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ok.stdout).toBe('');
    expect(ok.stderr).toBe('');
    expect(existsSync(path.join(out, 'quiet.tar'))).toBe(true);
    const failed = await create(['--quiet', '-o', path.join(out, 'quiet-fail'), 'tiny-os', 'broken']);
    expect(failed.exitCode).toBe(1);
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toContain('DIB_E_HOOK_FAILED');
    expect(failed.stderr).toContain('about to fail');
    expect(failed.stderr).not.toContain('dib: building');
  });

  it('--debug also shows each host command before it runs', async () => {
    const r = await create(['--debug', '-o', path.join(out, 'debug'), 'tiny-os', 'chatty']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^mount: \+ mount -t tmpfs/m);
    expect(r.stderr).toMatch(/^output\/tar: \+ tar --create/m);
  });

  it('--quiet with --verbose is refused before anything runs', async () => {
    const r = await create(['--quiet', '--verbose', '-o', path.join(out, 'never'), 'tiny-os']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--quiet cannot be given with --verbose');
    expect(existsSync(path.join(out, 'never.log'))).toBe(false);
  });

  it('the report of a build lists its scripts and elements; the trace of a failed build shows where it stopped', async () => {
    const report = readFileSync(path.join(out, 'verbose.d/report.html'), 'utf8');
    expect(tableRows(report, 'timeline').some((row) => row[0] === 'install/50-chatty' && row[1] === 'chatty')).toBe(true);
    expect(tableRows(report, 'elements').map((row) => row[0])).toEqual(['tiny-os', 'chatty']);
    const failedTrace = path.join(out, 'failed.trace.json');
    const failed = await create(['--trace', failedTrace, '-o', path.join(out, 'traced-fail'), 'tiny-os', 'broken']);
    expect(failed.exitCode).toBe(1);
    // The trace of a failed build shows where it stopped.
    const events = JSON.parse(readFileSync(failedTrace, 'utf8')).traceEvents as { name: string; args?: { status?: string } }[];
    expect(events.find((e) => e.name === 'install/60-broken')?.args?.status).toBe('failed');
    expect(existsSync(path.join(out, 'traced-fail.d'))).toBe(false);
  });

  it('leaves no mount or loop device behind', async () => {
    expect(await leakedSince(before)).toEqual({ mounts: [], loops: [] });
  });
});
