/**
 * The GRUB BIOS boot-code writer, run as the disk step runs it, against a real disk file
 * partitioned by sfdisk: which bytes land where, and what stays untouched.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadElement, runElementHook, type HookRun } from '@dib/testing';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const MiB = 1024 * 1024;
let work: string;
const runs: HookRun[] = [];
beforeEach(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'dib-boot-sector-'));
});
afterEach(() => {
  rmSync(work, { recursive: true, force: true });
  for (const r of runs.splice(0)) rmSync(r.outputDir, { recursive: true, force: true });
});

/** A tree with GRUB's boot.img and a core.img of `coreSectors` sectors, both random bytes, in `grubDir`. */
function grubTree(coreSectors: number, grubDir = 'boot/grub') {
  const root = path.join(work, 'root');
  const dir = path.join(root, grubDir, 'i386-pc');
  mkdirSync(dir, { recursive: true });
  const boot = randomBytes(512);
  const core = randomBytes(coreSectors * 512);
  writeFileSync(path.join(dir, 'boot.img'), boot);
  writeFileSync(path.join(dir, 'core.img'), core);
  return { root, boot, core };
}

async function partitionedDisk(label: 'dos' | 'gpt', script: string) {
  const disk = path.join(work, 'disk.raw');
  writeFileSync(disk, Buffer.alloc(8 * MiB));
  await execa('sfdisk', ['--quiet', disk], { input: `label: ${label}\n${script}` });
  const { stdout } = await execa('sfdisk', ['--json', disk]);
  const table = JSON.parse(stdout).partitiontable;
  return {
    disk,
    partitions: table.partitions.map((p: { start: number; size: number; type: string }, i: number) => ({
      name: `p${i + 1}`,
      index: i + 1,
      start: p.start * 512,
      size: p.size * 512,
      type: p.type,
    })),
  };
}

const writeBootCode = async (root: string, disk: string, label: 'mbr' | 'gpt', partitions: unknown[]) => {
  const run = await runElementHook(await loadElement('bootloader', { searchRoots: [REPO] }), 'disk', '50-bios-boot-code', {
    targetRoot: root,
    disk: { file: disk, label, partitions: partitions as never },
  });
  runs.push(run);
  return run;
};

describe('MBR', () => {
  it('puts boot.img in the first 440 bytes, keeps the partition table, and core.img after the MBR with its sectors patched', async () => {
    const { root, boot, core } = grubTree(3);
    const { disk, partitions } = await partitionedDisk('dos', 'start=2048, type=83, bootable\n');
    const before = readFileSync(disk);
    await writeBootCode(root, disk, 'mbr', partitions);
    const after = readFileSync(disk);

    const mbr = after.subarray(0, 512);
    const expected = Buffer.from(boot.subarray(0, 440));
    expected.writeBigUInt64LE(1n, 0x5c); // core.img starts at sector 1
    expected.writeUInt16LE(0x9090, 0x66);
    expect(mbr.subarray(0, 440).equals(expected)).toBe(true);
    expect(mbr.subarray(440, 512).equals(before.subarray(440, 512))).toBe(true);
    expect(mbr.readUInt16LE(510)).toBe(0xaa55);

    const coreOnDisk = after.subarray(512, 512 + core.length);
    const coreExpected = Buffer.from(core);
    coreExpected.writeBigUInt64LE(2n, 500); // the rest of core.img follows its first sector
    expect(coreOnDisk.equals(coreExpected)).toBe(true);
    // The partition's own bytes are not touched.
    expect(after.subarray(MiB).equals(before.subarray(MiB))).toBe(true);
  });

  it("takes the boot code from /boot/grub2, where the RPM distributions' GRUB keeps it", async () => {
    const { root, boot } = grubTree(3, 'boot/grub2');
    const { disk, partitions } = await partitionedDisk('dos', 'start=2048, type=83\n');
    const run = await writeBootCode(root, disk, 'mbr', partitions);
    expect(run.log.join('\n')).toContain('BIOS boot code written');
    expect(readFileSync(disk).subarray(0, 0x5c).equals(boot.subarray(0, 0x5c))).toBe(true);
  });

  it('fails with DIB_E_IMAGE_TOO_SMALL when core.img does not fit before the first partition', async () => {
    const { root } = grubTree(8);
    const { disk, partitions } = await partitionedDisk('dos', 'start=4, type=83\n');
    await expect(writeBootCode(root, disk, 'mbr', partitions)).rejects.toMatchObject({ code: 'DIB_E_IMAGE_TOO_SMALL' });
  });
});

describe('GPT', () => {
  it('puts core.img into the BIOS boot partition and points boot.img at it', async () => {
    const { root, core } = grubTree(4);
    const { disk, partitions } = await partitionedDisk(
      'gpt',
      'start=2048, size=2048, type=21686148-6449-6E6F-744E-656564454649\nstart=4096, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4\n',
    );
    await writeBootCode(root, disk, 'gpt', partitions);
    const after = readFileSync(disk);
    expect(after.readBigUInt64LE(0x5c)).toBe(2048n);
    const coreExpected = Buffer.from(core);
    coreExpected.writeBigUInt64LE(2049n, 500);
    expect(after.subarray(2048 * 512, 2048 * 512 + core.length).equals(coreExpected)).toBe(true);
  });

  it('writes nothing on a GPT without a BIOS boot partition (UEFI only), and says so', async () => {
    const { root } = grubTree(4);
    const { disk, partitions } = await partitionedDisk('gpt', 'start=2048, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4\n');
    const before = readFileSync(disk);
    const run = await writeBootCode(root, disk, 'gpt', partitions);
    expect(readFileSync(disk).equals(before)).toBe(true);
    expect(run.log).toContain('GPT without a BIOS boot partition (EF02): UEFI only');
  });
});
