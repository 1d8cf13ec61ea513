/**
 * Upstream diskimage-builder elements, unmodified, in a real `debian-minimal vm` build:
 * the elements are copied from the installed Debian package (python3-diskimage-builder)
 * at test time, beside a fixture element that uses what they offer. The image's files
 * show each element's effect. What acts at boot (growroot, host keys, DHCP) is booted by
 * test/everyday-elements with dib's packages of the same names; this file builds a tar
 * only, to keep CI within its time.
 */
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostState, leakedSince, runDib, type DibRun, type HostState, serveDirectory, type FileServer } from '@dib/testing';
import { everydayVariables, unpackTree } from './everyday/image-helpers.js';
import { buildEnv, isRoot, NO_INITRAMFS, OUT, REPO } from './helpers.js';
import { CHECKED_UPSTREAM_ELEMENTS, UPSTREAM_ELEMENTS_REPLACED_BY_DIB } from './upstream/checked-elements.js';

const UPSTREAM = process.env.DIB_UPSTREAM_ELEMENTS ?? '/usr/lib/python3/dist-packages/diskimage_builder/elements';
const output = path.join(OUT, 'upstream');
/**
 * dib's packages stand in for these (see the list); every other element is upstream's
 * copy, which on ELEMENTS_PATH wins over dib's package of the same name
 * (test/everyday-elements covers those packages).
 */
const REPLACED_BY_DIB = new Set<string>(UPSTREAM_ELEMENTS_REPLACED_BY_DIB);

