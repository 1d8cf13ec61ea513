/**
 * Fixture helpers for @dib/core unit tests: temp directories cleaned after each test,
 * fake element packages in a project's node_modules, and catching a DibError.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { DibError } from '@dib/core';

export { writeClassicElement } from '@dib/testing';
import { writeElementFiles } from '@dib/testing';

/** Returns a function making fresh temp directories; every one is removed after each test. */
export function useTempDirs(parent: string = os.tmpdir(), prefix = 'dib-test-'): () => string {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    mkdirSync(parent, { recursive: true });
    const dir = mkdtempSync(path.join(parent, prefix));
    made.push(dir);
    return dir;
  };
}

export interface PackageElementSpec {
  /** Plain manifest object (serialised as the default export), or the full source of index.js. */
  manifest: Record<string, unknown> | string;
  version?: string;
  keywords?: string[];
  /** Default `^0.1.0`; null leaves peerDependencies out. */
  coreRange?: string | null;
  /** Default true: export "./package.json" in the exports map. */
  exportPackageJson?: boolean;
  /** Extra files relative to the package root; files under `*.d/` are made executable. */
  files?: Record<string, string>;
}

/** Writes `<project>/node_modules/<packageName>` as an ESM element package; returns its root. */
export function writePackageElement(projectDir: string, packageName: string, spec: PackageElementSpec): string {
  const root = path.join(projectDir, 'node_modules', ...packageName.split('/'));
  mkdirSync(root, { recursive: true });
  const pkg = {
    name: packageName,
    version: spec.version ?? '1.0.0',
    type: 'module',
    main: 'index.js',
    keywords: spec.keywords ?? ['dib-element'],
    ...(spec.coreRange === null ? {} : { peerDependencies: { '@dib/core': spec.coreRange ?? '^0.1.0' } }),
    exports: spec.exportPackageJson === false ? { '.': './index.js' } : { '.': './index.js', './package.json': './package.json' },
  };
  writeFileSync(path.join(root, 'package.json'), JSON.stringify(pkg, null, 2));
  const source = typeof spec.manifest === 'string' ? spec.manifest : `export default ${JSON.stringify(spec.manifest, null, 2)};\n`;
  writeFileSync(path.join(root, 'index.js'), source);
  writeElementFiles(root, spec.files ?? {});
  return root;
}

/** The DibError a promise rejects (or a function throws) with; fails the test otherwise. */
export async function dibError(run: Promise<unknown> | (() => unknown)): Promise<DibError> {
  try {
    await (typeof run === 'function' ? run() : run);
  } catch (e) {
    if (e instanceof DibError) return e;
    throw new Error(`expected a DibError, got: ${(e as Error)?.stack ?? String(e)}`);
  }
  throw new Error('expected a DibError, but nothing was thrown');
}

/** A shell hook body. */
export const SCRIPT = '#!/bin/sh\nexit 0\n';
