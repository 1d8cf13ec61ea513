/**
 * Classic element directories and disk images: block-device-*.yaml read as the
 * element's layout, vm's default block device, and no-final-image. Upstream DIB's own
 * element directories are copied into a temp directory when DIB is installed.
 */
import { cpSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GPT_BIOS_BOOT, GPT_ESP, formatPlan } from '@dib/core';
import { planBuild, type PlanBuildOptions } from '@dib/testing';
import { dibError, useTempDirs, writeClassicElement, writePackageElement } from './helpers.js';

const UPSTREAM = '/usr/lib/python3/dist-packages/diskimage_builder/elements';
const hasUpstream = existsSync(UPSTREAM);
const LINUX = '0FC63DAF-8483-4772-8E79-3D69D8477DE4';
const PREP = '9E1A2D38-C612-4316-AA26-8B49521E5A8B';

const tempDir = useTempDirs();

/** A project with an ELEMENTS_PATH directory; `upstream` names DIB elements copied into it. */
function project(upstream: string[] = []) {
  const root = tempDir();
  const elementsDir = path.join(root, 'elements');
  for (const name of upstream) cpSync(path.join(UPSTREAM, name), path.join(elementsDir, name), { recursive: true });
  writeClassicElement(elementsDir, 'bootloader', {});
  const plan = (elements: string[], image: PlanBuildOptions['image'] = {}) =>
    planBuild(elements, { elementsPath: [elementsDir], searchRoots: [root], image: { types: ['qcow2'], skipBase: true, ...image } });
  return { root, elementsDir, plan };
}

const partitions = (p: Awaited<ReturnType<ReturnType<typeof project>['plan']>>) =>
  p.layout?.table?.partitions.map((x) => ({ name: x.name, type: x.type, flags: x.flags, size: x.size }));
const filesystems = (p: Awaited<ReturnType<ReturnType<typeof project>['plan']>>) =>
  p.layout?.filesystems.map((f) => ({ type: f.type, base: f.base, mountPoint: f.mountPoint }));

describe.skipIf(!hasUpstream)(`upstream DIB's block-device elements as classic directories (needs ${UPSTREAM})`, () => {
  it('block-device-mbr: one bootable primary root partition in an MBR table, ext4 at /', async () => {
    const p = await project(['block-device-mbr']).plan(['block-device-mbr']);
    expect(p.layoutSource).toBe('element block-device-mbr: blockDevice');
    expect(p.layout?.table?.label).toBe('mbr');
    expect(partitions(p)).toEqual([{ name: 'root', type: '83', flags: ['boot', 'primary'], size: { percent: 100 } }]);
    expect(filesystems(p)).toEqual([{ type: 'ext4', base: 'root', mountPoint: '/' }]);
    expect(p.environment.DIB_BLOCK_DEVICE_LABEL).toBe('mbr');
  });

  it('block-device-gpt: a BIOS boot partition and a root partition in a GPT table', async () => {
    const p = await project(['block-device-gpt']).plan(['block-device-gpt']);
    expect(p.layout?.table?.label).toBe('gpt');
    expect(partitions(p)).toEqual([
      { name: 'BSP', type: GPT_BIOS_BOOT, flags: [], size: { bytes: 8 * 2 ** 20 } },
      { name: 'root', type: LINUX, flags: ['boot'], size: { percent: 100 } },
    ]);
    expect(filesystems(p)).toEqual([{ type: 'ext4', base: 'root', mountPoint: '/' }]);
  });

  it('block-device-efi: a vfat ESP at /boot/efi, a BIOS boot partition and the root', async () => {
    const p = await project(['block-device-efi']).plan(['block-device-efi']);
    expect(partitions(p)?.map((x) => [x.name, x.type])).toEqual([
      ['ESP', GPT_ESP],
      ['BSP', GPT_BIOS_BOOT],
      ['root', LINUX],
    ]);
    expect(filesystems(p)).toEqual([
      { type: 'vfat', base: 'ESP', mountPoint: '/boot/efi' },
      { type: 'ext4', base: 'root', mountPoint: '/' },
    ]);
    expect(p.environment.DIB_BLOCK_DEVICE_MOUNTS.split(' ').sort()).toEqual(['/', '/boot/efi']);
  });

  it('block-device-ppc64el.yaml is used for ppc64el and ppc64le, as DIB does, and not for amd64', async () => {
    const { plan } = project(['block-device-gpt']);
    for (const arch of ['ppc64el', 'ppc64le']) {
      const p = await plan(['block-device-gpt'], { arch });
      expect(p.layoutSource).toBe('element block-device-gpt: blockDeviceByArch.ppc64el');
      expect(partitions(p)?.map((x) => [x.name, x.type])).toEqual([
        ['boot', PREP],
        ['root', LINUX],
      ]);
    }
    expect((await plan(['block-device-gpt'], { arch: 'amd64' })).layoutSource).toBe('element block-device-gpt: blockDevice');
  });

  it('block-device-efi-lvm fails when it loads: LVM is not something dib builds', async () => {
    const { plan, elementsDir } = project(['block-device-efi-lvm']);
    const e = await dibError(plan(['block-device-efi-lvm']));
    expect(e.code).toBe('DIB_E_BLOCK_DEVICE_UNSUPPORTED');
    expect(e.location).toMatchObject({ file: path.join(elementsDir, 'block-device-efi-lvm', 'block-device-default.yaml'), element: 'block-device-efi-lvm' });
    expect(e.message).toMatch(/\[2\]\.lvm/);
    expect(e.hint).toMatch(/device-mapper/);
  });

  it("a copy of DIB's vm gets block-device-mbr by default, the classic one when it is on ELEMENTS_PATH", async () => {
    const p = await project(['vm', 'block-device-mbr']).plan(['vm']);
    const mbr = p.elements.find((e) => e.name === 'block-device-mbr');
    expect(mbr?.reasons).toContain('default block-device for vm');
    expect(mbr?.source.kind).toBe('directory');
    expect(p.layout?.table?.label).toBe('mbr');
  });

  it.runIf(hasUpstream)("a copy of DIB's vm gets block-device-efi on arm64 (aarch64 too), as DIB adds it there", async () => {
    for (const arch of ['arm64', 'aarch64']) {
      const p = await project(['vm', 'block-device-mbr', 'block-device-efi']).plan(['vm'], { arch });
      expect(p.elements.map((e) => e.name)).not.toContain('block-device-mbr');
      expect(p.elements.find((e) => e.name === 'block-device-efi')?.reasons).toContain('default block-device for vm');
      expect(p.layout?.table?.label).toBe('gpt');
      expect(p.layout?.filesystems.map((f) => f.mountPoint)).toEqual(expect.arrayContaining(['/', '/boot/efi']));
    }
  });

  it("a copy of DIB's no-final-image leaves the disk formats out of the plan", async () => {
    const p = await project(['no-final-image']).plan(['no-final-image'], { types: ['qcow2', 'tar'] });
    expect(p.outputs.map((o) => o.type)).toEqual(['tar']);
    expect(p.noFinalImage).toEqual({ element: 'no-final-image', types: ['qcow2'] });
  });
});

