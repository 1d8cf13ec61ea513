/**
 * Builds that fail or are interrupted: a non-zero exit naming element, phase and
 * script; nothing mounted afterwards; no output under its final name.
 */
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { defaultImageCache, stateDir } from '@dib/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { DIB_BIN, hostState, leakedSince, processesMatching, runDib, writePackageElement, type HostState } from '@dib/testing';
import { buildEnv, isRoot, OUT } from './helpers.js';

const partials = (dir: string, name: string) => readdirSync(dir).filter((f) => f.startsWith(`.${name}`) && f.includes('dib-partial'));

describe.runIf(isRoot)('a failing hook', () => {
  let before: HostState;
  beforeEach(async () => {
    before = await hostState();
  });

  it('exits non-zero naming the element, phase and script, and releases every mount', async () => {
    const output = path.join(OUT, 'fails');
    const run = await runDib(['create', '-o', output, '-t', 'tar', 'debian-minimal', 'fail-here'], { env: buildEnv() });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('DIB_E_HOOK_FAILED');
    expect(run.stderr).toContain('at: element fail-here, phase pre-install, script 20-fail-here');
    expect(run.stderr).toContain('exit status 3');
    expect(run.stderr).toContain('about to fail on purpose');
    expect(await leakedSince(before)).toEqual({ mounts: [], loops: [] });
    expect(existsSync(`${output}.tar`)).toBe(false);
    expect(partials(OUT, 'fails.tar')).toEqual([]);
    expect(readFileSync(`${output}.log`, 'utf8')).toContain('DIB_E_HOOK_FAILED');
  });

  it('names the signal behind a silent 141 and where the log stopped, instead of empty last lines', async () => {
    const output = path.join(OUT, 'fails-silently');
    const run = await runDib(['create', '-o', output, '-t', 'tar', 'debian-minimal', 'fail-silently'], { env: buildEnv() });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('DIB_E_HOOK_FAILED');
    expect(run.stderr).toContain(
      'pre-install.d/20-fail-silently of element "fail-silently" failed (exit status 141: a command in it was killed by SIGPIPE; it printed nothing before it ended',
    );
    expect(run.stderr).toMatch(/the build log's last line before it: "\[.+\] .+"; rerun with -x/);
    expect(run.stderr).not.toContain('last lines:');
    expect(await leakedSince(before)).toEqual({ mounts: [], loops: [] });
  });
});

describe.runIf(isRoot)('a failing disk step', () => {
  it("is reported like a script: element, phase and hook, its command's last lines, and the same events", async () => {
    const before = await hostState();
    // A third party's package element whose TypeScript disk step runs a failing command.
    const project = mkdtempSync(path.join(OUT, 'disk-step-project-'));
    writeFileSync(path.join(project, 'package.json'), '{"name":"disk-step-project","private":true}');
    writePackageElement(project, 'dib-element-bad-disk-step', {
      manifest: `export default {
  name: 'bad-disk-step',
  description: 'A disk step that fails',
  diskHooks: [{ name: '50-bad-disk-step', run: async (ctx) => { ctx.log('about to fail on ' + ctx.disk.file); await ctx.run('/bin/sh', ['-c', 'echo the disk step says no >&2; exit 7']); } }],
};\n`,
    });
    const output = path.join(OUT, 'bad-disk-step');
    // tar is written before the disk is assembled: it must not appear under its name either.
    const run = await runDib(['create', '--json', '-o', output, '-t', 'tar,raw', 'debian-minimal', 'block-device-mbr', 'bad-disk-step'], {
      cwd: project,
      env: buildEnv({ DIB_DEBIAN_INITRAMFS: 'skip' }),
    });
    rmSync(project, { recursive: true, force: true });
    expect(run.exitCode).toBe(1);
    const events = run.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    const step = { phase: 'disk', script: '50-bad-disk-step', element: 'bad-disk-step' };
    expect(events).toContainEqual({ event: 'script-start', ...step });
    expect(events).toContainEqual(expect.objectContaining({ event: 'script-end', ...step, status: 'failed' }));
    const error = events.find((e) => e.event === 'error');
    expect(error).toMatchObject({ code: 'DIB_E_HOOK_FAILED', location: step });
    expect(error.message).toContain(
      'disk hook 50-bad-disk-step of element "bad-disk-step" failed: /bin/sh -c echo the disk step says no >&2; exit 7 (exit status 7; last lines:',
    );
    expect(error.message).toContain('| the disk step says no');
    expect(readFileSync(`${output}.log`, 'utf8')).toMatch(/\[disk\/50-bad-disk-step \(bad-disk-step\)\] about to fail on \/.+\/disk/);
    expect(existsSync(`${output}.raw`)).toBe(false);
    expect(existsSync(`${output}.tar`)).toBe(false);
    expect(partials(OUT, 'bad-disk-step')).toEqual([]);
    expect(await leakedSince(before)).toEqual({ mounts: [], loops: [] });
  });
});

describe.runIf(isRoot)('outputs that cannot be made here', () => {
  it('docker without a running engine fails before building, pointing at tar', async () => {
    const before = await hostState();
    const r = await runDib(['create', '-o', path.join(OUT, 'docker'), '-t', 'docker', 'debian-minimal'], { env: buildEnv() });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('DIB_E_OUTPUT_FORMAT');
    expect(r.stderr).toContain('-t tar');
    expect(await leakedSince(before)).toEqual({ mounts: [], loops: [] });
  });
});

describe.runIf(isRoot)('an image size the build directory cannot hold', () => {
  it('is refused before any phase runs, naming the size and the directory, and leaves no build directory', async () => {
    const before = await hostState();
    // A small ext4 of its own: ext4 holds files up to 16 TiB, whatever the host's /tmp is.
    const dir = mkdtempSync(path.join(OUT, 'small-fs-'));
    const mnt = path.join(dir, 'mnt');
    mkdirSync(mnt);
    await execa('truncate', ['-s', '64M', path.join(dir, 'fs.img')]);
    await execa('mkfs.ext4', ['-q', path.join(dir, 'fs.img')]);
    await execa('mount', ['-o', 'loop', path.join(dir, 'fs.img'), mnt]);
    try {
      const output = path.join(OUT, 'too-big');
      const r = await runDib(['create', '-o', output, '-t', 'raw', '--no-tmpfs', '--image-size', '17T', 'debian-minimal', 'block-device-gpt'], {
        env: buildEnv({ DIB_TMP_DIR: mnt }),
      });
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toContain(`--image-size 17T (17408.00 GiB) is larger than a file the build directory's filesystem can hold`);
      expect(r.stderr).toContain('DIB_TMP_DIR');
      expect(readdirSync(mnt).filter((f) => f !== 'lost+found')).toEqual([]);
      expect(existsSync(`${output}.raw`)).toBe(false);
    } finally {
      await execa('umount', [mnt]);
      rmSync(dir, { recursive: true, force: true });
    }
    expect(await leakedSince(before)).toEqual({ mounts: [], loops: [] });
  });
});

describe.runIf(isRoot)('an interrupted build', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} during install.d leaves nothing mounted and no output`, async () => {
      const before = await hostState();
      const output = path.join(OUT, `interrupted-${signal}`);
      rmSync(`${output}.log`, { force: true });
      const child = execa(process.execPath, [DIB_BIN, 'create', '-o', output, '-t', 'tar', 'debian-minimal', 'slow-install'], {
        env: { CI: '1', ...buildEnv() },
        reject: false,
      });
      // Wait until the slow hook is running inside the chroot.
      const deadline = Date.now() + 10 * 60_000;
      while (Date.now() < deadline) {
        if (existsSync(`${output}.log`) && readFileSync(`${output}.log`, 'utf8').includes('slow-install: sleeping')) break;
        if (child.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      const mountedDuring = (await leakedSince(before)).mounts;
      expect(mountedDuring.some((m) => m.endsWith('/proc'))).toBe(true);
      // A second build of the same output is refused at once, leaving the first's log alone.
      const second = await runDib(['create', '-o', output, '-t', 'tar', 'debian-minimal', 'slow-install'], { env: buildEnv() });
      expect(second.exitCode).toBe(1);
      expect(second.stderr).toContain('DIB_E_OUTPUT_BUSY');
      expect(second.stderr).toContain(`is writing ${output}.*`);
      expect(readFileSync(`${output}.log`, 'utf8')).toContain('slow-install: sleeping');
      child.kill(signal);
      const result = await child;
      expect(result.exitCode).toBe(signal === 'SIGINT' ? 130 : 143);
      expect(result.stderr).toContain('DIB_E_INTERRUPTED');
      expect(await leakedSince(before)).toEqual({ mounts: [], loops: [] });
      const { stdout } = await execa('pgrep', ['-f', 'sleep 600'], { reject: false });
      expect(stdout).toBe('');
      expect(existsSync(`${output}.tar`)).toBe(false);
      expect(readdirSync(stateDir()).filter((f) => f.endsWith('.json'))).toEqual([]);
    });
  }
});

describe.runIf(isRoot)('a damaged cache', () => {
  it('a cached base tree damaged in place is found by its digest and not unpacked (offline: DIB_E_BASE_TREE_DAMAGED, naming it)', async () => {
    // The interrupted builds above made (or used) the shared base tree; a copy is damaged, not it.
    const shared = path.join(defaultImageCache(process.env), 'debian-minimal');
    const sealed = readdirSync(shared).filter((f) => f.endsWith('.tar') && existsSync(path.join(shared, `${f}.sha256`)));
    expect(sealed.length).toBeGreaterThan(0);
    const cache = mkdtempSync(path.join(OUT, 'damaged-cache-'));
    mkdirSync(path.join(cache, 'debian-minimal'));
    for (const name of sealed) {
      const copy = path.join(cache, 'debian-minimal', name);
      copyFileSync(path.join(shared, name), copy);
      copyFileSync(path.join(shared, `${name}.sha256`), `${copy}.sha256`);
      // Same size, a few bytes changed in the middle: what a bad disk or a stray write does.
      const fd = openSync(copy, 'r+');
      writeSync(fd, Buffer.from('damaged'), 0, 7, Math.floor(statSync(copy).size / 2));
      closeSync(fd);
    }
    const before = await hostState();
    const output = path.join(OUT, 'damaged-cache');
    const run = await runDib(['create', '--offline', '--image-cache', cache, '-o', output, '-t', 'tar', 'debian-minimal'], { env: buildEnv() });
    rmSync(cache, { recursive: true, force: true });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('DIB_E_BASE_TREE_DAMAGED');
    expect(run.stderr).toMatch(new RegExp(`the cached base tree ${cache}/debian-minimal/bookworm-amd64-\\S+\\.tar does not match its digest`));
    expect(existsSync(`${output}.tar`)).toBe(false);
    expect(await leakedSince(before)).toEqual({ mounts: [], loops: [] });
  });
});

describe.runIf(isRoot)('a build killed with SIGKILL while it bootstraps', () => {
  it('leaves nothing dib cleanup does not release: the bootstrap tool, its mounts and its temporary tree', async () => {
    const before = await hostState();
    const output = path.join(OUT, 'killed-bootstrap');
    rmSync(`${output}.log`, { force: true });
    // An extra package makes a base tree no cache holds, so the bootstrap tool runs.
    const child = execa(process.execPath, [DIB_BIN, 'create', '-o', output, '-t', 'tar', 'debian-minimal'], {
      env: { CI: '1', ...buildEnv({ DIB_DEBIAN_BOOTSTRAP_INCLUDE: `dib-never-cached-${Date.now()}` }) },
      reject: false,
      detached: true,
    });
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline && !(existsSync(`${output}.log`) && readFileSync(`${output}.log`, 'utf8').includes('base tree with'))) {
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 3000));
    process.kill(-child.pid!, 'SIGKILL'); // dib alone: its commands run in their own process groups
    await child;
    const cleanup = await execa(process.execPath, [DIB_BIN, 'cleanup'], { reject: false });
    expect(cleanup.exitCode, cleanup.stdout + cleanup.stderr).toBe(0);
    expect(cleanup.stdout).toMatch(/killed process group \d+, still running for the killed build/);
    // SIGKILL is sent; a process in the middle of a write may take a moment to go.
    let left: string[] = [];
    for (let i = 0; i < 50; i++) {
      left = await processesMatching('mmdebstrap|debootstrap');
      if (!left.length) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(left).toEqual([]);
    expect(await leakedSince(before)).toEqual({ mounts: [], loops: [] });
    expect(readdirSync(os.tmpdir()).filter((f) => f.startsWith('mmdebstrap.') || f.startsWith('dib_build.'))).toEqual([]);
    // What the killed build left in the shared cache for a key no build will make again:
    // its partial tarball (a build making that key would sweep it) and its lock.
    const shared = path.join(defaultImageCache(process.env), 'debian-minimal');
    const lock = readdirSync(shared).find((f) => f.endsWith('.lock') && readFileSync(path.join(shared, f, 'pid'), 'utf8') === String(child.pid));
    expect(lock).toBeDefined();
    const tarball = path.join(shared, lock!.replace(/\.lock$/, ''));
    for (const f of [`${tarball}.lock`, `${tarball}.partial-${child.pid}`]) rmSync(f, { recursive: true, force: true });
  });
});
