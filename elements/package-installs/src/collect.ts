/**
 * Works out, on the host, which packages each chroot phase installs and removes: every
 * element's package entries filtered as DIB's package-installs does, names mapped
 * through that element's pkg-map, plus the extra packages from `-p`.
 */
import type { ElementManifest, PackageInstall, PkgMap } from '@dib/core/element';
import { mapPackage, type DistroInfo } from '@dib/element-pkg-map';
import { entryApplies } from './conditions.js';

export type InstallPhase = PackageInstall['phase'];

export interface PlannedPackage {
  name: string;
  element: string;
  phase: InstallPhase;
  action: 'install' | 'uninstall';
}

type PackageEntry = ElementManifest['packages'][string];

/** null is one plain install; a list is several entries, each filtered on its own. */
const specsOf = (entry: PackageEntry): Partial<PackageInstall>[] => (entry === null ? [{}] : Array.isArray(entry) ? entry : [entry]);

/** build-only installs at the start of the phase and removes at its end, as DIB does. */
const actionsOf = (spec: Partial<PackageInstall>): PlannedPackage['action'][] =>
  spec.buildOnly ? ['install', 'uninstall'] : spec.uninstall ? ['uninstall'] : ['install'];

export function collectPackages(
  elements: readonly { name: string; manifest: { packages: Record<string, PackageEntry>; pkgMap?: PkgMap } }[],
  env: Readonly<Record<string, string>>,
  arch: string,
  distro: DistroInfo,
): PlannedPackage[] {
  const out: PlannedPackage[] = [];
  for (const el of elements) {
    for (const [pkg, entry] of Object.entries(el.manifest.packages)) {
      for (const spec of specsOf(entry)) {
        if (!entryApplies(spec, { element: el.name, pkg }, env, arch)) continue;
        const names = mapPackage(el.manifest.pkgMap, pkg, distro).split(/\s+/).filter(Boolean);
        for (const action of actionsOf(spec)) {
          for (const name of names) out.push({ name, element: el.name, phase: spec.phase ?? 'install', action });
        }
      }
    }
  }
  for (const n of (env.DIB_INSTALL_PACKAGES ?? '').split(/\s+/).filter(Boolean)) {
    out.push({ name: n, element: '(-p)', phase: 'install', action: 'install' });
  }
  return out;
}
