/** Gathers what the report shows from a build that is writing its outputs, and writes it. */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CORE_VERSION } from '../elements/core-version.js';
import { describeSource } from '../elements/types.js';
import type { BuildContext } from '../executor/context.js';
import { digests } from '../executor/digests.js';
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

/** The outputs written so far (under their temporary names), with sizes and sha256 (from the .sha256 file when --checksum wrote one). */
async function outputsOf(ctx: BuildContext): Promise<ReportData['outputs']> {
  const written = ctx.plan.outputs.flatMap((o) => {
    const current = o.path.startsWith('/') ? ctx.outputs.pendingPath(o.path) : undefined;
    return current ? [{ o, current }] : [];
  });
  return Promise.all(
    written.map(async ({ o, current }) => {
      const checksum = ctx.outputs.pendingPath(`${o.path}.sha256`);
      const sha256 = checksum ? readFileSync(checksum, 'utf8').split(/\s/)[0] : (await digests(current, ['sha256'])).sha256;
      return { type: o.element ? `${o.name} (${o.element})` : o.type, path: o.path, bytes: statSync(current).size, sha256 };
    }),
  );
}

/** Writes report.html into the manifest directory being written at `dir`. */
export async function writeReport(ctx: BuildContext, dir: string): Promise<void> {
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
    outputs: await outputsOf(ctx),
    cache: recorder.events.flatMap(({ event: e }) => (e.event === 'stage' ? [{ action: e.action, at: e.at, bytes: e.bytes, durationMs: e.durationMs }] : [])),
    warnings: recorder.events.flatMap(({ event: e }) => (e.event === 'warning' ? [e.message] : [])),
  };
  writeFileSync(path.join(dir, REPORT_FILE), reportHtml(data));
}
