/** vm needs a block-device layout: the plan adds block-device-mbr unless the build has another provider. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { planBuild, writeClassicElement } from '@dib/testing';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const plan = (elements: string[]) =>
  planBuild(elements, { searchRoots: [path.join(REPO, 'packages/cli')], image: { types: ['qcow2'] }, requireOperatingSystem: true });

it('adds block-device-mbr, with the reason, when nothing in the build provides block-device', async () => {
  const p = await plan(['debian-minimal', 'vm']);
  const mbr = p.elements.find((e) => e.name === 'block-device-mbr');
  expect(mbr?.reasons).toContain('default block-device for vm');
  expect(p.layout?.table?.label).toBe('mbr');
  expect(p.layoutSource).toBe('element block-device-mbr: blockDevice');
});

it('adds nothing when the build names a provider itself', async () => {
  const p = await plan(['debian-minimal', 'vm', 'block-device-efi']);
  expect(p.elements.map((e) => e.name)).not.toContain('block-device-mbr');
  expect(p.layout?.table?.label).toBe('gpt');
  expect(p.environment.DIB_BLOCK_DEVICE_MOUNTS.split(' ')).toEqual(expect.arrayContaining(['/', '/boot/efi']));
});

it("a classic copy of vm (element-deps: block-device, bootloader) gets dib's shipped block-device-mbr package", async () => {
  const elementsDir = mkdtempSync(path.join(os.tmpdir(), 'dib-classic-vm-'));
  try {
    writeClassicElement(elementsDir, 'vm', { deps: ['block-device', 'bootloader'] });
    const p = await planBuild(['debian-minimal', 'vm'], {
      elementsPath: [elementsDir],
      searchRoots: [path.join(REPO, 'packages/cli')],
      image: { types: ['qcow2'] },
      requireOperatingSystem: true,
    });
    expect(p.elements.find((e) => e.name === 'vm')?.source).toEqual({ kind: 'directory', path: path.join(elementsDir, 'vm') });
    const mbr = p.elements.find((e) => e.name === 'block-device-mbr');
    expect(mbr?.reasons).toContain('default block-device for vm');
    expect(mbr?.source).toMatchObject({ kind: 'package', packageName: '@dib/element-block-device-mbr' });
    expect(p.layout?.table?.label).toBe('mbr');
  } finally {
    rmSync(elementsDir, { recursive: true, force: true });
  }
});
