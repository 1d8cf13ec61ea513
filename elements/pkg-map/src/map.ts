/**
 * Package name mapping with DIB's pkg-map precedence: release, then distro, then
 * family, then default; a name no map mentions stays as it is. Mapping to "" drops it.
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
  rhel: 'redhat',
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

export function mapPackage(map: PkgMap | undefined, name: string, d: DistroInfo): string {
  if (!map) return name;
  const tables = [map.release?.[d.distro]?.[d.release], map.distro?.[d.distro], map.family?.[d.family], map.default];
  for (const table of tables) if (table && name in table) return table[name];
  return name;
}

/** Every name the map knows, mapped for this distro: the table `bin/pkg-map` reads. */
export function flattenMap(map: PkgMap | undefined, d: DistroInfo): [string, string][] {
  if (!map) return [];
  const names = new Set<string>();
  for (const t of [map.release?.[d.distro]?.[d.release], map.distro?.[d.distro], map.family?.[d.family], map.default]) {
    for (const n of Object.keys(t ?? {})) names.add(n);
  }
  return [...names].sort().map((n) => [n, mapPackage(map, n, d)]);
}