describe('layout files of classic elements', () => {
  const LVM = [
    '- local_loop: { name: image0 }',
    '- partitioning:',
    '    base: image0',
    '    label: gpt',
    '    partitions: [{ name: root, size: 100% }]',
    '- lvm:',
    '    name: lvm',
    '    base: [root]',
    '',
  ].join('\n');

  it('a layout with lvm is DIB_E_BLOCK_DEVICE_UNSUPPORTED naming the file, the element and what to do', async () => {
    const { elementsDir, plan } = project();
    writeClassicElement(elementsDir, 'my-lvm', { provides: ['block-device'], files: { 'block-device-default.yaml': LVM } });
    const e = await dibError(plan(['my-lvm']));
    expect(e.code).toBe('DIB_E_BLOCK_DEVICE_UNSUPPORTED');
    expect(e.location).toMatchObject({ file: path.join(elementsDir, 'my-lvm', 'block-device-default.yaml'), key: '[2].lvm', element: 'my-lvm' });
    expect(e.hint).toMatch(/device-mapper/);
    expect(e.format()).toContain('hint:');
  });

  it('an arch layout is checked too, even when the build is for another arch', async () => {
    const { elementsDir, plan } = project();
    writeClassicElement(elementsDir, 'my-disk', {
      provides: ['block-device'],
      files: {
        'block-device-default.yaml': '- local_loop: { name: image0 }\n- mkfs: { base: image0, type: ext4, mount: { mount_point: / } }\n',
        'block-device-arm64.yaml': LVM,
      },
    });
    const e = await dibError(plan(['my-disk']));
    expect(e.code).toBe('DIB_E_BLOCK_DEVICE_UNSUPPORTED');
    expect(e.location.file).toBe(path.join(elementsDir, 'my-disk', 'block-device-arm64.yaml'));
  });

  it('YAML that does not parse is DIB_E_BLOCK_DEVICE_INVALID with the file and a hint', async () => {
    const { elementsDir, plan } = project();
    writeClassicElement(elementsDir, 'broken', { provides: ['block-device'], files: { 'block-device-default.yaml': '- local_loop: [name: image0\n' } });
    const e = await dibError(plan(['broken']));
    expect(e.code).toBe('DIB_E_BLOCK_DEVICE_INVALID');
    expect(e.message).toMatch(/not valid YAML/);
    expect(e.location).toMatchObject({ file: path.join(elementsDir, 'broken', 'block-device-default.yaml'), element: 'broken' });
    expect(e.hint).toMatch(/YAML syntax of block-device-default\.yaml in element broken/);
  });

  it('a layout dib rejects names the key: an unknown filesystem type', async () => {
    const { elementsDir, plan } = project();
    writeClassicElement(elementsDir, 'odd-fs', {
      provides: ['block-device'],
      files: { 'block-device-default.yaml': '- local_loop: { name: image0 }\n- mkfs: { base: image0, type: zfs, mount: { mount_point: / } }\n' },
    });
    const e = await dibError(plan(['odd-fs']));
    expect(e.code).toBe('DIB_E_BLOCK_DEVICE_INVALID');
    expect(e.location.key).toBe('[1].mkfs.type');
    expect(e.message).toMatch(/unknown filesystem "zfs"/);
  });

  it('an element that does not provide block-device still lends its layout when no provider has one (DIB searches every element)', async () => {
    const { elementsDir, plan } = project();
    writeClassicElement(elementsDir, 'my-layout', {
      files: { 'block-device-default.yaml': '- local_loop: { name: image0 }\n- mkfs: { base: image0, type: xfs, mount: { mount_point: / } }\n' },
    });
    const p = await plan(['my-layout']);
    expect(p.layoutSource).toBe('element my-layout: blockDevice');
    expect(p.layout?.table).toBeUndefined();
    expect(filesystems(p)).toEqual([{ type: 'xfs', base: 'image0', mountPoint: '/' }]);
  });
});

