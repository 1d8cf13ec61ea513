import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (fast, no root, no network) and `integration` (real builds as
 * root: debootstrap/mmdebstrap, chroot, mounts). After the unit files, the integration
 * files run two at a time: most of a build or a software-emulated boot keeps one core
 * busy, and the image cache, the package caches and dib's locks are made for builds
 * that share them. Each worker has its own TMPDIR (test/worker-tmpdir.ts). A third,
 * `network` (builds from the distributions' real mirrors), exists only with
 * DIB_TEST_NETWORK=1: `npm run test:network`.
 */
const long = { testTimeout: 20 * 60_000, hookTimeout: 30 * 60_000 };

/**
 * Seconds each integration file took in a clean-clone CI run. The workers take the files
 * longest first, so the longest does not start last; a clean clone has no vitest cache
 * of durations to order them by.
 */
const INTEGRATION_SECONDS: Record<string, number> = {
  'foreign-arch': 410,
  ramdisk: 274,
  'disk-images': 263,
  'rpm-family': 235,
  ubuntu: 233,
  registry: 209,
  'nx-plugin': 150,
  'everyday-elements': 144,
  'debian-build': 129,
  'upstream-elements': 46,
  failures: 42,
};
const secondsOf = (spec: TestSpecification) => INTEGRATION_SECONDS[/([^/]+)\.integration\.test\.ts$/.exec(spec.moduleId)?.[1] ?? ''] ?? 0;

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]) {
    const sorted = await super.sort(files);
    // Array.prototype.sort is stable: the unit files keep vitest's order.
    return sorted.sort((a, b) => (a.project.name === b.project.name ? secondsOf(b) - secondsOf(a) : 0));
  }
}
export default defineConfig({
  test: {
    sequence: { sequencer: LongestFirst },
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
          setupFiles: ['test/worker-tmpdir.ts'],
          // Each test's build runs its scripts; the stage cache's own tests turn it on.
          env: { DIB_STAGE_CACHE: '0' },
          include: ['packages/*/test/**/*.integration.test.ts', 'elements/*/test/**/*.integration.test.ts', 'test/**/*.integration.test.ts'],
          ...long,
          fileParallelism: true,
          maxWorkers: 2,
          sequence: { groupOrder: 1, concurrent: false },
        },
      },
      ...(process.env.DIB_TEST_NETWORK === '1'
        ? [
            {
              test: { name: 'network', globalSetup: ['test/require-root.ts'], include: ['test/network/**/*.network.test.ts'], ...long, fileParallelism: false },
            },
          ]
        : []),
    ],
  },
});
