/**
 * Foreign-architecture builds: which host runs which target natively, the emulator a
 * foreign build needs, and the binfmt_misc states that refuse it (read from a
 * directory laid out as /proc/sys/fs/binfmt_misc is).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { binfmtState, collectHostTools, enableEmulation, runsNatively } from '@dib/core';
import { useTempDirs } from './helpers.js';

const tempDir = useTempDirs();

const AARCH64_ENTRY = (flags: string, enabled = 'enabled', interpreter = process.execPath) =>
  `${enabled}\ninterpreter ${interpreter}\nflags: ${flags}\noffset 0\nmagic 7f454c460201010000000000000000000200b700\n`;

/** A binfmt_misc directory: its status, and handlers by name. */
function binfmtDir(status: string | undefined, handlers: Record<string, string> = {}): string {
  const root = tempDir();
  if (status !== undefined) writeFileSync(path.join(root, 'status'), `${status}\n`);
  for (const [name, text] of Object.entries(handlers)) writeFileSync(path.join(root, name), text);
  return root;
}

describe('foreign architectures', () => {
  it('runs its own architecture and i386 on amd64 natively, arm64 and armhf through an emulator', () => {
    expect(runsNatively('amd64', 'amd64')).toBe(true);
    expect(runsNatively('i386', 'amd64')).toBe(true);
    expect(runsNatively('arm64', 'amd64')).toBe(false);
    expect(runsNatively('amd64', 'arm64')).toBe(false);
    expect(runsNatively('arm64', 'arm64')).toBe(true);
    expect(runsNatively('armhf', 'arm64')).toBe(true);
    expect(runsNatively('armhf', 'amd64')).toBe(false);
  });

  it("needs QEMU's user-mode emulator for a foreign build, and nothing more for a native one", () => {
    const tools = (arch: string) => collectHostTools([], [], undefined, arch);
    const emulator = tools('arm64').find((t) => t.apt === 'qemu-user-static');
    expect(emulator).toMatchObject({ anyOf: ['qemu-aarch64-static', 'qemu-aarch64'], neededBy: '-a arm64' });
    expect(tools('amd64').some((t) => t.apt === 'qemu-user-static')).toBe(process.arch !== 'x64');
  });

  it('accepts an enabled handler with the F flag whose emulator exists', () => {
    expect(binfmtState('arm64', 'amd64', binfmtDir('enabled', { 'qemu-aarch64': AARCH64_ENTRY('PF') }))).toEqual({ arch: 'arm64', handler: 'qemu-aarch64' });
    expect(binfmtState('amd64', 'amd64', binfmtDir(undefined))).toBeUndefined();
  });

  it('names what stops the host: not mounted, disabled, no handler, handler off, no F flag', () => {
    const problem = (root: string, arch = 'arm64') => binfmtState(arch, 'amd64', root)?.problem;
    expect(problem(binfmtDir(undefined))).toMatch(/binfmt_misc is not mounted/);
    expect(problem(binfmtDir('disabled'))).toMatch(/binfmt_misc is disabled/);
    expect(problem(binfmtDir('enabled'))).toMatch(/no binfmt_misc handler qemu-aarch64 is registered/);
    expect(problem(binfmtDir('enabled', { 'qemu-arm': AARCH64_ENTRY('F') }), 'armhf')).toBeUndefined();
    expect(problem(binfmtDir('enabled', { 'qemu-aarch64': AARCH64_ENTRY('PF', 'disabled') }))).toMatch(/qemu-aarch64 is disabled/);
    expect(problem(binfmtDir('enabled', { 'qemu-aarch64': AARCH64_ENTRY('P') }))).toMatch(/lacks the F \(fix-binary\) flag/);
    // With F the emulator was opened at registration: a path missing here (a container) is fine.
    expect(problem(binfmtDir('enabled', { 'qemu-aarch64': AARCH64_ENTRY('F', 'enabled', '/nonexistent/qemu') }))).toBeUndefined();
  });

  it.runIf(existsSync('/usr/lib/binfmt.d/qemu-aarch64.conf'))(
    "registers the handler from qemu-user-static's binfmt.d line, replacing one registered without F",
    async () => {
      const root = binfmtDir('enabled', { 'qemu-aarch64': AARCH64_ENTRY('P'), register: '' });
      const done = await enableEmulation('arm64', () => Promise.reject(new Error('mounted already')), root);
      expect(done).toEqual(['removed the old qemu-aarch64 handler', 'registered qemu-aarch64 from /usr/lib/binfmt.d/qemu-aarch64.conf']);
      expect(readFileSync(path.join(root, 'qemu-aarch64'), 'utf8')).toBe('-1');
      expect(readFileSync(path.join(root, 'register'), 'utf8')).toMatch(/^:qemu-aarch64:M::.*:[A-Z]*F[A-Z]*$/);
    },
  );

  it.runIf(existsSync('/usr/lib/binfmt.d/qemu-aarch64.conf'))('turns binfmt_misc on when it is off, then registers', async () => {
    const root = binfmtDir('disabled', { register: '' });
    const done = await enableEmulation('arm64', () => Promise.reject(new Error('mounted already')), root);
    expect(done).toEqual(['turned binfmt_misc on', 'registered qemu-aarch64 from /usr/lib/binfmt.d/qemu-aarch64.conf']);
    expect(readFileSync(path.join(root, 'status'), 'utf8')).toBe('1');
  });

  it.runIf(existsSync('/usr/lib/binfmt.d/qemu-aarch64.conf'))('mounts binfmt_misc first when it is not mounted', async () => {
    const root = binfmtDir(undefined);
    let mounted = false;
    const done = await enableEmulation(
      'arm64',
      async () => {
        mounted = true;
        writeFileSync(path.join(root, 'status'), 'enabled\n');
      },
      root,
    );
    expect(mounted).toBe(true);
    expect(done[0]).toBe(`mounted binfmt_misc at ${root}`);
    expect(readFileSync(path.join(root, 'register'), 'utf8')).toMatch(/^:qemu-aarch64:/);
  });
});
