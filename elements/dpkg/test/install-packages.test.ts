import path from 'node:path';
import { execa } from 'execa';
import { afterEach, expect, it } from 'vitest';
import { stubCommands, type StubCommands } from '@dib/testing';

const TOOL = path.resolve(import.meta.dirname, '../bin/install-packages');
let stubs: StubCommands | undefined;
afterEach(() => stubs?.remove());

it('purges exactly the installed packages with -e, even when dpkg-query says more than a pipe holds', async () => {
  stubs = stubCommands({
    // "installed" is installed, "absent" is not; the long answer of the classic format
    // makes a reader that leaves at its first match kill dpkg-query every time.
    'dpkg-query': `case "$*" in
      *absent*) exit 1 ;;
      *'\${Status}'*) echo "install ok installed"; i=0; while [ $i -lt 20000 ]; do echo "padding line $i of a long answer"; i=$((i + 1)); done ;;
      *) printf installed ;;
    esac`,
    // Takes the lock path and options off, and runs the command.
    flock: 'while [ $# -gt 0 ]; do case "$1" in --nonblock) shift ;; --wait) shift 2 ;; *) break ;; esac; done; shift; [ $# -eq 0 ] || exec "$@"',
    'apt-get': ':',
  });
  const r = await execa('bash', [TOOL, '-e', 'installed', 'absent'], { env: { PATH: `${stubs.dir}:${process.env.PATH}` }, reject: false });
  expect(r.exitCode, r.stderr).toBe(0);
  const purges = stubs.calls().filter((c) => c.startsWith('apt-get'));
  expect(purges).toHaveLength(1);
  expect(purges[0]).toMatch(/ purge --auto-remove installed$/);
});
