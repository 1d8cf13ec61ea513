/**
 * dib's own element packages together in one real `debian-minimal vm` build, as a user
 * would put them in nearly every image: sources fetched from a git daemon and an HTTP
 * server on loopback, a package installed from a PyPI mirror on loopback, the Mellanox
 * userland, and at boot on a bigger disk the root grows, SSH host keys are made, the
 * interface gets an address by DHCP, and the dev user logs in on the serial console.
 * Only fixture elements are on ELEMENTS_PATH, so every element named here is a package.
 */
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostState, leakedSince, LOGIN_PROMPT, runDib, type DibRun, type FileServer, type HostState } from '@dib/testing';
import { buildIndex, serveIndex, type ServedIndex } from '../elements/pypi/test/pep503-index.js';
import { makeDemoRepository, serveDownloads, startGitDaemon, type DemoRepository, type GitDaemon } from '../elements/source-repositories/test/sources.js';
import { EVERYDAY_ELEMENTS } from './everyday/elements.js';
import { bootOnBiggerDisk, everydayVariables, unpackTree } from './everyday/image-helpers.js';
import { buildEnv, isRoot, OUT, REPO } from './helpers.js';

const output = path.join(OUT, 'everyday');
const UPSTREAM = process.env.DIB_UPSTREAM_ELEMENTS ?? '/usr/lib/python3/dist-packages/diskimage_builder/elements';

/**
 * `dib import-element` on a copy of one of upstream's elements, installed in a fresh
 * project's node_modules as a user's `npm install` would put it; returns the project.
 */
async function importUpstreamElement(work: string, name: string): Promise<string> {
  const classic = path.join(work, 'classic', name);
  cpSync(path.join(UPSTREAM, name), classic, { recursive: true });
  const project = path.join(work, 'project');
  const pkg = path.join(project, 'node_modules', `dib-element-${name}`);
  const imported = await runDib(['import-element', classic, '-o', pkg]);
  if (imported.exitCode !== 0) throw new Error(`dib import-element ${name} failed: ${imported.stderr}`);
  // The package's peer dependency, as npm would satisfy it: the core the CLI runs.
  mkdirSync(path.join(project, 'node_modules', '@dib'), { recursive: true });
  symlinkSync(path.join(REPO, 'packages/core'), path.join(project, 'node_modules', '@dib', 'core'));
  return project;
}
const BOOT_TIMEOUT = 600_000;
const DEV_PASSWORD = 'everyday-pw';