describe.runIf(isRoot)('upstream DIB elements in a debian-minimal vm build', () => {
  let run: DibRun;
  let before: HostState;
  let server: FileServer;
  let work: string;
  let tree: string;
  let demoCommit: string;
  const devKey = () => readFileSync(path.join(work, 'devkey.pub'), 'utf8').trim();
  const inImage = (file: string) => path.join(tree, file);
  const read = (file: string) => readFileSync(inImage(file), 'utf8');

  beforeAll(async () => {
    if (!existsSync(UPSTREAM)) throw new Error(`upstream elements not found at ${UPSTREAM}: apt-get install python3-diskimage-builder (CI does)`);
    before = await hostState();
    work = mkdtempSync(path.join(os.tmpdir(), 'dib-upstream-'));
    const elementsDir = path.join(work, 'elements');
    for (const name of CHECKED_UPSTREAM_ELEMENTS.filter((n) => !REPLACED_BY_DIB.has(n)))
      cpSync(path.join(UPSTREAM, name), path.join(elementsDir, name), { recursive: true });

    // A local git repository for source-repositories, a file on loopback for cache-url.
    const src = path.join(work, 'demo-src');
    const git = (...args: string[]) => execa('git', ['-c', 'user.email=dib@test', '-c', 'user.name=dib', ...args], { cwd: src });
    mkdirSync(src);
    await git('init', '-q', '-b', 'main');
    writeFileSync(path.join(src, 'README'), 'hello from the demo repository\n');
    await git('add', 'README');
    await git('commit', '-qm', 'demo');
    demoCommit = (await git('rev-parse', 'HEAD')).stdout.trim();
    await execa('git', ['clone', '-q', '--bare', src, path.join(work, 'demo.git')]);
    const www = path.join(work, 'www');
    mkdirSync(www);
    writeFileSync(path.join(www, 'payload.txt'), 'payload from the loopback server\n');
    server = await serveDirectory(www);
    // local-config copies the builder's own authorized_keys; devuser takes a key file.
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'dev@test', '-f', path.join(work, 'devkey')]);
    mkdirSync(path.join(work, 'home/.ssh'), { recursive: true });
    cpSync(path.join(work, 'devkey.pub'), path.join(work, 'home/.ssh/authorized_keys'));

    run = await runDib(['create', '-o', output, '-t', 'tar', 'debian-minimal', 'vm', 'upstream-checks', ...CHECKED_UPSTREAM_ELEMENTS], {
      env: buildEnv({
        ...everydayVariables(work),
        ...NO_INITRAMFS,
        ELEMENTS_PATH: `${elementsDir}:${path.join(REPO, 'test/fixtures/elements')}`,
        HOME: path.join(work, 'home'),
        // Not a DIB_ variable: it reaches the fixture because the fixture's script reads it.
        UPSTREAM_CHECKS_URL: server.hostUrl('payload.txt'),
        DIB_REPOLOCATION_upstream_checks_demo: `file://${path.join(work, 'demo.git')}`,
      }),
    });
    if (run.exitCode === 0) tree = await unpackTree(output, work);
  });

  afterAll(async () => {
    await server?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('builds', () => {
    expect(run.exitCode, run.stderr + run.stdout.slice(-3000)).toBe(0);
  });

  it("dib-init-system installs every element's init-scripts for systemd; growroot and runtime-ssh-host-keys enable theirs", () => {
    for (const unit of ['growroot.service', 'ssh-keygen.service', 'upstream-checks-report.service'])
      expect(existsSync(inImage(`usr/lib/systemd/system/${unit}`)), unit).toBe(true);
    for (const unit of ['growroot.service', 'ssh-keygen.service'])
      expect(lstatSync(inImage(`etc/systemd/system/multi-user.target.wants/${unit}`)).isSymbolicLink(), unit).toBe(true);
  });

  it('install-static copies static/ of every element, modes kept', () => {
    for (const file of ['usr/local/sbin/growroot', 'usr/local/sbin/runtime-ssh-host-keys.sh', 'usr/local/sbin/upstream-checks-report'])
      expect(lstatSync(inImage(file)).mode & 0o111, file).not.toBe(0);
  });

  it('install-types runs the default (source) variant, and pip-and-virtualenv the package one DIB_INSTALLTYPE_pip_and_virtualenv asks for', () => {
    expect(read('etc/upstream-checks/install-type').trim()).toBe('source');
    expect(existsSync(inImage('usr/bin/pip3'))).toBe(true);
    expect(existsSync(inImage('usr/lib/python3/dist-packages/virtualenv'))).toBe(true);
  });

  it('source-repositories clones the local repository at the asked ref and records it', () => {
    expect(read('opt/upstream-checks-demo/README')).toBe('hello from the demo repository\n');
    expect(read('etc/dib-source-repositories')).toContain('/opt/upstream-checks-demo');
    const manifest = readdirSync(inImage('etc/dib-manifests')).find((f) => f.startsWith('dib-manifest-git-'));
    expect(manifest).toBeDefined();
    expect(read(`etc/dib-manifests/${manifest}`)).toContain(demoCommit);
  });

  it('manifests saves DIB_ENV and DIB_ARGS in the image and beside it', () => {
    expect(read('etc/dib-manifests/dib_environment')).toContain('declare -x DIB_INSTALLTYPE_pip_and_virtualenv="package"');
    expect(read('etc/dib-manifests/dib_arguments')).toContain('upstream-checks');
    expect(readFileSync(`${output}.d/dib_arguments`, 'utf8')).toContain('upstream-checks');
  });

  it("devuser adds the user with the key and password-less sudo; local-config gives root the builder's authorized_keys", () => {
    expect(read('etc/passwd')).toMatch(/^devtester:x:\d+:\d+::\/home\/devtester:/m);
    expect(read('home/devtester/.ssh/authorized_keys').trim()).toBe(devKey());
    expect(read('etc/sudoers.d/devtester')).toContain('devtester ALL=(ALL) NOPASSWD:ALL');
    expect(read('root/.ssh/authorized_keys')).toContain(devKey());
  });

  it('dhcp-all-interfaces, openssh-server and runtime-ssh-host-keys: the tools, no host keys baked in', () => {
    expect(existsSync(inImage('usr/local/sbin/dhcp-all-interfaces.sh'))).toBe(true);
    expect(existsSync(inImage('etc/udev/rules.d/99-dhcp-all-interfaces.rules'))).toBe(true);
    expect(existsSync(inImage('usr/sbin/sshd'))).toBe(true);
    expect(readdirSync(inImage('etc/ssh')).filter((f) => f.startsWith('ssh_host_'))).toEqual([]);
  });

  it('cloud-init-datasources, enable-serial-console, journal-to-console, modprobe and sysctl leave their configuration', () => {
    expect(read('etc/cloud/cloud.cfg.d/91-dib-cloud-init-datasources.cfg')).toContain('datasource_list: [  NoCloud, ConfigDrive, None ]');
    expect(existsSync(inImage('etc/udev/rules.d/99-serial-console.rules'))).toBe(true);
    expect(read('etc/systemd/journald.conf.d/log-to-console.conf')).toContain('ForwardToConsole=true');
    expect(read('etc/modprobe.d/blacklist-upstream-checks.conf')).toContain('blacklist pcspkr');
    expect(read('etc/modprobe.d/blacklist.conf')).toContain('blacklist floppy');
    expect(read('etc/sysctl.d/vm.swappiness.conf')).toMatch(/^vm\.swappiness = 7$/m);
  });

  it('svc-map maps a service for Debian; cache-url fetched the file over loopback', () => {
    expect(read('etc/upstream-checks/svc-map').trim()).toBe('checks-demo-on-debian');
    expect(read('etc/upstream-checks/payload.txt')).toBe('payload from the loopback server\n');
    expect(server.requests).toContain('payload.txt');
  });

  it("the runtime DIB's scripts rely on: $_LIB's run_in_target, get_image_element_array, DIB_LOCKFILES, DIB_MOUNTPOINTS", () => {
    expect(read('etc/upstream-checks/run-in-target').trim()).toBe('from-run-in-target');
    expect(read('etc/upstream-checks/element-dir').trim()).toBe(path.join(REPO, 'test/fixtures/elements/upstream-checks'));
    const [lockfiles, checksum, fstype, mountpoints] = read('etc/upstream-checks/dib-variables').trim().split(' ');
    expect(existsSync(lockfiles)).toBe(true);
    expect([checksum, fstype, mountpoints]).toEqual(['0', 'ext4', '/']);
    // dib-python's link is for the build only.
    expect(existsSync(inImage('usr/bin/dib-python'))).toBe(false);
    expect(readlinkSync(inImage('usr/bin/python3'))).toMatch(/^python3\.\d+$/);
  });

  it('leaves no mount, loop device or state file behind', async () => {
    expect(await leakedSince(before)).toEqual({ mounts: [], loops: [] });
  });
});
