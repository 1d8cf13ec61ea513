/** The default Ubuntu archive, read from debootstrap's own Ubuntu script as mmdebstrap reads it. */
import { existsSync } from 'node:fs';
import { expect, it } from 'vitest';
import { DEBOOTSTRAP_UBUNTU_SCRIPT, debootstrapDefaultMirror } from '../src/default-mirror.js';

it.runIf(existsSync(DEBOOTSTRAP_UBUNTU_SCRIPT))("is Ubuntu's archive on amd64 and i386, the ports archive on arm64", () => {
  expect(debootstrapDefaultMirror('amd64', 'noble')).toMatch(/^http:\/\/archive\.ubuntu\.com\/ubuntu$/);
  expect(debootstrapDefaultMirror('i386', 'jammy')).toMatch(/\/ubuntu$/);
  expect(debootstrapDefaultMirror('arm64', 'noble')).toMatch(/\/ubuntu-ports$/);
});

it('is unknown when debootstrap is not installed', () => {
  expect(debootstrapDefaultMirror('amd64', 'noble', '/nonexistent/debootstrap/scripts/gutsy')).toBeUndefined();
});
