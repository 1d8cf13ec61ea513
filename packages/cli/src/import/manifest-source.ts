/**
 * index.js for an imported element: the manifest dib loaded from the classic files
 * (element-deps, package-installs, pkg-map, block-device yaml, ...) written as a
 * defineElement() call, keeping only what differs from the manifest's defaults so the
 * file reads like one a person wrote.
 */
import { isDeepStrictEqual } from 'node:util';
import { ManifestSchema, type ElementManifest, type EnvVar } from '@dib/core';

/** Values the schema fills in for every package-installs entry. */
const SPEC_DEFAULTS: Record<string, unknown> = { phase: 'install', uninstall: false, buildOnly: false };

const compactSpec = (spec: Record<string, unknown>) => Object.fromEntries(Object.entries(spec).filter(([k, v]) => SPEC_DEFAULTS[k] !== v));

const compactPackages = (packages: ElementManifest['packages']) =>
  Object.fromEntries(
    Object.entries(packages).map(([pkg, entry]) => [pkg, entry === null ? null : Array.isArray(entry) ? entry.map(compactSpec) : compactSpec(entry)]),
  );

/** The manifest's keys worth writing down, in schema order. */
export function manifestInput(manifest: ElementManifest, env: Record<string, Pick<EnvVar, 'description'>>): Record<string, unknown> {
  const defaults = ManifestSchema.parse({ name: manifest.name, description: manifest.description });
  const out: Record<string, unknown> = { name: manifest.name, description: manifest.description };
  for (const [key, value] of Object.entries(manifest)) {
    if (key in out || isDeepStrictEqual(value, defaults[key as keyof ElementManifest])) continue;
    out[key] = key === 'packages' ? compactPackages(manifest.packages) : value;
  }
  if (Object.keys(env).length) out.env = env;
  return out;
}

export const manifestSource = (input: Record<string, unknown>, from: string): string =>
  `// @ts-check
// The manifest of the classic element imported from ${from} by dib import-element.
import { defineElement } from '@dib/core/element';

export default defineElement(${JSON.stringify(input, null, 2)});
`;
