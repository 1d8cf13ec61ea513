import { expect, it } from 'vitest';
import { didYouMean } from '../src/did-you-mean.js';

it.each([
  ['craete', ['create', 'ramdisk', 'cleanup'], 'create'],
  ['dryrun', ['dry-run', 'offline'], 'dry-run'],
  ['debain', ['debian', 'debian-minimal', 'vm'], 'debian'],
  ['vn', ['vm', 'pypi'], 'vm'],
  ['zzzz', ['create', 'vm'], undefined],
  ['ubuntu-minimum', ['ubuntu', 'ubuntu-minimal'], 'ubuntu-minimal'],
])('%s -> %s', (word, candidates, expected) => {
  expect(didYouMean(word, candidates)).toBe(expected);
});
