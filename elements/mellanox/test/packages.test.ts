/** What package-installs installs for mellanox on each family, from a planned build. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { planBuild } from '@dib/testing';
import { collectPackages } from '@dib/element-package-installs';
import { distroFromEnv } from '@dib/element-pkg-map';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const planDebian = () => planBuild(['debian-minimal', 'mellanox'], { searchRoots: [path.join(REPO, 'packages/cli')] });

/**
 * The install list of the install phase, repeats dropped as package-installs writes it:
 * a Debian build's plan, with the distribution replaced by `distro` when given (dib
 * ships no redhat or suse element to plan with).
 */
async function installList(distro: Record<string, string> = {}): Promise<string[]> {
  const plan = await planDebian();
  const mellanox = plan.elements.filter((e) => e.name === 'mellanox');
  const env = { ...plan.environment, ...distro };
  const planned = collectPackages(mellanox, env, 'amd64', distroFromEnv(env));
  expect(planned.every((p) => p.phase === 'install' && p.action === 'install')).toBe(true);
  return [...new Set(planned.map((p) => p.name))];
}

it('installs the rdma-core userland and tools under their Debian 12 names, without dkms or headers', async () => {
  expect(await installList()).toEqual([
    'ibacm',
    'ibverbs-utils',
    'infiniband-diags',
    'libibmad5',
    'libibumad3',
    'libibverbs1',
    'ibverbs-providers',
    'librdmacm1',
    'mstflint',
    'opensm',
    'perftest',
    'rdma-core',
    'rdmacm-utils',
    'srptools',
    'vlan',
  ]);
});

it('maps the same generic names for the redhat and suse families', async () => {
  expect(await installList({ DISTRO_NAME: 'rocky', DIB_RELEASE: '9' })).toEqual([
    'infiniband-diags',
    'libibmad.*',
    'libibumad.*',
    'libibverbs.*',
    'libmlx4.*',
    'libmlx5.*',
    'librdmacm.*',
    'mstflint',
    'opensm',
    'pciutils',
    'perftest',
    'qperf',
    'rdma',
    'srptools',
  ]);
  expect(await installList({ DISTRO_NAME: 'opensuse', DIB_RELEASE: '15.6' })).toEqual([
    'infiniband-diags',
    'libibcommon',
    'libibmad',
    'libibumad',
    'libibverbs',
    'libibverbs-runtime',
    'libmlx4',
    'libmlx5',
    'librdmacm',
    'librdmacm-runtime',
    'mstflint',
    'opensm',
    'perftest',
    'qperf',
    'rdma',
    'rpm-build',
    'srptools',
  ]);
});

it('puts its udev.d rule in the hook tree of a disk build, where install.d/65-mellanox reads it', async () => {
  const plan = await planDebian();
  const files = plan.hooks.files.filter((f) => f.entry.element === 'mellanox').map((f) => `${f.dir}/${f.entry.name}`);
  expect(files).toEqual(expect.arrayContaining(['udev.d/81-mellanox.rules', 'install.d/65-mellanox']));
  expect(plan.hooks.phases.install.map((h) => h.name)).toContain('65-mellanox');
});