describe('a classic element depending on block-device (a copy of vm)', () => {
  /** dib's shipped block-device-mbr stands here as a package in the project's node_modules. */
  function withPackagedMbr() {
    const p = project();
    writeClassicElement(p.elementsDir, 'vm', { deps: ['block-device', 'bootloader'] });
    writePackageElement(p.root, '@dib/element-block-device-mbr', {
      manifest: {
        name: 'block-device-mbr',
        description: 'packaged mbr layout',
        provides: ['block-device'],
        blockDevice: [
          { local_loop: { name: 'image0' } },
          { partitioning: { base: 'image0', label: 'mbr', partitions: [{ name: 'root', mkfs: { mount: { mount_point: '/' } } }] } },
        ],
      },
    });
    return p;
  }

  it("gets block-device-mbr from the element packages when no block-device element is in the build, as DIB's vm does", async () => {
    const p = await withPackagedMbr().plan(['vm']);
    const mbr = p.elements.find((e) => e.name === 'block-device-mbr');
    expect(mbr?.reasons).toContain('default block-device for vm');
    expect(mbr?.source).toMatchObject({ kind: 'package', packageName: '@dib/element-block-device-mbr' });
    expect(p.layout?.table?.label).toBe('mbr');
    expect(p.layoutSource).toBe('element block-device-mbr: blockDevice');
  });

  it('gets no default when the build names another block-device element', async () => {
    const { elementsDir, plan } = withPackagedMbr();
    writeClassicElement(elementsDir, 'my-gpt', {
      provides: ['block-device'],
      files: { 'block-device-default.yaml': '- partitioning:\n    label: gpt\n    partitions: [{ name: root, mkfs: { mount: { mount_point: / } } }]\n' },
    });
    const p = await plan(['vm', 'my-gpt']);
    expect(p.elements.map((e) => e.name)).not.toContain('block-device-mbr');
    expect(p.layout?.table?.label).toBe('gpt');
  });
});

describe('no-final-image', () => {
  it('a classic no-final-image leaves out disk formats, keeps tree formats and element outputs, and the dry-run says so', async () => {
    const { root, elementsDir, plan } = project();
    writeClassicElement(elementsDir, 'no-final-image', { files: { 'README.rst': 'no-final-image\n==============\n\nNo image from the tree.\n' } });
    writePackageElement(root, '@dib/element-kernel-out', {
      manifest: {
        name: 'kernel-out',
        description: 'writes a kernel',
        dependencies: ['no-final-image'],
        outputs: [{ name: 'vmlinuz', description: 'the kernel' }],
      },
    });
    const p = await plan(['kernel-out'], { types: ['qcow2', 'raw', 'tar'], size: '2G' });
    expect(p.outputs.map((o) => o.type)).toEqual(['tar', 'element']);
    expect(p.image.types).toEqual(['tar']);
    expect(p.layout).toBeUndefined();
    expect(p.hostTools.map((t) => t.anyOf[0])).not.toContain('qemu-img');
    expect(p.warnings).toContain('--image-size has no effect on a build with no-final-image: it applies to disk image formats');
    const text = formatPlan(p);
    expect(text).toContain('no final image (element no-final-image): qcow2, raw not made');
    expect(text).not.toMatch(/qcow2: /);
  });

  it('with only disk formats asked for, the plan writes no format at all', async () => {
    const { root, plan } = project();
    writePackageElement(root, '@dib/element-own-product', { manifest: { name: 'own-product', description: 'makes its own product', noFinalImage: true } });
    const p = await plan(['own-product'], { types: ['qcow2'] });
    expect(p.outputs).toEqual([]);
    expect(formatPlan(p)).toMatch(/^Image test: amd64, output no image format$/m);
    expect(formatPlan(p)).toContain('no final image (element own-product): qcow2 not made');
  });

  it('without it, the disk formats stay', async () => {
    const { elementsDir, plan } = project();
    writeClassicElement(elementsDir, 'final-image-fan', {});
    const p = await plan(['final-image-fan'], { types: ['qcow2'] });
    expect(p.outputs.map((o) => o.type)).toEqual(['qcow2']);
    expect(p.noFinalImage).toBeUndefined();
  });
});
