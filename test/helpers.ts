/** Shared setup for the integration tests: where outputs go and how dib is run. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runDib } from '@dib/testing';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const FIXTURE_ELEMENTS = path.join(REPO, 'test/fixtures/elements');
/** Outputs of the integration tests; kept between files so later ones can reuse them. */
export const OUT = process.env.DIB_TEST_OUT ?? '/var/tmp/dib-test-out';
mkdirSync(OUT, { recursive: true });

/** Environment for builds: fixture elements on ELEMENTS_PATH, the shared cache. */
export const buildEnv = (extra: Record<string, string> = {}) => ({ ELEMENTS_PATH: FIXTURE_ELEMENTS, ...extra });

export const isRoot = process.getuid?.() === 0;

/**
 * For builds no test boots: dpkg's documented switch leaves out the initramfs, about a
 * minute of every Debian-family build on this machine. The boot tests make it.
 */
export const NO_INITRAMFS = { DIB_DEBIAN_INITRAMFS: 'skip' };

/**
 * For the virtual machines the tests boot: dpkg's initramfs of virtual-machine drivers
 * (9 MB instead of 30 MB). The everyday image keeps Debian's default, so both are booted.
 */
export const VIRTUAL_INITRAMFS = { DIB_DEBIAN_INITRAMFS_MODULES: 'virtual' };

/**
 * `dib boot-test` through the CLI until the issue-marker element's line (or `expect`, a
 * later part of it), with the console saved to `consoleFile`. The console holds what was
 * read up to the match: a test that reads the rest of the line waits for its end.
 */
export const bootToMarker = (args: string[], timeoutMs: number, consoleFile: string, expect = 'dib-test-image-marker') =>
  runDib(['boot-test', ...args, '--expect', expect, '--timeout', String(timeoutMs / 1000), '--console', consoleFile]);
