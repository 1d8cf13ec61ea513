/**
 * Every filesystem type of the block-device layer, made from a small tree and placed
 * into a GPT disk file (ext4 made in place at its offset, the others copied there): checked with blkid at each partition's offset, and for ext4 and
 * vfat by reading a file back without mounting. xfs is the one type that loop-mounts;
 * nothing may stay mounted or attached afterwards.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { assembleDisk, CommandRunner, mountsUnder, parseLayout } from '@dib/core';
import { hostState, leakedSince } from '@dib/testing';
import { isRoot } from './helpers.js';

describe.runIf(isRoot)('filesystems from a directory tree', () => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'dib-fs-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('makes ext4, vfat, xfs, btrfs and swap partitions with their labels and content', async () => {
    const before = await hostState();
    const tree = path.join(work, 'tree');
    for (const dir of ['etc', 'boot/efi/EFI/BOOT', 'srv/xfs', 'srv/btrfs']) mkdirSync(path.join(tree, dir), { recursive: true });
    writeFileSync(path.join(tree, 'etc/hostname'), 'fs-test\n');
    writeFileSync(path.join(tree, 'boot/efi/EFI/BOOT/hello.txt'), 'from the ESP\n');
    writeFileSync(path.join(tree, 'srv/xfs/data'), 'xfs data\n');
    writeFileSync(path.join(tree, 'srv/btrfs/data'), 'btrfs data\n');
    const layout = parseLayout(
      [
        { local_loop: { name: 'image0' } },
        {
          partitioning: {
            label: 'gpt',
            partitions: [
              { name: 'ESP', type: 'EF00', size: '64MiB', mkfs: { type: 'vfat', label: 'ESP', mount: { mount_point: '/boot/efi' } } },
              { name: 'xfs', size: '320MiB', mkfs: { type: 'xfs', label: 'xfsdata', mount: { mount_point: '/srv/xfs' } } },
              { name: 'btrfs', size: '160MiB', mkfs: { type: 'btrfs', label: 'btrfsdata', mount: { mount_point: '/srv/btrfs' } } },
              { name: 'swap', type: '8200', size: '16MiB', mkfs: { type: 'swap', label: 'swap0' } },
              { name: 'root', size: '100%', mkfs: { type: 'ext4', label: 'testroot', mount: { mount_point: '/' } } },
            ],
          },
        },
      ],
      'test layout',
    );
    const runner = new CommandRunner(() => {});
    const held: string[] = [];
    const disk = await assembleDisk(
      {
        targetRoot: tree,
        workDir: path.join(work, 'disk'),
        extraOptions: [],
        log: () => {},
        run: (c, a, input) => runner.run(c, a, { input }),
        withLoopMount: async (file, dir, fn) => {
          await runner.run('mount', ['-o', 'loop', file, dir]);
          held.push(dir);
          try {
            return await fn();
          } finally {
            await runner.run('umount', [dir]);
          }
        },
      },
      layout,
    );
    expect(held).toHaveLength(1); // only xfs mounts
    const byName = new Map(disk.geometry.partitions.map((p) => [p.spec.name, p]));
    const probe = async (name: string) => (await execa('blkid', ['--probe', '--offset', String(byName.get(name)!.start), disk.file])).stdout;
    expect(await probe('ESP')).toMatch(/LABEL="ESP".*TYPE="vfat"/);
    expect(await probe('xfs')).toMatch(/LABEL="xfsdata".*TYPE="xfs"/);
    expect(await probe('btrfs')).toMatch(/LABEL="btrfsdata".*TYPE="btrfs"/);
    expect(await probe('swap')).toMatch(/LABEL="swap0".*TYPE="swap"/);
    expect(await probe('root')).toMatch(/LABEL="testroot".*TYPE="ext4"/);
    // ext4 is made in the disk file at its offset: the table beside it is whole, the filesystem clean.
    const table = JSON.parse((await execa('sfdisk', ['--json', disk.file])).stdout).partitiontable;
    expect(table.partitions.map((p: { name: string; start: number }) => [p.name, p.start * 512])).toEqual(
      disk.geometry.partitions.map((p) => [p.spec.name, p.start]),
    );
    await execa('e2fsck', ['-f', '-n', `${disk.file}?offset=${byName.get('root')!.start}`]);
    const ext4 = await execa('debugfs', ['-R', 'cat /etc/hostname', `${disk.file}?offset=${byName.get('root')!.start}`]);
    expect(ext4.stdout.trim()).toBe('fs-test');
    const rootListing = await execa('debugfs', ['-R', 'ls -p /srv/xfs', `${disk.file}?offset=${byName.get('root')!.start}`]);
    expect(rootListing.stdout).not.toContain('data'); // it lives on the xfs partition, not in root
    const vfat = await execa('mtype', ['-i', `${disk.file}@@${byName.get('ESP')!.start}`, '::/EFI/BOOT/hello.txt']);
    expect(vfat.stdout.trim()).toBe('from the ESP');
    expect(mountsUnder(work)).toEqual([]);
    expect(await leakedSince(before)).toEqual({ mounts: [], loops: [] });
    // The tree is whole again after assembly.
    expect((await execa('cat', [path.join(tree, 'srv/xfs/data')])).stdout).toBe('xfs data');
  });
});
