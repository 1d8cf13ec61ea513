/**
 * Works out, on the host, which packages each chroot phase installs and removes: every
 * element's package list filtered by arch and `when` conditions, names mapped through
 * that element's pkg-map, plus the extra packages from `-p`.
 */
import type { PackageInstall, PkgMap } from '@dib/core/element';
import { mapPackage, type DistroInfo } from '@dib/element-pkg-map';

export type InstallPhase = PackageInstall['phase'];

export interface PlannedPackage {
  name: string;
  element: string;
  phase: InstallPhase;
  action: 'install' | 'uninstall';
}

const conditionHolds = (cond: string, env: Readonly<Record<string, string>>): boolean => {
  const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(!?=)\s*(.*?)\s*$/.exec(cond);
  if (!m) return false;
  const value = env[m[1]] ?? '';
  return m[2] === '=' ? value === m[3] : value !== m[3];
};

export function collectPackages(
  elements: readonly { name: string; manifest: { packages: Record<string, PackageInstall | null>; pkgMap?: PkgMap } }[],
  env: Readonly<Record<string, string>>,
  arch: string,
  distro: DistroInfo,
): PlannedPackage[] {
  const out: PlannedPackage[] = [];
  for (const el of elements) {
    for (const [pkg, spec] of Object.entries(el.manifest.packages)) {
      const s = spec ?? { phase: 'install' as const, uninstall: false };
      if (s.arch && !s.arch.includes(arch)) continue;
      if (s.notArch && s.notArch.includes(arch)) continue;
      if (s.when && !s.when.every((c) => conditionHolds(c, env))) continue;
      const name = mapPackage(el.manifest.pkgMap, pkg, distro);
      if (!name) continue;
      for (const n of name.split(/\s+/).filter(Boolean))
        out.push({ name: n, element: el.name, phase: s.phase ?? 'install', action: s.uninstall ? 'uninstall' : 'install' });
    }
  }
  for (const n of (env.DIB_INSTALL_PACKAGES ?? '').split(/\s+/).filter(Boolean)) {
    out.push({ name: n, element: '(-p)', phase: 'install', action: 'install' });
  }
  return out;
}
