/** Plans with the element: the disk formats asked for are dropped, tree formats and element outputs stay. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planBuild } from '@dib/testing';

const REPO = path.resolve(import.meta.dirname, '../../..');

describe('no-final-image', () => {
  it('drops qcow2 and raw, keeps tar, and chooses no block-device layout', async () => {
    const plan = await planBuild(['no-final-image'], { searchRoots: [REPO], image: { types: ['qcow2', 'raw', 'tar'] }, output: '/tmp/nfi/img' });
    expect(plan.noFinalImage).toEqual({ element: 'no-final-image', types: ['qcow2', 'raw'] });
    expect(plan.outputs.map((o) => o.path)).toEqual(['/tmp/nfi/img.tar']);
    expect(plan.layout).toBeUndefined();
    expect(plan.diskHooks).toEqual([]);
  });

  it('is what a dependency on it brings: the element that depends on it still makes its outputs', async () => {
    const plan = await planBuild(['no-final-image', 'ramdisk-base'], { searchRoots: [REPO], image: { types: ['qcow2'] }, output: '/tmp/nfi/img' });
    expect(plan.noFinalImage?.types).toEqual(['qcow2']);
    expect(plan.outputs.map((o) => path.basename(o.path))).toEqual(expect.arrayContaining(['img.kernel', 'img.initramfs']));
  });
});
