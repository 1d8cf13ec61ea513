/**
 * Guest disk images as distributions publish them, unpacked through a real consumer
 * (ubuntu's root hook with DIB_LOCAL_IMAGE): a qcow2 with GPT, /boot on ext4 and an xfs
 * root (RHEL's layout), a qcow2 whose root is a btrfs subvolume with /home beside it
 * (Fedora's), and a raw MBR disk with one ext4 root (Ubuntu's .img). Real mkfs, sfdisk,
 * qemu-img and read-only offset mounts; needs root, and leaves no mount or loop device
 * (an integration file, so no other test mounts while it checks).
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hostState, leakedSince, loadElement, runElementHook, scratchSpace, type HostState } from '@dib/testing';

const REPO = path.resolve(import.meta.dirname, '../../..');
const isRoot = process.getuid?.() === 0;
const space = scratchSpace('dib-guest-image');
const fixtures = scratchSpace('dib-guest-fixture');
let before: HostState;

interface Part {
  fs: 'ext4' | 'xfs' | 'btrfs' | 'none';
  label?: string;
  mib: number;
  /** Files written into the filesystem (on btrfs: path's first component is the subvolume). */
  files: Record<string, string>;
  subvolumes?: string[];
}

function writeFiles(root: string, files: Record<string, string>) {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), content);
  }
}

/** A filesystem image file holding `part.files`. */
async function filesystem(dir: string, part: Part, index: number): Promise<string> {
  const img = path.join(dir, `part${index}.img`);
  await execa('truncate', ['-s', `${part.mib}M`, img]);
  if (part.fs === 'none') return img;
  const label = part.label ? ['-L', part.label] : [];
  if (part.fs === 'ext4') {
    const tree = path.join(dir, `tree${index}`);
    writeFiles(tree, part.files);
    await execa('mkfs.ext4', ['-q', ...label, '-d', tree, img]);
    return img;
  }
  await execa(`mkfs.${part.fs}`, ['-q', ...label, img]);
  const mnt = path.join(dir, `mnt${index}`);
  mkdirSync(mnt);
  await execa('mount', ['-o', 'loop', img, mnt]);
  try {
    for (const sub of part.subvolumes ?? []) await execa('btrfs', ['subvolume', 'create', path.join(mnt, sub)]);
    writeFiles(mnt, part.files);
  } finally {
    await execa('umount', [mnt]);
  }
  return img;
}

/** A disk with `parts` at 1 MiB boundaries, as qcow2 or raw. */
async function disk(name: string, label: 'gpt' | 'dos', parts: Part[], format: 'qcow2' | 'raw'): Promise<string> {
  const dir = fixtures.dir(name);
  const raw = path.join(dir, 'disk.raw');
  const total = 2 + parts.reduce((n, p) => n + p.mib, 0);
  await execa('truncate', ['-s', `${total}M`, raw]);
  let start = 1;
  const lines = [`label: ${label}`];
  for (const p of parts) {
    lines.push(`start=${start * 2048}, size=${p.mib * 2048}, type=${label === 'gpt' ? '0FC63DAF-8483-4772-8E79-3D69D8477DE4' : '83'}`);
    start += p.mib;
  }
  await execa('sfdisk', ['--quiet', raw], { input: lines.join('\n') + '\n' });
  start = 1;
  for (const [i, p] of parts.entries()) {
    const img = await filesystem(dir, p, i);
    await execa('dd', [`if=${img}`, `of=${raw}`, 'bs=1M', `seek=${start}`, 'conv=notrunc,sparse', 'status=none']);
    start += p.mib;
  }
  if (format === 'raw') return raw;
  const qcow2 = path.join(dir, `${name}.qcow2`);
  await execa('qemu-img', ['convert', '-O', 'qcow2', raw, qcow2]);
  return qcow2;
}

async function unpack(image: string) {
  const element = await loadElement('ubuntu', { searchRoots: [REPO] });
  const build = space.dir('build');
  const targetRoot = path.join(build, 'mnt');
  const run = await runElementHook(element, 'root', '10-ubuntu-cloud-image', {
    targetRoot,
    imageCache: space.dir('cache'),
    outputDir: space.dir('out'),
    env: { DIB_RELEASE: 'noble', DIB_LOCAL_IMAGE: image },
  });
  return { root: targetRoot, log: run.log.join('\n'), build };
}

