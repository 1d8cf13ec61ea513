import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { aptArchiveProbes } from '../src/archive-probes.js';

const trees: string[] = [];
afterEach(() => trees.splice(0).forEach((t) => rmSync(t, { recursive: true, force: true })));

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'dib-apt-probes-'));
  trees.push(root);
  for (const [rel, body] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), body);
  }
  return root;
}

describe('the package archives a tree reads', () => {
  it('are the InRelease and Release of every suite: one-line and deb822 sources, options, flat repositories', () => {
    const root = tree({
      'etc/apt/sources.list':
        '# comment\ndeb http://mirror.test/debian bookworm main\ndeb [signed-by=/k.gpg] http://mirror.test/debian/ bookworm-updates main\n',
      'etc/apt/sources.list.d/extra.sources':
        'Types: deb\nURIs: http://extra.test/repo\nSuites: stable testing\nComponents: main\n\nTypes: deb\nURIs: http://off.test/x\nSuites: s\nEnabled: no\n',
      'etc/apt/sources.list.d/flat.list': 'deb file:/srv/flat ./\n',
      'etc/apt/sources.list.d/ignored.save': 'deb http://ignored.test/ x main\n',
    });
    expect(aptArchiveProbes(root)).toEqual([
      'http://mirror.test/debian/dists/bookworm/InRelease',
      'http://mirror.test/debian/dists/bookworm/Release',
      'http://mirror.test/debian/dists/bookworm-updates/InRelease',
      'http://mirror.test/debian/dists/bookworm-updates/Release',
      'http://extra.test/repo/dists/stable/InRelease',
      'http://extra.test/repo/dists/stable/Release',
      'http://extra.test/repo/dists/testing/InRelease',
      'http://extra.test/repo/dists/testing/Release',
      'file:/srv/flat/./InRelease',
      'file:/srv/flat/./Release',
    ]);
  });

  it('are none for a tree without apt sources', () => {
    expect(aptArchiveProbes(tree({ 'etc/hostname': 'x\n' }))).toEqual([]);
  });
});
