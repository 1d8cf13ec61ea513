import { describe, expect, it } from 'vitest';
import { checkDiskSize, MBR_MAX_BYTES, parseLayout, parseSize, sfdiskScript, type DibError } from '@dib/core';

const catchError = (fn: () => unknown): DibError => {
  try {
    fn();
  } catch (e) {
    return e as DibError;
  }
  throw new Error('expected an error');
};

const efi = [
  { local_loop: { name: 'image0' } },
  {
    partitioning: {
      base: 'image0',
      label: 'gpt',
      partitions: [
        {
          name: 'ESP',
          type: 'EF00',
          size: '550MiB',
          mkfs: { type: 'vfat', mount: { mount_point: '/boot/efi', fstab: { options: 'defaults', 'fsck-passno': 2 } } },
        },
        { name: 'BSP', type: 'EF02', size: '8MiB' },
        { name: 'root', type: '8300', size: '100%', mkfs: { type: 'ext4', mount: { mount_point: '/', fstab: { options: 'defaults', 'fsck-passno': 1 } } } },
      ],
    },
  },
];

/** The fields of `efi` that tests break on purpose, on a copy. */
type EditableEfi = { partitioning: { partitions: { name: string; mkfs: { type: string; label?: string } }[] } };

describe('sizes in DIB units', () => {
  it('binary units, decimal units and plain bytes', () => {
    expect(parseSize('1KiB')).toBe(1024);
    expect(parseSize('2MiB')).toBe(2 * 1024 ** 2);
    expect(parseSize('1G')).toBe(1024 ** 3);
    expect(parseSize('1GB')).toBe(1e9);
    expect(parseSize('512MB')).toBe(512e6);
    expect(parseSize('4096')).toBe(4096);
    expect(parseSize(4096)).toBe(4096);
    expect(parseSize('1.5GiB')).toBe(1.5 * 1024 ** 3);
    expect(parseSize('lots')).toBeUndefined();
  });
});

