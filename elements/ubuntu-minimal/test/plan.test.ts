/**
 * ubuntu-minimal planned as a user runs it: the kernel each DIB_UBUNTU_KERNEL installs
 * on each release and architecture, and releases or kernels that do not exist refused
 * before anything runs.
 */
import { afterEach, expect, it } from 'vitest';
import { loadElement, planBuild, runElementHook, scratchSpace } from '@dib/testing';
import { REPO, runExtraData, type ExtraDataResult } from '../../package-installs/test/run-extra-data.js';

let result: ExtraDataResult | undefined;
const space = scratchSpace('dib-ubuntu-kernel');
afterEach(() => {
  space.clean();
  result?.remove();
  result = undefined;
});
const kernels = async (env: Record<string, string>, arch?: string) => {
  result = await runExtraData(['ubuntu-minimal'], { env, arch });
  return result.list('install.install').filter((p) => p.startsWith('linux-'));
};

it('installs linux-image-generic by default, and the flavour DIB_UBUNTU_KERNEL names', async () => {
  expect(await kernels({})).toEqual(['linux-image-generic']);
  expect(await kernels({ DIB_UBUNTU_KERNEL: 'linux-image-virtual' })).toEqual(['linux-image-virtual']);
  expect(await kernels({ DIB_UBUNTU_KERNEL: 'linux-image-kvm' }, 'arm64')).toEqual([]);
});

it("linux-image-hwe is the release's HWE metapackage", async () => {
  expect(await kernels({ DIB_UBUNTU_KERNEL: 'linux-image-hwe', DIB_RELEASE: 'jammy' })).toEqual(['linux-image-generic-hwe-22.04']);
  expect(await kernels({ DIB_UBUNTU_KERNEL: 'linux-image-hwe' })).toEqual(['linux-image-generic-hwe-24.04']);
});

it('stops before anything is downloaded when an HWE kernel is asked of a release without one', async () => {
  const element = await loadElement('ubuntu-common', { searchRoots: [REPO] });
  const hook = (env: Record<string, string>) =>
    runElementHook(element, 'root', '00-ubuntu-kernel-choice', { targetRoot: space.dir('root'), outputDir: space.dir('out'), env });
  await expect(hook({ DIB_RELEASE: 'questing', DIB_UBUNTU_KERNEL: 'linux-image-hwe' })).rejects.toMatchObject({ code: 'DIB_E_UBUNTU_KERNEL_UNAVAILABLE' });
  await expect(hook({ DIB_RELEASE: 'noble', DIB_UBUNTU_KERNEL: 'linux-image-hwe' })).resolves.toBeDefined();
});

it('refuses an unknown release or kernel when the build is planned, naming the accepted values', async () => {
  await expect(planBuild(['ubuntu-minimal'], { searchRoots: [REPO], env: { DIB_RELEASE: 'nobel' } })).rejects.toMatchObject({
    code: 'DIB_E_ENV_INVALID',
    message: expect.stringContaining('focal, jammy, noble, questing, resolute'),
  });
  await expect(planBuild(['ubuntu-minimal'], { searchRoots: [REPO], env: { DIB_UBUNTU_KERNEL: 'generic' } })).rejects.toMatchObject({
    code: 'DIB_E_ENV_INVALID',
  });
});
