import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (fast, no root, no network) and `integration` (real builds as
 * root: debootstrap/mmdebstrap, chroot, mounts). Integration files run one at a time
 * because they share the image cache and the machine's two cores. A third, `network`
 * (builds from the distributions' real mirrors), exists only with DIB_TEST_NETWORK=1:
 * `npm run test:network`.
 */
const serial = { testTimeout: 20 * 60_000, hookTimeout: 30 * 60_000, fileParallelism: false, sequence: { concurrent: false } };
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/test/**/*.test.ts', 'elements/*/test/**/*.test.ts', 'tools/test/**/*.test.ts'],
          exclude: ['**/*.integration.test.ts', '**/node_modules/**'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          globalSetup: ['test/require-root.ts'],
          // Each test's build runs its scripts; the stage cache's own tests turn it on.
          env: { DIB_STAGE_CACHE: '0' },
          include: ['packages/*/test/**/*.integration.test.ts', 'elements/*/test/**/*.integration.test.ts', 'test/**/*.integration.test.ts'],
          ...serial,
        },
      },
      ...(process.env.DIB_TEST_NETWORK === '1'
        ? [{ test: { name: 'network', globalSetup: ['test/require-root.ts'], include: ['test/network/**/*.network.test.ts'], ...serial } }]
        : []),
    ],
  },
});
