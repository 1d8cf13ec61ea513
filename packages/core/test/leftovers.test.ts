import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findLeftovers, sortRecords } from '../src/executor/leftovers.js';

/** A pid no process has: the kernel's pid_max is far below it. */
const DEAD = 2 ** 30;
let scratch: string;
let buildDir: string;
beforeEach(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'dib-leftovers-'));
  buildDir = path.join(scratch, 'dib_build.Ab12Cd');
  mkdirSync(path.join(buildDir, 'mnt/proc'), { recursive: true });
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

const paths = (records: { path: string }[]) => records.map((r) => r.path);

describe('what dib cleanup may release', () => {
  it('releases the build directory and what is inside it, last made first', () => {
    const { release, refused } = sortRecords(
      [
        { kind: 'dir', path: buildDir },
        { kind: 'mount', path: `${buildDir}/mnt/proc` },
      ],
      DEAD,
    );
    expect(refused).toEqual([]);
    expect(paths(release)).toEqual([`${buildDir}/mnt/proc`, buildDir]);
  });

  it.each([
    ['a directory dib did not make', { kind: 'dir', path: '/srv/data' }, /not inside a build directory/],
    ['a mount of the host', { kind: 'mount', path: '/' }, /not inside a build directory/],
    ['a path climbing out with ..', { kind: 'mount', path: '/tmp/dib_build.Ab12Cd/../../etc' }, /normalised absolute/],
    ['a relative path', { kind: 'dir', path: 'dib_build.Ab12Cd' }, /normalised absolute/],
    ['a file that is not a partial output of the build', { kind: 'file', path: '/etc/passwd' }, /not a partial file/],
    ['a partial output of another process', { kind: 'file', path: '/out/.img.qcow2.dib-partial-1' }, /not a partial file of process/],
  ] as const)('refuses %s', (_what, record, reason) => {
    const { release, refused } = sortRecords([{ kind: 'dir', path: buildDir }, record], DEAD);
    expect(paths(release)).toEqual([buildDir]);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.reason).toMatch(reason);
  });

  it('refuses what a symbolic link inside the build directory leads out of it', () => {
    const outside = path.join(scratch, 'precious');
    mkdirSync(outside);
    symlinkSync(outside, path.join(buildDir, 'mnt/link'));
    const { refused } = sortRecords(
      [
        { kind: 'dir', path: buildDir },
        { kind: 'dir', path: `${buildDir}/mnt/link/data` },
      ],
      DEAD,
    );
    expect(refused[0]?.reason).toMatch(/outside .* through a symbolic link/);
  });

  it('does not take a symbolic link named like a build directory for one', () => {
    const fake = path.join(scratch, 'dib_build.Zz99Zz');
    symlinkSync('/', fake);
    const { release } = sortRecords([{ kind: 'dir', path: fake }], DEAD);
    expect(release).toEqual([]);
  });

  it("releases the build's own partial outputs and cache files", () => {
    const partial = path.join(scratch, `.web.qcow2.dib-partial-${DEAD}`);
    const cached = path.join(scratch, `bookworm.tar.partial-${DEAD}`);
    writeFileSync(partial, '');
    writeFileSync(cached, '');
    const { release, refused } = sortRecords(
      [
        { kind: 'file', path: partial },
        { kind: 'file', path: cached },
      ],
      DEAD,
    );
    expect(refused).toEqual([]);
    expect(paths(release).sort()).toEqual([cached, partial].sort());
  });
});

describe('state files', () => {
  const stateDir = () => path.join(scratch, 'state');
  const writeState = (name: string, text: string) => {
    mkdirSync(stateDir(), { recursive: true });
    writeFileSync(path.join(stateDir(), name), text);
  };

  it('reports a state file cut short or of the wrong shape, naming it and what is wrong', () => {
    writeState('cut.json', '{"pid": 12, "resour');
    writeState('shape.json', JSON.stringify({ pid: DEAD }));
    const { builds, unreadable } = findLeftovers(stateDir());
    expect(builds).toEqual([]);
    expect(unreadable.map((u) => path.basename(u.file)).sort()).toEqual(['cut.json', 'shape.json']);
    expect(unreadable.find((u) => u.file.endsWith('shape.json'))!.reason).toMatch(/resources/);
  });

  it('leaves the state of a running build alone', () => {
    writeState('live.json', JSON.stringify({ pid: process.pid, resources: [{ kind: 'dir', path: buildDir }] }));
    expect(findLeftovers(stateDir())).toEqual({ builds: [], unreadable: [] });
  });
});
