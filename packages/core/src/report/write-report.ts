/** Gathers what the report shows from a build that is writing its outputs, and writes it. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CORE_VERSION } from '../elements/core-version.js';
import { describeSource } from '../elements/types.js';
import type { BuildContext } from '../executor/context.js';
import { reportHtml, type ReportData } from './html.js';

export const REPORT_FILE = 'report.html';

/**
 * `dib-packages` as the package elements write it: name, arch, version and, when the
 * package manager records it, the installed size in KiB, tab separated.
 */
export function parsePackageList(text: string): ReportData['packages'] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [name, arch = '', version = '', size] = line.split('\t');
      const sizeKiB = size && /^\d+$/.test(size) ? Number(size) : undefined;
      return { name, arch, version, sizeKiB };
    });
}

/** The files this build wrote, from their output events: sizes and sha256 were taken as each was written. */
const outputsOf = (ctx: BuildContext): ReportData['outputs'] =>
  ctx.recorder.events.flatMap(({ event: e }) => {
    if (e.event !== 'output' || e.sha256 === undefined) return [];
    const declared = ctx.plan.outputs.find((o) => o.path === e.path && o.element);
    return [{ type: declared ? `${declared.name} (${declared.element})` : e.type, path: e.path, bytes: e.bytes, sha256: e.sha256 }];
  });

/** Writes report.html into the manifest directory being written at `dir`. */
export function writeReport(ctx: BuildContext, dir: string): void {
  const { plan, recorder } = ctx;
  const packagesFile = path.join(dir, 'dib-packages');
  const data: ReportData = {
    image: plan.name,
    startedAt: recorder.startedAt,
    durationMs: recorder.now(),
    dibVersion: CORE_VERSION,
    arch: plan.image.arch,
    spans: recorder.spans(),
    elements: plan.elements.map((el) => ({ name: el.name, source: describeSource(el.source), reasons: el.reasons })),
    packages: existsSync(packagesFile) ? parsePackageList(readFileSync(packagesFile, 'utf8')) : [],
    outputs: outputsOf(ctx),
    cache: recorder.events.flatMap(({ event: e }) => (e.event === 'stage' ? [{ action: e.action, at: e.at, bytes: e.bytes, durationMs: e.durationMs }] : [])),
    warnings: recorder.events.flatMap(({ event: e }) => (e.event === 'warning' ? [e.message] : [])),
  };
  writeFileSync(path.join(dir, REPORT_FILE), reportHtml(data));
}
