/**
 * Which kernels yum's finalise gives an initramfs, and when it skips or stops the build.
 * dracut itself (a real initramfs that boots) is the rpm-family integration test's.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { scratchSpace } from '@dib/testing';
import { removeStubs, runFinalise } from './finalise-script.js';

const space = scratchSpace('dib-dracut');
afterEach(() => {
  removeStubs();
  space.clean();
});

/** An image root with a /boot/vmlinuz-V and its modules directory for each version. */
function imageRoot(versions: string[], withModules = true) {
  const root = space.dir('root');
  mkdirSync(path.join(root, 'boot'), { recursive: true });
  for (const v of versions) {
    writeFileSync(path.join(root, 'boot', `vmlinuz-${v}`), '');
    if (withModules) mkdirSync(path.join(root, 'usr/lib/modules', v), { recursive: true });
  }
  return root;
}

const makeInitramfs = (root: string, options: { dracut?: boolean; env?: Record<string, string> } = {}) =>
  // No host PATH without dracut: a host with dracut has it in /usr/bin, and the script needs nothing else first.
  runFinalise('02-dracut-initramfs', 'dracut', '_DRACUT_ROOT', root, { withTool: options.dracut, env: options.env, hostPath: '' });

it("makes every kernel's /boot/initramfs-VERSION.img, not host-only, leaving out dracut's rescue kernel", async () => {
  const r = await makeInitramfs(imageRoot(['6.11.4-301.fc45.x86_64', '6.12.1-200.fc45.x86_64', '0-rescue-0123abcd']));
  expect(r.exitCode, r.stderr).toBe(0);
  expect(r.calls).toEqual([
    'dracut --force --no-hostonly --kver 6.11.4-301.fc45.x86_64 /boot/initramfs-6.11.4-301.fc45.x86_64.img',
    'dracut --force --no-hostonly --kver 6.12.1-200.fc45.x86_64 /boot/initramfs-6.12.1-200.fc45.x86_64.img',
  ]);
});

it('keeps the virtual-machine driver list in the image for later kernels, and removes it again for generic', async () => {
  const root = imageRoot(['6.12.1-200.fc45.x86_64']);
  const policy = path.join(root, 'etc/dracut.conf.d/90-dib-drivers.conf');
  expect((await makeInitramfs(root, { env: { DIB_DRACUT_INITRAMFS_MODULES: 'virtual' } })).exitCode).toBe(0);
  expect(readFileSync(policy, 'utf8')).toMatch(/^drivers\+=" virtio_pci virtio_blk .* ext4 xfs btrfs "$/m);
  expect((await makeInitramfs(root, { env: { DIB_DRACUT_INITRAMFS_MODULES: 'generic' } })).exitCode).toBe(0);
  expect(existsSync(policy)).toBe(false);
});

it('skips ramdisk builds unless asked, and every build with skip', async () => {
  const root = imageRoot(['6.12.1-200.fc45.x86_64']);
  const ramdisk = await makeInitramfs(root, { env: { DIB_IMAGE_KIND: 'ramdisk' } });
  expect(ramdisk.calls).toEqual([]);
  expect(ramdisk.stdout).toContain('no initramfs made (DIB_DRACUT_INITRAMFS=auto, DIB_IMAGE_KIND=ramdisk)');
  expect((await makeInitramfs(root, { env: { DIB_IMAGE_KIND: 'ramdisk', DIB_DRACUT_INITRAMFS: 'build' } })).calls).toHaveLength(1);
  expect((await makeInitramfs(root, { env: { DIB_DRACUT_INITRAMFS: 'skip' } })).calls).toEqual([]);
});

it('warns without dracut in the image, and stops the build when the initramfs was asked for', async () => {
  const root = imageRoot(['6.12.1-200.fc45.x86_64']);
  const auto = await makeInitramfs(root, { dracut: false });
  expect(auto.exitCode).toBe(0);
  expect(auto.stderr).toContain('the image has no dracut');
  const build = await makeInitramfs(root, { dracut: false, env: { DIB_DRACUT_INITRAMFS: 'build' } });
  expect(build.exitCode).toBe(1);
  expect(build.stderr).toContain("DIB_DRACUT_INITRAMFS=build, but the image has no dracut; add 'dracut'");
});

it('leaves a kernel without modules as it is, and an image without kernels alone', async () => {
  const bare = await makeInitramfs(imageRoot(['6.12.1-200.fc45.x86_64'], false));
  expect(bare.calls).toEqual([]);
  expect(bare.stderr).toContain('/boot/vmlinuz-6.12.1-200.fc45.x86_64 has no modules directory');
  const none = await makeInitramfs(imageRoot([]));
  expect(none.calls).toEqual([]);
  expect(none.stdout).toContain('no kernel in /boot');
});
