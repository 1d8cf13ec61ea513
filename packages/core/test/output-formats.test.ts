/**
 * The command lines the output formats run: what --qcow2-compression, -u,
 * --squashfs-compression and --qemu-img-options turn into. The disk-images and
 * debian-build integration tests read the files these commands write.
 */
import { describe, expect, it } from 'vitest';
import { qemuImgArguments } from '../src/executor/write-outputs.js';
import { OUTPUT_FORMATS, type OutputContext } from '../src/outputs/formats.js';

async function commandOf(type: string, options: Partial<OutputContext> = {}): Promise<string[]> {
  const calls: string[][] = [];
  await OUTPUT_FORMATS[type].produce({
    targetRoot: '/build/root',
    disk: '/build/disk.raw',
    file: '/out/img.part',
    name: 'img',
    uncompressed: false,
    qcow2Compression: 'zlib',
    squashfsCompression: 'xz',
    qemuImgOptions: [],
    run: async (command, args) => {
      calls.push([command, ...args]);
      return { stdout: '' };
    },
    ...options,
  });
  return calls[0];
}

describe('qcow2', () => {
  it('is compressed with zlib unless asked otherwise, which every qcow2 reader takes', async () => {
    const cmd = await commandOf('qcow2');
    expect(cmd.slice(0, 6)).toEqual(['qemu-img', 'convert', '-f', 'raw', '-O', 'qcow2']);
    expect(cmd).toContain('-c');
    expect(cmd.join(' ')).not.toContain('compression_type');
  });

  it('--qcow2-compression zstd sets the compression type; -u still leaves it uncompressed', async () => {
    expect((await commandOf('qcow2', { qcow2Compression: 'zstd' })).join(' ')).toContain('-c -o compression_type=zstd');
    const raw = await commandOf('qcow2', { qcow2Compression: 'zstd', uncompressed: true });
    expect(raw).not.toContain('-c');
    expect(raw.join(' ')).not.toContain('compression_type');
  });

  it('passes --qemu-img-options after its own, before the files', async () => {
    const cmd = await commandOf('qcow2', { qemuImgOptions: ['-o', 'compat=0.10'] });
    expect(cmd.slice(-4)).toEqual(['-o', 'compat=0.10', '/build/disk.raw', '/out/img.part']);
  });
});

describe('--qemu-img-options', () => {
  it("takes DIB's form, the value of -o", () => {
    expect(qemuImgArguments('compat=0.10,lazy_refcounts=on')).toEqual(['-o', 'compat=0.10,lazy_refcounts=on']);
  });

  it('takes qemu-img arguments written out when it starts with a dash', () => {
    expect(qemuImgArguments(' -o compat=1.1  -S 0')).toEqual(['-o', 'compat=1.1', '-S', '0']);
    expect(qemuImgArguments(undefined)).toEqual([]);
  });
});

describe('squashfs', () => {
  it('is xz-compressed by default, as DIB makes it, and takes --squashfs-compression', async () => {
    expect((await commandOf('squashfs')).join(' ')).toContain('-comp xz');
    expect((await commandOf('squashfs', { squashfsCompression: 'zstd' })).join(' ')).toContain('-comp zstd');
  });
});