describe.runIf(isRoot)('guest disk images', () => {
  beforeAll(async () => {
    before = await hostState();
  });
  afterEach(space.clean);
  afterAll(async () => {
    fixtures.clean();
    expect(await leakedSince(before)).toEqual({ mounts: [], loops: [] });
  });

  it('RHEL-like qcow2: GPT, /boot on ext4 and root on xfs, both copied to their places', async () => {
    const image = await disk(
      'rhel',
      'gpt',
      [
        { fs: 'none', mib: 1, files: {} },
        { fs: 'ext4', label: 'boot', mib: 64, files: { 'vmlinuz-5.14.0-test': 'kernel' } },
        {
          fs: 'xfs',
          label: 'root',
          mib: 320,
          files: {
            'etc/fstab': 'LABEL=root / xfs defaults 0 0\nLABEL=boot /boot ext4 defaults 1 2\n',
            'etc/redhat-release': 'Red Hat Enterprise Linux release 9.4\n',
          },
        },
      ],
      'qcow2',
    );
    const r = await unpack(image);
    expect(readFileSync(path.join(r.root, 'etc/redhat-release'), 'utf8')).toContain('release 9.4');
    expect(readFileSync(path.join(r.root, 'boot/vmlinuz-5.14.0-test'), 'utf8')).toBe('kernel');
    expect(r.log).toMatch(/guest image root: xfs "root"/);
    expect(r.log).toContain('guest image /boot: ext4');
  });

  it('Fedora-like qcow2: btrfs with the root in subvolume root and /home in subvolume home', async () => {
    const image = await disk(
      'fedora',
      'gpt',
      [
        { fs: 'ext4', label: 'boot', mib: 64, files: { 'vmlinuz-6.11.0-test': 'kernel' } },
        {
          fs: 'btrfs',
          label: 'fedora',
          mib: 256,
          subvolumes: ['root', 'home'],
          files: {
            'root/etc/fstab':
              'LABEL=fedora / btrfs subvol=root,compress=zstd:1 0 0\nLABEL=boot /boot ext4 defaults 1 2\nLABEL=fedora /home btrfs subvol=home,compress=zstd:1 0 0\n',
            'root/etc/fedora-release': 'Fedora release 43\n',
            'home/user/notes': 'hello',
          },
        },
      ],
      'qcow2',
    );
    const r = await unpack(image);
    expect(readFileSync(path.join(r.root, 'etc/fedora-release'), 'utf8')).toContain('Fedora release 43');
    expect(readFileSync(path.join(r.root, 'home/user/notes'), 'utf8')).toBe('hello');
    expect(readFileSync(path.join(r.root, 'boot/vmlinuz-6.11.0-test'), 'utf8')).toBe('kernel');
    expect(existsSync(path.join(r.root, 'root/etc'))).toBe(false);
  });

  it('Ubuntu-like raw .img: MBR and one ext4 root', async () => {
    const image = await disk(
      'ubuntu',
      'dos',
      [{ fs: 'ext4', label: 'cloudimg-rootfs', mib: 64, files: { 'etc/fstab': 'LABEL=cloudimg-rootfs / ext4 defaults 0 1\n', 'etc/hostname': 'ubuntu\n' } }],
      'raw',
    );
    const r = await unpack(image);
    expect(readFileSync(path.join(r.root, 'etc/hostname'), 'utf8')).toBe('ubuntu\n');
  });

  it('a disk without a Linux root filesystem is refused, naming what it holds', async () => {
    const image = await disk('empty', 'gpt', [{ fs: 'ext4', label: 'data', mib: 32, files: { readme: 'no system here' } }], 'qcow2');
    const error = await unpack(image).catch((e) => e);
    expect(error).toMatchObject({ code: 'DIB_E_CLOUD_IMAGE_FORMAT' });
    expect(error.message).toMatch(/no root filesystem .* found ext4 at byte 1048576/);
  });
});
