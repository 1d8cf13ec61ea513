/**
 * The architecture a dib build recorded for an image: the packages' architecture in the
 * manifest directory beside it (IMAGE.d/dib-packages, written by the dpkg and yum
 * elements). Lets `dib boot-test web-arm.qcow2` boot an arm64 image without -a.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ARCHES, canonicalArch } from '@dib/core';

/** dib-packages' second column is dpkg's or rpm's architecture: rpm's 32-bit Arm is not one of DIB's alias names. */
const PACKAGE_ARCHES: Readonly<Record<string, string>> = { armv7hl: 'armhf' };

export function recordedArch(file: string): { arch: string; source: string } | undefined {
  const source = path.join(path.dirname(file), `${path.basename(file, path.extname(file))}.d`, 'dib-packages');
  if (!existsSync(source)) return undefined;
  const counts = new Map<string, number>();
  for (const line of readFileSync(source, 'utf8').split('\n')) {
    const column = line.split('\t')[1];
    if (!column || column === 'all' || column === 'noarch') continue;
    const arch = PACKAGE_ARCHES[column] ?? canonicalArch(column);
    if ((ARCHES as readonly string[]).includes(arch)) counts.set(arch, (counts.get(arch) ?? 0) + 1);
  }
  const [top] = [...counts].sort((a, b) => b[1] - a[1]);
  return top && { arch: top[0], source };
}
