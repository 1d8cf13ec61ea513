/**
 * An arm64 disk needs an EFI system partition. Planned layouts: vm's arm64 default is
 * block-device-efi, and block-device-mbr/-gpt refuse arm64 when planned, as DIB's do.
 * A layout of the user's own (DIB_BLOCK_DEVICE_CONFIG) is checked by bootloader's
 * root-phase hook, before anything is installed.
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

/** An MBR disk with one root partition, as a user's DIB_BLOCK_DEVICE_CONFIG. */
const MBR_LAYOUT = `
- local_loop: { name: image0 }
- partitioning:
    base: image0
    label: mbr
    partitions:
      - name: root
        size: 100%
        mkfs: { type: ext4, mount: { mount_point: / } }
`;

const plan = (arch: string, elements: string[], types = ['qcow2'], env: Record<string, string> = {}) =>
  planBuild(['debian', 'vm', ...elements], { searchRoots: [REPO], image: { arch, types }, env });

async function checkLayout(...args: Parameters<typeof plan>) {
  const bootloader = await loadElement('bootloader', { searchRoots: [REPO] });
  const outputDir = mkdtempSync(path.join(os.tmpdir(), 'dib-require-esp-'));
  outputDirs.push(outputDir);
  return runElementHook(bootloader, 'root', '00-bootloader-esp', { targetRoot: '/nonexistent', plan: await plan(...args), outputDir });
}

const codeOf = (e: unknown) => (e instanceof DibError ? e.code : String(e));

describe('bootloader: an arm64 disk needs an ESP', () => {
  it("passes vm's arm64 default layout (block-device-efi), an amd64 MBR disk and an arm64 tarball of the user's MBR layout", async () => {
    await expect(checkLayout('arm64', [])).resolves.toBeDefined();
    await expect(checkLayout('amd64', ['block-device-mbr'])).resolves.toBeDefined();
    await expect(checkLayout('arm64', [], ['tar'], { DIB_BLOCK_DEVICE_CONFIG: MBR_LAYOUT })).resolves.toBeDefined();
  });

  it('refuses block-device-mbr and block-device-gpt on arm64 when planned, as DIB does', async () => {
    for (const element of ['block-device-mbr', 'block-device-gpt']) {
      const error = await plan('arm64', [element]).catch((e: unknown) => e);
      expect(codeOf(error)).toBe('DIB_E_ARCH_UNSUPPORTED');
      expect((error as DibError).message).toContain(`element ${element} does not work on arm64`);
    }
  });

  it("refuses an arm64 disk of the user's own layout without an ESP before anything is installed, naming the layout", async () => {
    const error = await checkLayout('arm64', [], ['qcow2'], { DIB_BLOCK_DEVICE_CONFIG: MBR_LAYOUT }).catch((e: unknown) => e);
    expect(codeOf(error)).toBe('DIB_E_BOOTLOADER_NO_ESP');
    expect((error as DibError).message).toMatch(/mounts \/ and no EFI system partition/);
  });
});
