/**
 * When yum's relabel runs, skips, or stops the build. The labelling itself (real setfiles
 * on a real tree, the labels kept in the tar) is the rpm-family integration test's.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { scratchSpace } from '@dib/testing';
import { removeStubs, runFinalise } from './finalise-script.js';

const space = scratchSpace('dib-selinux');
afterEach(() => {
  removeStubs();
  space.clean();
});

function imageRoot(config?: string, withContexts = true) {
  const root = space.dir('root');
  if (config !== undefined) {
    mkdirSync(path.join(root, 'etc/selinux/targeted/contexts/files'), { recursive: true });
    writeFileSync(path.join(root, 'etc/selinux/config'), config);
    if (withContexts) writeFileSync(path.join(root, 'etc/selinux/targeted/contexts/files/file_contexts'), '/.*\tsystem_u:object_r:default_t:s0\n');
  }
  return root;
}

const relabel = (root: string, options: { setfiles?: boolean; env?: Record<string, string> } = {}) =>
  runFinalise('99-selinux-relabel', 'setfiles', '_SELINUX_ROOT', root, { withTool: options.setfiles, env: options.env });

it('labels the whole tree from the configured policy, leaving out what is mounted in the chroot', async () => {
  const r = await relabel(imageRoot('SELINUX=enforcing\nSELINUXTYPE=targeted\n'));
  expect(r.exitCode, r.stderr).toBe(0);
  expect(r.calls).toHaveLength(1);
  expect(r.calls[0]).toMatch(/^setfiles -F (-e \S+ )*\/etc\/selinux\/targeted\/contexts\/files\/file_contexts \/$/);
  expect(r.calls[0]).toContain('-e /proc');
});

it('does nothing without SELinux in the image, with SELINUX=disabled, or with DIB_SELINUX_RELABEL=0', async () => {
  for (const [root, env] of [
    [imageRoot(), {}],
    [imageRoot('SELINUX=disabled\n'), {}],
    [imageRoot('SELINUX=enforcing\n'), { DIB_SELINUX_RELABEL: '0' }],
  ] as const) {
    const r = await relabel(root, { env });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.calls).toEqual([]);
  }
});

it('warns when SELinux is configured without its policy (nothing could enforce), and stops the build when setfiles is missing', async () => {
  const noPolicy = await relabel(imageRoot('SELINUX=enforcing\n', false));
  expect(noPolicy.exitCode).toBe(0);
  expect(noPolicy.stdout).toContain('warning: SELINUX=enforcing, but the targeted policy');
  expect(noPolicy.calls).toEqual([]);
  const noSetfiles = await relabel(imageRoot('SELINUX=permissive\n'), { setfiles: false });
  expect(noSetfiles.exitCode).toBe(1);
  expect(noSetfiles.stderr).toContain('install policycoreutils');
});
