/**
 * Package name mapping with DIB's pkg-map precedence: release, then distro, then
 * family, then default; a name no map mentions stays as it is (package-installs passes
 * such names through, as DIB's does with --missing-ok). Mapping to "" drops it.
 * bin/pkg-map applies the same rules in the chroot; keep the family table in step.
 */
import type { PkgMap } from '@dib/core/element';

export interface DistroInfo {
  distro: string;
  release: string;
  family: string;
}

const FAMILIES: Record<string, string> = {
  debian: 'debian',
  ubuntu: 'debian',
  fedora: 'redhat',
  centos: 'redhat',
  centos7: 'redhat',
  rhel: 'redhat',
  rhel7: 'redhat',
  rocky: 'redhat',
  almalinux: 'redhat',
  openeuler: 'redhat',
  opensuse: 'suse',
  'opensuse-leap': 'suse',
  sles: 'suse',
  gentoo: 'gentoo',
};

export const familyOf = (distro: string): string => FAMILIES[distro] ?? distro;

export const distroFromEnv = (env: Readonly<Record<string, string>>): DistroInfo => {
  const distro = env.DISTRO_NAME ?? '';
  return { distro, release: env.DIB_RELEASE ?? '', family: env.DIB_DISTRO_FAMILY ?? familyOf(distro) };
};

/** DIB looks CentOS Stream 8 up as release "8"; bin/pkg-map does the same. */
export const majorRelease = (release: string): string => (release === '8-stream' ? '8' : release);

/** The tables that apply, most specific first. */
const tablesFor = (map: PkgMap, d: DistroInfo) => [
  map.release?.[d.distro]?.[majorRelease(d.release)],
  map.distro?.[d.distro],
  map.family?.[d.family],
  map.default,
];

export function mapPackage(map: PkgMap | undefined, name: string, d: DistroInfo): string {
  if (!map) return name;
  for (const table of tablesFor(map, d)) if (table && name in table) return table[name];
  return name;
}
