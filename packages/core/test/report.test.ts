/**
 * The build report and trace from recorded events: spans of phases, scripts and host
 * commands; the trace-event JSON; the HTML (escaped, self-contained, every section);
 * the package list the package elements write.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportHtml, type ReportData } from '../src/report/html.js';
import { BuildRecorder } from '../src/report/recorder.js';
import { previousTimings, saveTimings, titleAfter, titleBefore } from '../src/report/timings.js';
import { traceJson } from '../src/report/trace.js';
import { parsePackageList } from '../src/report/write-report.js';

/** A recorder with a finished root phase (one script), an install phase still running, and a host command. */
function recorded(): BuildRecorder {
  const r = new BuildRecorder();
  r.event({ event: 'phase-start', phase: 'root', where: 'host' });
  r.event({ event: 'script-start', phase: 'root', script: '10-tree', element: 'tiny' });
  r.event({ event: 'script-end', phase: 'root', script: '10-tree', element: 'tiny', durationMs: 5, status: 'ok' });
  r.event({ event: 'phase-end', phase: 'root', durationMs: 7 });
  r.event({ event: 'phase-start', phase: 'install', where: 'chroot' });
  r.event({ event: 'stage', action: 'stored', at: 'root', key: 'abc', bytes: 2048, durationMs: 3 });
  r.command('block-device', 'qemu-img convert -f', Date.now() - 40, true);
  return r;
}

describe('the build recorder', () => {
  it('pairs start and end events into spans; an unfinished phase ends now, marked running', () => {
    const spans = recorded().spans();
    expect(spans.map((s) => [s.kind, s.name, s.status])).toEqual(
      expect.arrayContaining([
        ['phase', 'root', 'ok'],
        ['script', 'root/10-tree', 'ok'],
        ['phase', 'install', 'running'],
        ['command', 'qemu-img convert -f', 'ok'],
      ]),
    );
    expect(spans.find((s) => s.name === 'root/10-tree')).toMatchObject({ detail: 'tiny', durationMs: 5 });
    expect(spans.find((s) => s.kind === 'command')?.durationMs).toBeGreaterThanOrEqual(40);
  });
});

describe('--trace', () => {
  it("is Chrome's trace-event JSON: named tracks, complete events in microseconds, stage instants", () => {
    const trace = JSON.parse(traceJson(recorded(), 'web'));
    expect(trace.traceEvents.filter((e: { ph: string }) => e.ph === 'M').map((e: { args: { name: string } }) => e.args.name)).toEqual([
      'dib create web',
      'phases',
      'scripts',
      'host commands',
    ]);
    const script = trace.traceEvents.find((e: { name: string }) => e.name === 'root/10-tree');
    expect(script).toMatchObject({ ph: 'X', cat: 'script', dur: 5000, tid: 2, args: { detail: 'tiny', status: 'ok' } });
    expect(trace.traceEvents.find((e: { ph: string }) => e.ph === 'i')).toMatchObject({ name: 'stage stored at root', s: 'p' });
  });
});

const data = (over: Partial<ReportData> = {}): ReportData => ({
  image: 'web',
  startedAt: new Date('2026-12-01T08:00:00Z'),
  durationMs: 12_345,
  dibVersion: '0.1.0',
  arch: 'amd64',
  spans: recorded().spans(),
  elements: [{ name: 'tiny', source: '/elements/tiny', reasons: ['requested'] }],
  packages: [{ name: 'bash', arch: 'amd64', version: '5.2', sizeKiB: 7000 }],
  outputs: [{ type: 'qcow2', path: '/out/web.qcow2', bytes: 3 * 1024 * 1024, sha256: 'ab'.repeat(32) }],
  cache: [{ action: 'stored', at: 'root', bytes: 2048, durationMs: 3 }],
  warnings: [],
  ...over,
});

describe('report.html', () => {
  it('has every section, with sizes people read', () => {
    const html = reportHtml(data());
    for (const id of ['timeline', 'outputs', 'elements', 'packages', 'cache']) expect(html).toContain(`id="${id}"`);
    expect(html).toContain('<td class="num" data-value="7168000">6.8 MiB</td>');
    expect(html).toContain('3.0 MiB');
    expect(html).toContain('Packages (1, 6.8 MiB installed)');
    expect(html).toContain('took 12.3 s');
  });

  it('escapes what builds put in it: element names, paths, warnings', () => {
    const html = reportHtml(
      data({ elements: [{ name: '<img src=x onerror=alert(1)>', source: '"/x"', reasons: ['a & b'] }], warnings: ['<script>alert(2)</script>'] }),
    );
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<script>alert(2)');
    expect(html).toContain('&#60;script&#62;alert(2)&#60;/script&#62;');
  });

  it('is self-contained: no URL to load anything from', () => {
    expect(reportHtml(data())).not.toMatch(/\b(src|href)=["']?(https?:|\/\/)/);
  });

  it('says when nothing came from the stage cache', () => {
    expect(reportHtml(data({ cache: [] }))).toContain('<p id="cache">Nothing restored or stored.</p>');
  });
});

describe('the package list', () => {
  it('reads name, arch, version and the size in KiB when there is one', () => {
    expect(parsePackageList('bash\tamd64\t5.2\t7000\nold\tall\t1.0\n')).toEqual([
      { name: 'bash', arch: 'amd64', version: '5.2', sizeKiB: 7000 },
      { name: 'old', arch: 'all', version: '1.0', sizeKiB: undefined },
    ]);
  });
});

describe("the last build's times, shown as estimates", () => {
  const plan = (imageCache: string) => ({ imageCache, name: 'web', image: { output: '/out/web' } }) as never;

  it('are read back for the same output path, and titles carry them', () => {
    const cache = mkdtempSync(path.join(os.tmpdir(), 'dib-timings-'));
    try {
      expect(previousTimings(plan(cache))).toEqual({});
      saveTimings(plan(cache), recorded());
      const previous = previousTimings(plan(cache));
      expect(previous).toMatchObject({ root: 7, 'root/10-tree': 5 });
      // The phase still running and the host commands are not steps with a time.
      expect(previous.install).toBeUndefined();
      expect(titleBefore('root (host)', previous.root)).toBe('root (host) (0.0 s last build)');
      expect(titleAfter('root (host)', 1500, 12_000)).toBe('root (host): 1.5 s (12.0 s last build)');
      expect(titleAfter('root (host)', 1500, undefined)).toBe('root (host): 1.5 s');
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it('a build that ran nothing (its outputs restored from the stage cache) keeps the times of the one that did', () => {
    const cache = mkdtempSync(path.join(os.tmpdir(), 'dib-timings-'));
    try {
      saveTimings(plan(cache), recorded());
      saveTimings(plan(cache), new BuildRecorder());
      expect(previousTimings(plan(cache))).toMatchObject({ root: 7 });
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });
});
