import path from 'node:path';
import { execa } from 'execa';
import { afterEach, expect, it } from 'vitest';
import { stubCommands, type StubCommands } from '@dib/testing';

const HOOK = path.resolve(import.meta.dirname, '../post-install.d/98-update-initramfs');
/** More than a pipe holds: a reader that leaves at its first match always kills the writer. */
const PADDING = 'i=0; while [ $i -lt 20000 ]; do echo "diversion of /padding/$i to /padding/$i.x by other"; i=$((i + 1)); done';
let stubs: StubCommands | undefined;
afterEach(() => stubs?.remove());

async function runHook(diverted: boolean) {
  const real = diverted ? '/usr/sbin/update-initramfs.dib-real' : '/usr/sbin/update-initramfs';
  stubs = stubCommands({
    'dpkg-divert': `case "$*" in
      *--truename*) echo ${real} ;;
      *--list*) ${diverted ? 'echo "local diversion of /usr/sbin/update-initramfs to /usr/sbin/update-initramfs.dib-real"' : ':'}; ${PADDING} ;;
    esac`,
    rm: ':',
  });
  // skip: the stubs stand in for the diversion only; no initramfs is built on this host.
  return execa('bash', [HOOK], { env: { PATH: `${stubs.dir}:${process.env.PATH}`, DIB_DEBIAN_INITRAMFS: 'skip' }, reject: false });
}

it('puts the real update-initramfs back when dpkg has it diverted, however long the diversion list', async () => {
  const r = await runHook(true);
  expect(r.exitCode, r.stderr).toBe(0);
  expect(stubs!.calls()).toContain('rm -f /usr/sbin/update-initramfs');
  expect(stubs!.calls()).toContain('dpkg-divert --quiet --local --rename --divert /usr/sbin/update-initramfs.dib-real --remove /usr/sbin/update-initramfs');
});

it('leaves update-initramfs alone when it is not diverted', async () => {
  const r = await runHook(false);
  expect(r.exitCode, r.stderr).toBe(0);
  expect(stubs!.calls().filter((c) => c.startsWith('rm ') || c.includes('--remove'))).toEqual([]);
});