describe('block-device layouts', () => {
  it("loads DIB's efi layout unchanged", () => {
    const layout = parseLayout(efi, 'test');
    expect(layout.table?.label).toBe('gpt');
    expect(layout.table?.partitions.map((p) => p.name)).toEqual(['ESP', 'BSP', 'root']);
    expect(layout.filesystems.map((f) => [f.name, f.type, f.base, f.mountPoint])).toEqual([
      ['mkfs_ESP', 'vfat', 'ESP', '/boot/efi'],
      ['mkfs_root', 'ext4', 'root', '/'],
    ]);
    expect(layout.filesystems[1].fstab).toEqual({ options: 'defaults', dump: 0, pass: 1 });
  });

  it('accepts the flat form with base references', () => {
    const layout = parseLayout(
      [
        { local_loop: { name: 'image0' } },
        { partitioning: { base: 'image0', label: 'mbr', partitions: [{ name: 'root', flags: ['boot', 'primary'], size: '100%' }] } },
        { mkfs: { name: 'fs_root', base: 'root', type: 'xfs', label: 'rootfs' } },
        { mount: { name: 'mnt_root', base: 'fs_root', mount_point: '/' } },
        { fstab: { base: 'mnt_root', options: 'noatime', 'fsck-passno': 1 } },
      ],
      'flat',
    );
    expect(layout.filesystems[0]).toMatchObject({ name: 'fs_root', type: 'xfs', mountPoint: '/', label: 'rootfs', fstab: { options: 'noatime', pass: 1 } });
    expect(layout.table?.partitions[0].type).toBe('83');
  });

  it('rejects lvm as not supported yet', () => {
    const e = catchError(() => parseLayout([{ local_loop: {} }, { lvm: { name: 'lvm', pvs: [] } }], 'cfg.yaml'));
    expect(e.code).toBe('DIB_E_BLOCK_DEVICE_UNSUPPORTED');
    expect(e.message).toContain('cfg.yaml: [1].lvm');
  });

  it('rejects an unknown filesystem naming the key', () => {
    const bad = structuredClone(efi);
    (bad[1] as EditableEfi).partitioning.partitions[2].mkfs.type = 'zfs';
    const e = catchError(() => parseLayout(bad, 'cfg.yaml'));
    expect(e.code).toBe('DIB_E_BLOCK_DEVICE_INVALID');
    expect(e.message).toContain('[1].partitioning.partitions[2].mkfs.type');
    expect(e.message).toContain('unknown filesystem "zfs"');
  });

  it('rejects a duplicate node name and a duplicate label', () => {
    const dupName = structuredClone(efi);
    (dupName[1] as EditableEfi).partitioning.partitions[1].name = 'ESP';
    expect(catchError(() => parseLayout(dupName, 'x')).message).toContain('node name "ESP" is used twice');
    const dupLabel = structuredClone(efi);
    (dupLabel[1] as EditableEfi).partitioning.partitions[0].mkfs.label = 'same';
    (dupLabel[1] as EditableEfi).partitioning.partitions[2].mkfs.label = 'same';
    expect(catchError(() => parseLayout(dupLabel, 'x')).message).toContain('label "same" is used twice');
  });

  it('rejects a mount point on no filesystem', () => {
    const e = catchError(() =>
      parseLayout([{ local_loop: {} }, { partitioning: { label: 'mbr', partitions: [{ name: 'root' }] } }, { mount: { base: 'root', mount_point: '/' } }], 'x'),
    );
    expect(e.code).toBe('DIB_E_BLOCK_DEVICE_INVALID');
    expect(e.message).toContain('mount point / is on "root", which is no filesystem');
  });

  it('rejects oversize fixed partitions and percentages above 100', () => {
    const big = [
      { local_loop: { name: 'image0', size: '1GiB' } },
      {
        partitioning: {
          label: 'gpt',
          partitions: [
            { name: 'a', size: '900MiB' },
            { name: 'root', size: '200MiB', mkfs: { mount: { mount_point: '/' } } },
          ],
        },
      },
    ];
    expect(catchError(() => parseLayout(big, 'x')).message).toContain('exceed the image size');
    const pct = [
      { local_loop: {} },
      {
        partitioning: {
          label: 'gpt',
          partitions: [
            { name: 'a', size: '60%' },
            { name: 'root', size: '50%', mkfs: { mount: { mount_point: '/' } } },
          ],
        },
      },
    ];
    expect(catchError(() => parseLayout(pct, 'x')).message).toContain('110%');
    const over = [{ local_loop: {} }, { partitioning: { label: 'gpt', partitions: [{ name: 'root', size: '101%', mkfs: { mount: { mount_point: '/' } } }] } }];
    expect(catchError(() => parseLayout(over, 'x')).message).toContain('a percentage is more than 0% and at most 100%: "101%"');
  });

  const mbr = (size: string) => [
    { local_loop: {} },
    { partitioning: { label: 'mbr', partitions: [{ name: 'root', size, mkfs: { mount: { mount_point: '/' } } }] } },
  ];

  it('refuses an MBR disk larger than the 2 TiB an MBR table addresses, from --image-size or a fixed partition', () => {
    const fromFlag = catchError(() => checkDiskSize(parseLayout(mbr('100%'), 'x'), 3 * 1024 ** 4, ['qcow2'], 'x'));
    expect(fromFlag.code).toBe('DIB_E_BLOCK_DEVICE_INVALID');
    expect(fromFlag.message).toBe('x: --image-size (3072.00 GiB) is more than an MBR partition table addresses (2 TiB)');
    expect(fromFlag.hint).toContain('gpt');
    expect(catchError(() => checkDiskSize(parseLayout(mbr('999999T'), 'x'), undefined, ['raw'], 'x')).message).toContain("the layout's sizes");
    expect(() => checkDiskSize(parseLayout(mbr('100%'), 'x'), MBR_MAX_BYTES, ['qcow2'], 'x')).not.toThrow();
  });

  it("refuses a vhd larger than qemu-img's VHD writer makes (2040 GiB), naming the format", () => {
    const gpt = parseLayout(
      [{ local_loop: {} }, { partitioning: { label: 'gpt', partitions: [{ name: 'root', size: '100%', mkfs: { mount: { mount_point: '/' } } }] } }],
      'x',
    );
    const e = catchError(() => checkDiskSize(gpt, 3 * 1024 ** 4, ['qcow2', 'vhd'], 'x'));
    expect(e.code).toBe('DIB_E_ARGUMENT');
    expect(e.message).toBe('a vhd image holds at most 2040.00 GiB; this one would be 3072.00 GiB');
    expect(() => checkDiskSize(gpt, 3 * 1024 ** 4, ['qcow2', 'raw'], 'x')).not.toThrow();
  });

  it('rejects a layout with no root filesystem', () => {
    expect(catchError(() => parseLayout([{ local_loop: {} }, { mkfs: { base: 'image0', type: 'ext4' } }], 'x')).message).toContain(
      'no filesystem is mounted at /',
    );
  });
});

describe('partition table script', () => {
  it('places partitions at aligned sector offsets with GPT types and names', () => {
    const layout = parseLayout(efi, 'x');
    const MiB = 1024 ** 2;
    const script = sfdiskScript(layout, {
      diskSize: 2048 * MiB,
      filesystemSizes: new Map(),
      partitions: [
        { spec: layout.table!.partitions[0], index: 1, start: MiB, size: 550 * MiB },
        { spec: layout.table!.partitions[1], index: 2, start: 551 * MiB, size: 8 * MiB },
        { spec: layout.table!.partitions[2], index: 3, start: 559 * MiB, size: 1488 * MiB },
      ],
    });
    expect(script).toBe(
      [
        'label: gpt',
        'unit: sectors',
        '',
        'start=2048, size=1126400, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name="ESP"',
        'start=1128448, size=16384, type=21686148-6449-6E6F-744E-656564454649, name="BSP"',
        'start=1144832, size=3047424, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name="root"',
        '',
      ].join('\n'),
    );
  });
});
