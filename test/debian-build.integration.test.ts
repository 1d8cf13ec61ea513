/**
 * A real Debian build to tar, as a user runs it: the debian element, an extra package
 * with -p, and a classic element from ELEMENTS_PATH whose install.d runs in the chroot.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultImageCache, stateDir } from '@dib/core';
import { DIB_BIN, hostState, leakedSince, listTar, readTarFile, runDib, type DibRun, type HostState } from '@dib/testing';
import { buildEnv, isRoot, NO_INITRAMFS, OUT } from './helpers.js';

const output = path.join(OUT, 'debian');
const CACHE_WAIT = 'install-packages: waiting for another build to finish with the package cache (lock ';

describe.runIf(isRoot)('debian build to tar', () => {
  let run: DibRun;
  let before: HostState;
  let entries: string[];

  beforeAll(async () => {
    before = await hostState();
    // Another build holds the shared .deb cache for the first seconds: this one must wait, not fail.
    const cache = path.join(defaultImageCache(process.env), 'apt/debian-bookworm-amd64');
    mkdirSync(cache, { recursive: true });
    // It holds the lock until its stdin closes.
    const otherBuild = execa('flock', [path.join(cache, '.dib-apt-lock'), 'cat'], { stdin: 'pipe', stdout: 'ignore', reject: false });
    rmSync(`${output}.log`, { force: true });
    // lz4: the default xz takes 80 s of this machine for a tree the test only lists.
    const building = runDib(
      [
        'create',
        '-o',
        output,
        '-t',
        'tar,squashfs',
        '--squashfs-compression',
        'lz4',
        '--checksum',
        '-p',
        'htop',
        'debian',
        'hello-dir',
        'os-facts',
        'hook-leftovers',
      ],
      {
        env: buildEnv(NO_INITRAMFS),
      },
    );
    // The other build finishes once this one says it is waiting (or after ten minutes).
    for (let i = 0; i < 600 && !(existsSync(`${output}.log`) && readFileSync(`${output}.log`, 'utf8').includes(CACHE_WAIT)); i++) await delay(1000);
    otherBuild.stdin?.end();
    await otherBuild;
    run = await building;
    if (run.exitCode === 0) entries = await listTar(`${output}.tar`);
  });

  it('succeeds', () => {
    expect(run.exitCode, run.stderr + run.stdout.slice(-3000)).toBe(0);
  });

  it('names its log when it starts, before the first phase runs', () => {
    // The last line of stderr when the build succeeds (execa drops its newline).
    expect(run.stderr.split('\n')).toContain(`dib: building debian; log: ${output}.log`);
  });

  it("waits for another build using the shared package cache instead of failing on apt's lock", () => {
    expect(readFileSync(`${output}.log`, 'utf8')).toContain(CACHE_WAIT);
  });

  it('holds a Debian 12 os-release', async () => {
    const osRelease = await readTarFile(`${output}.tar`, 'usr/lib/os-release');
    expect(osRelease).toMatch(/^ID=debian$/m);
    expect(osRelease).toMatch(/^VERSION_ID="12"$/m);
  });

  it('records the build in /etc/dib_environment and /etc/dib_arguments', async () => {
    expect(await readTarFile(`${output}.tar`, 'etc/dib_environment')).toMatch(/^export DIB_RELEASE=bookworm$/m);
    expect(await readTarFile(`${output}.tar`, 'etc/dib_arguments')).toContain('-p htop');
  });

  it('has the -p package installed, as dpkg in the image sees it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dib-dpkg-'));
    try {
      await execa('tar', ['--extract', '--file', `${output}.tar`, '--directory', dir, './var/lib/dpkg']);
      const { stdout } = await execa('dpkg', [`--admindir=${dir}/var/lib/dpkg`, '--status', 'htop']);
      expect(stdout).toMatch(/^Status: install ok installed$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(entries).toContain('./usr/bin/htop');
  });

  it('ran the ELEMENTS_PATH element inside the chroot', async () => {
    expect(await readTarFile(`${output}.tar`, 'etc/hello-dir')).toBe('hello from ELEMENTS_PATH, running on debian 12');
    expect(existsSync('/etc/hello-dir')).toBe(false);
  });

  it('gives classic elements python3 before pre-install and the OS facts they read', async () => {
    expect(await readTarFile(`${output}.tar`, 'etc/os-facts')).toBe(
      'DISTRO_NAME=debian\nDIB_RELEASE=bookworm\nDIB_INIT_SYSTEM=systemd\nEFI_BOOT_DIR=EFI/debian\nDIB_DEBIAN_COMPONENTS_WS=main',
    );
  });

  it('releases a mount a hook left, and empties /tmp and the logs, before any output is written', async () => {
    expect(entries).not.toContain('./mnt/left-behind');
    expect(entries.filter((e) => e.startsWith('./tmp/') && e !== './tmp/')).toEqual([]);
    expect(entries).toContain('./var/log/dib-test.log');
    expect(await readTarFile(`${output}.tar`, 'var/log/dib-test.log')).toBe('');
    expect(readFileSync(`${output}.log`, 'utf8')).toContain(
      'warning: a hook left /mnt mounted in the image; dib unmounted it (its content is not in the image)',
    );
  });

  it('releases a mount a host-phase hook left (cleanup.d, after the chroot closed), before any output is written', async () => {
    expect(entries).not.toContain('./srv/left-by-cleanup');
    expect(readFileSync(`${output}.log`, 'utf8')).toContain(
      'warning: a hook left /srv mounted in the image; dib unmounted it (its content is not in the image)',
    );
  });

  it('kills a process a hook left running, naming the hook, instead of waiting for it', async () => {
    expect(readFileSync(`${output}.log`, 'utf8')).toMatch(/warning: install\/60-hook-leftovers left processes running after it ended .*dib killed them/);
    expect((await execa('pgrep', ['-f', 'sleep 1000'], { reject: false })).stdout).toBe('');
  });

  it("ships neither the build host's resolver nor its name, nor the mount points of dib's caches", async () => {
    expect(entries).not.toContain('./etc/resolv.conf');
    expect(await readTarFile(`${output}.tar`, 'etc/hostname')).toBe('debian');
    expect(entries).not.toContain('./tmp/dib-initramfs-cache/');
  });

  it('writes the same tree as squashfs, with the compressor --squashfs-compression names', async () => {
    expect((await execa('unsquashfs', ['-s', `${output}.squashfs`])).stdout).toMatch(/^Compression lz4$/m);
    const { stdout } = await execa('unsquashfs', ['-lc', `${output}.squashfs`], { maxBuffer: 256 * 1024 * 1024 });
    expect(stdout).toContain('squashfs-root/etc/hello-dir');
    expect(stdout).toContain('squashfs-root/usr/bin/htop');
    expect(stdout).not.toContain('squashfs-root/proc/');
  });

  it('has no /proc or /sys content and no build leftovers', () => {
    expect(entries.filter((e) => e.startsWith('./proc/') && e !== './proc/')).toEqual([]);
    expect(entries.filter((e) => e.startsWith('./sys/') && e !== './sys/')).toEqual([]);
    expect(entries.some((e) => e.startsWith('./tmp/in_target.d'))).toBe(false);
    expect(entries).not.toContain('./usr/sbin/policy-rc.d');
    expect(entries.some((e) => e.includes('.dib-orig'))).toBe(false);
    // dpkg's force-unsafe-io is for the build only; the image's dpkg syncs as usual.
    expect(entries).toContain('./etc/dpkg/dpkg.cfg.d/');
    expect(entries).not.toContain('./etc/dpkg/dpkg.cfg.d/dib-unsafe-io');
  });

  it('writes manifests, checksums and the log beside the output', async () => {
    const manifests = readdirSync(`${output}.d`);
    expect(manifests).toEqual(expect.arrayContaining(['dib-element-list', 'dib-packages', 'dib_environment', 'dib_arguments']));
    expect(readFileSync(`${output}.d/dib-packages`, 'utf8')).toMatch(/^htop\tamd64\t/m);
    expect(readFileSync(`${output}.d/dib-element-list`, 'utf8')).toMatch(/^hello-dir .*fixtures\/elements\/hello-dir$/m);
    const { stdout } = await execa('sha256sum', ['--check', `${path.basename(output)}.tar.sha256`], { cwd: OUT });
    expect(stdout).toContain(': OK');
    expect(readFileSync(`${output}.log`, 'utf8')).toMatch(/<- install\/50-hello-dir \(element hello-dir\) \d+\.\d+s/);
  });

  it('leaves no mount, loop device or state file behind', async () => {
    expect(await leakedSince(before)).toEqual({ mounts: [], loops: [] });
    expect(readdirSync(stateDir()).filter((f) => f.endsWith('.json'))).toEqual([]);
  });
});

describe.runIf(isRoot)('--offline in a network namespace with no interfaces', () => {
  // Run after the build above, which filled the caches: base tree, package lists, .debs.
  const offline = (args: string[], env: Record<string, string> = {}) =>
    execa('unshare', ['--net', process.execPath, DIB_BIN, 'create', '--offline', ...args], {
      env: { CI: '1', DIB_STAGE_CACHE: '0', ...buildEnv({ ...NO_INITRAMFS, ...env }) },
      reject: false,
      stdin: 'ignore',
    });

  it('rebuilds from the caches alone: base tree, package lists and packages', async () => {
    const out = path.join(OUT, 'debian-offline');
    const r = await offline(['-o', out, '-t', 'tar', '-p', 'htop', 'debian-minimal']);
    expect(r.exitCode, r.stderr + r.stdout.slice(-3000)).toBe(0);
    expect(readFileSync(`${out}.log`, 'utf8')).toContain('offline: package lists from the cache, fetched ');
    expect(await listTar(`${out}.tar`)).toContain('./usr/bin/htop');
    rmSync(`${out}.tar`, { force: true });
  });

  it('with an empty image cache, fails at once naming the missing base tree', async () => {
    const cache = mkdtempSync(path.join(os.tmpdir(), 'dib-empty-cache-'));
    try {
      const started = Date.now();
      const r = await offline(['-o', path.join(OUT, 'debian-offline-cold'), '-t', 'tar', 'debian-minimal'], { DIB_IMAGE_CACHE: cache });
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toContain('DIB_E_BASE_TREE_NOT_CACHED');
      expect(r.stderr).toContain('--offline, but there is no cached Debian bookworm amd64 base tree');
      expect(Date.now() - started).toBeLessThan(60_000);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });
});
