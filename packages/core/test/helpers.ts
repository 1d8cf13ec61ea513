/**
 * Fixture helpers for @dib/core unit tests: temp directories cleaned after each test,
 * fake element packages in a project's node_modules, and catching a DibError.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { DibError, ImageSchema, type ImageOptionsInput, type PlanRequest } from '@dib/core';

export { writeClassicElement, writePackageElement } from '@dib/testing';

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

/** A plan request for element `app` of a fixture project: elements in ./elements, packages in its node_modules. */
export function planRequest(
  root: string,
  elementsDir: string,
  image: Partial<ImageOptionsInput>,
  callerEnv: NodeJS.ProcessEnv = {},
  output = 'img',
): PlanRequest {
  return {
    name: 'img',
    image: { ...ImageSchema.parse({ elements: ['app'], ...image }), output: path.join(root, 'out', output) },
    elementsPath: [elementsDir],
    searchRoots: [root],
    imageCache: path.join(root, 'cache'),
    offline: false,
    tmpfs: false,
    minTmpfs: 4,
    callerEnv,
    argv: ['dib', 'create', 'app'],
  };
}
