/**
 * The root-phase check that an arm64 disk has an EFI system partition, against the
 * layouts dib plans: vm's arm64 default (block-device-efi) and block-device-mbr named.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DibError } from '@dib/core';
import { loadElement, planBuild, runElementHook } from '@dib/testing';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const outputDirs: string[] = [];
afterEach(() => {
  for (const dir of outputDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function checkLayout(arch: string, elements: string[], types = ['qcow2']) {
  const plan = await planBuild(['debian', 'vm', ...elements], { searchRoots: [REPO], image: { arch, types } });
  const bootloader = await loadElement('bootloader', { searchRoots: [REPO] });
  const outputDir = mkdtempSync(path.join(os.tmpdir(), 'dib-require-esp-'));
  outputDirs.push(outputDir);
  return runElementHook(bootloader, 'root', '00-bootloader-esp', { targetRoot: '/nonexistent', plan, outputDir });
}

describe('bootloader: an arm64 disk needs an ESP', () => {
  it("passes vm's arm64 default layout (block-device-efi), an amd64 MBR disk and an arm64 tarball", async () => {
    await expect(checkLayout('arm64', [])).resolves.toBeDefined();
    await expect(checkLayout('amd64', ['block-device-mbr'])).resolves.toBeDefined();
    await expect(checkLayout('arm64', [], ['tar'])).resolves.toBeDefined();
  });

  it('refuses an arm64 MBR disk before anything is installed, naming the layout', async () => {
    const error = await checkLayout('arm64', ['block-device-mbr']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DibError);
    expect((error as DibError).code).toBe('DIB_E_BOOTLOADER_NO_ESP');
    expect((error as DibError).message).toMatch(/mounts \/ and no EFI system partition/);
  });
});
