/** The element in a plan: its scripts' places, the local mirror's cache mount, and variables checked before the build. */
import path from 'node:path';
import { expect, it } from 'vitest';
import { planBuild } from '@dib/testing';

const REPO = path.resolve(import.meta.dirname, '../../..');

it('configures before the packages of pre-install, restores last in post-install, and mounts the local mirror at /tmp/pypi', async () => {
  const plan = await planBuild(['pypi', 'debian'], {
    searchRoots: [REPO],
    env: { DIB_IMAGE_CACHE: '/var/cache/dib-test', DIB_PYPI_MIRROR_URL: 'http://m.example/simple/', DIB_PYPI_MIRROR_URL_1: 'file:///tmp/pypi' },
  });
  const pre = plan.hooks.phases['pre-install'].map((h) => h.name);
  expect(pre.indexOf('04-pypi-mirror')).toBeLessThan(pre.indexOf('10-package-installs'));
  expect(plan.hooks.phases['post-install'].map((h) => h.name).at(-1)).toBe('99-pypi-mirror');
  expect(plan.cacheMounts).toContainEqual(expect.objectContaining({ element: 'pypi', target: '/tmp/pypi' }));
  expect(plan.cacheMounts.find((m) => m.element === 'pypi')?.source).toMatch(/\/pypi\/mirror$/);
  // The numbered mirrors are not declared one by one; they reach the scripts as DIB_ variables.
  expect(plan.environment).toMatchObject({
    DIB_PYPI_MIRROR_URL: 'http://m.example/simple/',
    DIB_PYPI_MIRROR_URL_1: 'file:///tmp/pypi',
    DIB_NO_PYPI_PIP: '',
    DIB_PIP_RETRIES: '',
  });
});

it.each([{ DIB_PIP_RETRIES: 'three' }, { DIB_PYPI_MIRROR_URL: 'ftp://m.example/' }, { DIB_PYPI_MIRROR_URL: 'm.example' }])(
  'refuses %o before the build starts',
  async (env) => {
    await expect(planBuild(['pypi'], { searchRoots: [REPO], env })).rejects.toMatchObject({ code: 'DIB_E_ENV_INVALID' });
  },
);
