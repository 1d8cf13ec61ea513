/**
 * The filters of one package-installs entry, in DIB's order: install type, architecture,
 * python version, then `when` (so an unset variable only matters for an entry that
 * passed the others).
 */
import { ElementError, type PackageInstall } from '@dib/core/element';
import { ERRORS } from './errors.js';

type Env = Readonly<Record<string, string>>;

/** DIB_INSTALLTYPE_<element, - as _>, else DIB_DEFAULT_INSTALLTYPE, else source. */
export const installTypeOf = (element: string, env: Env): string =>
  env[`DIB_INSTALLTYPE_${element.replace(/-/g, '_')}`] ?? env.DIB_DEFAULT_INSTALLTYPE ?? 'source';

const CONDITION = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(!?=)\s*(.*?)\s*$/;

/** Where a failing condition came from, for the error. */
export interface EntryRef {
  element: string;
  pkg: string;
}

function conditionHolds(cond: string, env: Env, ref: EntryRef): boolean {
  const m = CONDITION.exec(cond);
  // The manifest schema only lets well-formed conditions through.
  if (!m) return false;
  const [, name, op, value] = m;
  const actual = env[name];
  if (actual === undefined) {
    throw new ElementError(
      ERRORS.DIB_E_PACKAGE_CONDITION_UNSET,
      `element "${ref.element}", package "${ref.pkg}": the condition "${cond.trim()}" reads ${name}, which is not set`,
      {
        location: { element: ref.element, key: `packages.${ref.pkg}.when` },
        hint: `Set ${name} for the build (export it or add it to the config's environment), give it a default in an environment.d file of element "${ref.element}", or change the condition.`,
      },
    );
  }
  return op === '=' ? actual === value : actual !== value;
}

/** Whether this entry applies to the build (arch is the image's, in dib's names). */
export function entryApplies(spec: Partial<PackageInstall>, ref: EntryRef, env: Env, arch: string): boolean {
  if (spec.installType !== undefined && spec.installType !== installTypeOf(ref.element, env)) return false;
  if (spec.arch && !spec.arch.includes(arch)) return false;
  if (spec.notArch && spec.notArch.includes(arch)) return false;
  if (spec.pythonVersion !== undefined && spec.pythonVersion !== (env.DIB_PYTHON_VERSION ?? '')) return false;
  // Every condition is checked (DIB's too), so an unset variable fails even after a false one.
  return (spec.when ?? []).map((c) => conditionHolds(c, env, ref)).every(Boolean);
}