describe.runIf(isRoot)('the everyday element packages in a debian-minimal vm build', () => {
  let run: DibRun;
  let before: HostState;
  let work: string;
  let tree: string;
  let demo: DemoRepository;
  let daemon: GitDaemon;
  let downloads: FileServer;
  let index: ServedIndex;
  let project: string;
  const inImage = (file: string) => path.join(tree, file);
  const read = (file: string) => readFileSync(inImage(file), 'utf8');

  beforeAll(async () => {
    before = await hostState();
    work = mkdtempSync(path.join(os.tmpdir(), 'dib-everyday-'));
    demo = await makeDemoRepository(work);
    daemon = await startGitDaemon(path.dirname(demo.bare));
    downloads = await serveDownloads(work);
    index = await serveIndex(
      buildIndex(path.join(work, 'simple'), [{ name: 'dib-everyday', version: '1.0.0', source: 'GREETING = "hello from the mirror"\n' }]).dir,
    );
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'dev@test', '-f', path.join(work, 'devkey')]);
    mkdirSync(path.join(work, 'home/.ssh'), { recursive: true });

    project = await importUpstreamElement(work, 'element-manifest');

    run = await runDib(['create', '-o', output, '-t', 'qcow2,tar', 'debian-minimal', 'vm', 'everyday-checks', 'element-manifest', ...EVERYDAY_ELEMENTS], {
      cwd: project,
      env: buildEnv({
        ...everydayVariables(work),
        HOME: path.join(work, 'home'),
        DIB_EVERYDAY_GIT_URL: daemon.url('demo.git'),
        DIB_EVERYDAY_TAR_URL: downloads.hostUrl('payload.tar.gz'),
        DIB_EVERYDAY_FILE_URL: downloads.hostUrl('notes.txt'),
        DIB_PYPI_MIRROR_URL: index.url,
        DIB_NO_PYPI_PIP: '1',
        DIB_DEV_USER_PASSWORD: DEV_PASSWORD,
      }),
    });
    if (run.exitCode === 0) tree = await unpackTree(output, work);
  });

  afterAll(async () => {
    await daemon?.stop();
    await downloads?.close();
    await index?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('builds', () => {
    expect(run.exitCode, run.stderr + run.stdout.slice(-3000)).toBe(0);
  });

  it("dpkg: the initramfs the build made with batched module copies holds what Debian's own mkinitramfs puts in it, file for file", async () => {
    expect(readFileSync(`${output}.log`, 'utf8')).toContain('dib: mkinitramfs copies modules in batches');
    const [version] = readdirSync(inImage('lib/modules'));
    mkdirSync(inImage('tmp/dib-check'), { recursive: true });
    // Debian's mkinitramfs, unchanged, in the image; then both unpacked and listed: type,
    // mode, owner, link target and sha256 of every entry (not times).
    const script = `set -eu
      mount -t proc proc "$1/proc"; mount --rbind /dev "$1/dev"
      chroot "$1" env PATH=/usr/sbin:/usr/bin:/sbin:/bin TMPDIR=/tmp sh -euc '
        mkinitramfs -o /tmp/dib-check/debian.img "$1"
        for img in /tmp/dib-check/debian.img "/boot/initrd.img-$1"; do
          dir=/tmp/dib-check/unpacked; rm -rf "$dir"; unmkinitramfs "$img" "$dir"; cd "$dir"
          find . -printf "%M %U %G %l %p\\n" | LC_ALL=C sort
          find . -type f -print0 | xargs -0 sha256sum | LC_ALL=C sort -k 2
          echo "== end of $img"; cd /
        done' sh "$2"`;
    // A mount namespace of its own: the mounts go with it, whatever happens.
    const r = await execa('unshare', ['--mount', '--fork', 'bash', '-c', script, 'bash', tree, version], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    const [debian, built] = r.stdout.split(/^== end of .*$/m);
    expect(debian.split('\n').filter((l) => /\.ko(\.\w+)?$/.test(l)).length).toBeGreaterThan(300);
    expect(built.trim()).toBe(debian.trim());
  }, 600_000);

  it('source-repositories: the git tag, the tarball and the file are in the image, recorded in the manifests in and beside it', () => {
    expect(read('opt/everyday-demo/README')).toBe('first\n');
    expect(read('opt/everyday-payload/setup.cfg')).toContain('name = payload');
    expect(read('etc/everyday-notes.txt')).toBe('notes from the server\n');
    expect(read('etc/dib-source-repositories').split('\n')).toEqual(['/opt/everyday-demo', '/opt/everyday-payload', '/etc/everyday-notes.txt', '']);
    const gitManifest = `everyday-demo git /opt/everyday-demo ${daemon.url('demo.git')} ${demo.first}\n`;
    expect(read('etc/dib-manifests/dib-manifest-git-everyday')).toBe(gitManifest);
    expect(readFileSync(`${output}.d/dib-manifest-git-everyday`, 'utf8')).toBe(gitManifest);
    expect(read('etc/dib-manifests/dib-manifest-source-repositories-everyday')).toMatch(
      /^everyday-payload tar \/opt\/everyday-payload \S+ sha256:[0-9a-f]{64}$/m,
    );
  });

  it('pypi: the package came from the loopback mirror, and no mirror setting or URL is left in the image', async () => {
    expect(read('opt/everyday-pypi/dib_everyday/__init__.py')).toContain('hello from the mirror');
    expect(index.requests).toContain('/simple/dib-everyday/');
    expect(existsSync(inImage('etc/pip.conf'))).toBe(false);
    expect(existsSync(inImage('var/lib/dib-pypi'))).toBe(false);
    const port = new URL(index.url).port;
    // dib_environment records every DIB_* variable of the build, DIB_PYPI_MIRROR_URL too, by design.
    const found = await execa(
      'grep',
      ['-rlsI', '--exclude=dib_environment', `127.0.0.1:${port}`, inImage('etc'), inImage('root'), inImage('usr/local'), inImage('var/lib')],
      {
        reject: false,
      },
    );
    expect(found.stdout).toBe('');
  });

  it('mellanox: the RDMA userland is installed, the modules load at boot, the udev rule is in place', () => {
    const status = read('var/lib/dpkg/status');
    for (const pkg of ['rdma-core', 'ibverbs-providers', 'infiniband-diags', 'perftest'])
      expect(status, pkg).toMatch(new RegExp(`^Package: ${pkg}\\nStatus: install ok installed$`, 'm'));
    expect(read('etc/modules-load.d/mellanox.conf')).toMatch(/^mlx5_ib$/m);
    expect(readdirSync(inImage('etc/udev/rules.d')).some((f) => /mellanox/.test(f))).toBe(true);
  });

  it('devuser, sysctl, modprobe and dib-init-system leave what they were asked for', () => {
    expect(read('etc/passwd')).toMatch(/^devtester:x:\d+:\d+:/m);
    expect(read('home/devtester/.ssh/authorized_keys').trim()).toBe(readFileSync(path.join(work, 'devkey.pub'), 'utf8').trim());
    expect(read('etc/sudoers.d/devtester')).toContain('NOPASSWD');
    expect(read('etc/sysctl.d/net.ipv4.tcp_keepalive_time.conf')).toMatch(/^net\.ipv4\.tcp_keepalive_time = 333$/m);
    expect(read('etc/modprobe.d/blacklist-everyday-checks.conf')).toContain('blacklist pcspkr');
    expect(lstatSync(inImage('etc/systemd/system/multi-user.target.wants/everyday-checks-report.service')).isSymbolicLink()).toBe(true);
    expect(readdirSync(inImage('etc/ssh')).filter((f) => f.startsWith('ssh_host_'))).toEqual([]);
  });

  it("dib import-element: upstream's element-manifest, imported and installed as a package, wrote the element list", () => {
    const list = read('etc/dib-manifests/dib-element-manifest').trim().split('\n');
    expect(list).toEqual(expect.arrayContaining(['element-manifest', 'everyday-checks', 'source-repositories', 'mellanox']));
    expect(read('etc/dib-manifests/dib-element-list')).toMatch(/^element-manifest\s+dib-element-element-manifest@/m);
  });

  it('leaves no mount, loop device or state file behind', async () => {
    expect(await leakedSince(before)).toEqual({ mounts: [], loops: [] });
  });

  it('boots on a bigger disk: root grown, host keys made, an address by DHCP, the sysctl applied, and the dev user logs in on the serial console', async () => {
    expect(run.exitCode).toBe(0);
    const { result, builtBytes: built } = await bootOnBiggerDisk(output, work, {
      timeoutMs: BOOT_TIMEOUT,
      steps: [
        { expect: LOGIN_PROMPT, send: 'devtester' },
        { expect: /Password: ?$/m, send: DEV_PASSWORD },
        { expect: /^\$ /m, send: 'until [ -e /run/everyday-checks ]; do sleep 1; done; cat /run/everyday-checks; echo "LOGGED-IN-AS=$(id -un)"' },
        { expect: /LOGGED-IN-AS=devtester/ },
      ],
    });
    expect(result.matched, result.console.slice(-3000)).toBe(true);
    const report = /EVERYDAY-CHECKS root-bytes=(\d+) host-keys=(\d+) addresses=(.*?) keepalive=(\d+) END/.exec(result.console);
    expect(report, result.console.slice(-3000)).not.toBeNull();
    const [, rootBytes, hostKeys, addresses, keepalive] = report!;
    expect(Number(rootBytes)).toBeGreaterThan(built + 2 * 1024 ** 3);
    expect(Number(hostKeys)).toBeGreaterThan(0);
    expect(addresses).toMatch(/=10\.0\.2\.\d+\/24/);
    expect(keepalive).toBe('333');
  });
});
