/**
 * The dib command line as a user meets it: the built bin run in a temp project with
 * fixture elements. Only --dry-run and read-only commands, and dib cleanup on a scratch
 * state directory (as root only).
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { SCRIPT, useTempDirs, writeClassicElement, writePackageElement } from '../../core/test/helpers.js';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/bin/dib.js');
const tempDir = useTempDirs();

/**
 * Runs the dib bin in `cwd` with a clean environment: only PATH, HOME and what the test
 * gives, so the developer's ELEMENTS_PATH, DIB_* or proxies never leak in.
 */
const dib = (cwd: string, args: string[], env: Record<string, string> = {}) =>
  execa(process.execPath, [BIN, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd, CI: '1', ...env },
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    timeout: 15_000,
  });

/** A project with package elements myos (the OS) and base, and a classic element app in ./elements. */
function fixtureProject(): string {
  const root = tempDir();
  writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'proj', private: true, devDependencies: { '@dib/element-myos': '1.2.3' } }));
  writePackageElement(root, '@dib/element-myos', {
    version: '1.2.3',
    manifest: {
      name: 'myos',
      description: 'A fixture operating system',
      provides: ['operating-system'],
      env: { MYOS_FLAVOUR: { description: 'Which flavour of myos', default: 'plain' }, MYOS_MIRROR: { description: 'Mirror URL' } },
    },
    files: { 'install.d/10-myos': SCRIPT },
  });
  writePackageElement(root, '@dib/element-base', {
    version: '9.9.9',
    manifest: { name: 'base', description: 'Fixture base' },
    files: { 'install.d/00-base': SCRIPT },
  });
  writeClassicElement(path.join(root, 'elements'), 'app', { deps: ['myos'], files: { 'README.md': 'A classic app\n', 'install.d/50-app': SCRIPT } });
  return root;
}

const jsonLines = (stdout: string) =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

describe('dib create --dry-run', () => {
  it('prints the plan and exits 0 without touching anything', async () => {
    const root = fixtureProject();
    const before = readdirSync(root).sort();
    const r = await dib(root, ['create', '--dry-run', '-t', 'tar', '-o', 'out', '--elements-path', 'elements', 'app']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^Image out: amd64, output tar\n/);
    expect(r.stdout).toMatch(/\n {2}myos +@dib\/element-myos@1\.2\.3 +dependency of app\n/);
    expect(r.stdout).toMatch(new RegExp(`\\n {2}app +${path.join(root, 'elements', 'app')} +requested\\n`));
    expect(r.stdout).toMatch(/\n {2}base +@dib\/element-base@9\.9\.9 +added by default/);
    expect(r.stdout).toMatch(/\n {2}install \(chroot\)\n {4}00-base +base\n {4}10-myos +myos\n {4}50-app +app\n/);
    expect(r.stdout).toContain('MYOS_FLAVOUR=plain  (element default)');
    expect(r.stdout).toContain(`tar: ${path.join(root, 'out')}.tar`);
    expect(readdirSync(root).sort()).toEqual(before);
  });

  it('--json prints the plan as one JSON line', async () => {
    const root = fixtureProject();
    const r = await dib(root, ['create', '--dry-run', '--json', '-t', 'tar', '-n', '--elements-path', 'elements', 'app']);
    expect(r.exitCode).toBe(0);
    const [plan, ...rest] = jsonLines(r.stdout);
    expect(rest).toEqual([]);
    expect(plan.name).toBe('image');
    expect(plan.elements.map((e: { name: string }) => e.name)).toEqual(['myos', 'app']);
    expect(plan.phases.install).toEqual([
      { name: '10-myos', element: 'myos', typescript: false },
      { name: '50-app', element: 'app', typescript: false },
    ]);
    expect(plan.outputs).toEqual([{ type: 'tar', path: path.join(root, 'image.tar') }]);
    expect(plan.schemaVersion).toBe(1);
  });

  it('--json shows what the build will use for debian vm: root label, block-device variables, filesystem identities, cache mounts', async () => {
    const root = fixtureProject();
    const r = await dib(root, ['create', '--dry-run', '--json', '-o', 'web', 'debian', 'vm']);
    expect(r.exitCode, r.stderr).toBe(0);
    const [plan] = jsonLines(r.stdout);
    expect(plan.environment).toMatchObject({
      DIB_ROOT_LABEL: 'cloudimg-rootfs',
      DIB_BLOCK_DEVICE_LABEL: 'mbr',
      DIB_BLOCK_DEVICE_MOUNTS: '/',
      IMAGE_NAME: path.join(root, 'web'),
      ARCH: 'amd64',
      DIB_IMAGE_KIND: 'disk',
      // What classic elements read from DIB's own scripts.
      DIB_MOUNTPOINTS: '/',
      DIB_ROOT_FSTYPE: 'ext4',
      DIB_DEFAULT_INSTALLTYPE: 'source',
      DIB_PYTHON_VERSION: '3',
      DIB_CHECKSUM: '0',
    });
    expect(JSON.parse(plan.environment.IMAGE_ELEMENT_YAML)).toMatchObject({ debian: expect.any(String), vm: expect.any(String) });
    expect(plan.environment.DIB_ENV).toContain('declare -x DIB_ROOT_LABEL="cloudimg-rootfs"');
    expect(plan.environmentOrigins.DIB_ROOT_LABEL).toBe('dib');
    expect(plan.buildDirectoryVariables).toEqual(['TARGET_ROOT', 'TMP_MOUNT_PATH', 'TMP_BUILD_DIR', 'TMP_HOOKS_PATH', 'DIB_ELEMENT_OUTPUT_DIR', '_LIB']);
    expect(plan.layout).toMatchObject({ table: 'mbr', filesystems: [{ type: 'ext4', label: 'cloudimg-rootfs', mountPoint: '/' }] });
    expect(plan.diskSteps).toEqual([expect.objectContaining({ element: 'bootloader' })]);
    expect(plan.cacheMounts).toEqual([
      expect.objectContaining({ element: 'dpkg', target: '/var/cache/apt/archives' }),
      expect.objectContaining({ element: 'dpkg', target: '/tmp/dib-apt-lists-cache' }),
      expect.objectContaining({ element: 'dpkg', target: '/tmp/dib-initramfs-cache' }),
    ]);
    for (const mount of plan.cacheMounts) expect(mount.source.startsWith(plan.environment.DIB_IMAGE_CACHE)).toBe(true);
  });

  it('an xfs root from DIB_BLOCK_DEVICE_CONFIG gets img-rootfs, in the variables and the layout alike', async () => {
    const root = fixtureProject();
    const layout =
      '- local_loop: {name: image0}\n- partitioning: {base: image0, label: gpt, partitions: [{name: root, mkfs: {type: xfs, mount: {mount_point: /}}}]}\n';
    const r = await dib(root, ['create', '--dry-run', '--json', '-t', 'raw', 'debian', 'vm'], { DIB_BLOCK_DEVICE_CONFIG: layout });
    expect(r.exitCode, r.stderr).toBe(0);
    const [plan] = jsonLines(r.stdout);
    expect(plan.environment).toMatchObject({ DIB_ROOT_LABEL: 'img-rootfs', DIB_BLOCK_DEVICE_LABEL: 'gpt' });
    expect(plan.layout.filesystems).toEqual([expect.objectContaining({ type: 'xfs', label: 'img-rootfs' })]);
  });

  it('hooks get DIB_* and documented variables from the caller, nothing else', async () => {
    const root = fixtureProject();
    const r = await dib(root, ['create', '--dry-run', '--json', '-t', 'tar', '--elements-path', 'elements', 'app'], {
      DIB_FROM_CALLER: 'yes',
      MYOS_MIRROR: 'http://mirror',
      SECRET_TOKEN: 'do-not-pass',
    });
    expect(r.exitCode).toBe(0);
    const [plan] = jsonLines(r.stdout);
    const fromOutside = Object.fromEntries(Object.entries(plan.environment).filter(([k]) => plan.environmentOrigins[k] !== 'dib'));
    expect(fromOutside).toEqual({ DIB_FROM_CALLER: 'yes', MYOS_MIRROR: 'http://mirror', MYOS_FLAVOUR: 'plain' });
    expect(plan.environment.SECRET_TOKEN).toBeUndefined();
  });

  it('--install-type sets DIB_DEFAULT_INSTALLTYPE; the variable wins, as in DIB', async () => {
    const root = fixtureProject();
    const plan = async (env: Record<string, string> = {}) =>
      jsonLines(
        (await dib(root, ['create', '--dry-run', '--json', '-t', 'tar', '--install-type', 'package', '--elements-path', 'elements', 'app'], env)).stdout,
      )[0];
    expect((await plan()).environment.DIB_DEFAULT_INSTALLTYPE).toBe('package');
    expect((await plan({ DIB_DEFAULT_INSTALLTYPE: 'source' })).environment.DIB_DEFAULT_INSTALLTYPE).toBe('source');
  });

  it('ELEMENTS_PATH in the environment adds classic element directories', async () => {
    const root = fixtureProject();
    const r = await dib(root, ['create', '--dry-run', '-t', 'tar', 'app'], { ELEMENTS_PATH: 'elements' });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(path.join(root, 'elements', 'app'));
  });

  it('without ELEMENTS_PATH (or --elements-path) a classic element is not found', async () => {
    const root = fixtureProject();
    const r = await dib(root, ['create', '--dry-run', '-t', 'tar', 'app']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('DIB_E_ELEMENT_NOT_FOUND');
    expect(r.stderr).toContain('element "app" (requested) was not found');
  });

  it('the default output type is qcow2, planned with a block-device layout', async () => {
    const root = fixtureProject();
    const r = await dib(root, ['create', '--dry-run', '-o', 'disk', 'myos']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^Image disk: amd64, output qcow2\n/);
    expect(r.stdout).toContain('Block-device layout (from default bare filesystem layout):');
    expect(r.stdout).toContain(`qcow2: ${path.join(root, 'disk')}.qcow2`);
  });

  it('an unknown output type (-t zip) is DIB_E_CONFIG_INVALID naming the command line and "types"', async () => {
    const root = fixtureProject();
    const r = await dib(root, ['create', '--dry-run', '-t', 'zip', 'myos']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('DIB_E_CONFIG_INVALID');
    expect(r.stderr).toMatch(/command line: types\S*: /);
  });

  it('an unknown architecture (-a sparc) is refused before anything runs, naming the accepted ones', async () => {
    const root = fixtureProject();
    const r = await dib(root, ['create', '-a', 'sparc', '-o', path.join(root, 'out'), 'myos']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('DIB_E_CONFIG_INVALID');
    expect(r.stderr).toContain('command line: arch: not an architecture dib builds for: "sparc"; use amd64, arm64, armhf, i386, ppc64el, s390x');
    expect(existsSync(path.join(root, 'out.log'))).toBe(false);
  });

  it("DIB's architecture aliases become Debian's names (-a aarch64 plans arm64)", async () => {
    const root = fixtureProject();
    const r = await dib(root, ['create', '--dry-run', '-a', 'aarch64', '-o', 'x', 'myos']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('Image x: arm64');
    expect(r.stdout).toMatch(/^ {2}ARCH=arm64 {2}\(dib\)$/m);
  });
});

describe('dib ramdisk / ramdisk-image-create', () => {
  it('--dry-run adds the ramdisk element and plans OUTPUT.kernel and OUTPUT.initramfs', async () => {
    const root = fixtureProject();
    const r = await dib(root, ['ramdisk', '--dry-run', '-o', 'rd', 'myos']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^Image rd: amd64, output ramdisk \(kernel \+ initramfs\)\n/);
    expect(r.stdout).toMatch(/\n {2}ramdisk +@dib\/element-ramdisk@\S+ +requested\n/);
    expect(r.stdout).toMatch(/\n {4}99-ramdisk-create +ramdisk-base \(TypeScript\)\n/);
    expect(r.stdout).toContain(`kernel (element ramdisk-base): ${path.join(root, 'rd')}.kernel`);
    expect(r.stdout).toContain(`initramfs (element ramdisk-base): ${path.join(root, 'rd')}.initramfs`);
  });

  it('element-info shows the files an element writes beside the image', async () => {
    const r = await dib(fixtureProject(), ['element-info', 'baremetal']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ writes OUTPUT\.vmlinuz: /);
    expect(r.stdout).toMatch(/ writes OUTPUT\.initrd: /);
  });

  it('the ramdisk-image-create bin is the same command', async () => {
    const root = fixtureProject();
    const r = await execa(process.execPath, [path.join(path.dirname(BIN), 'ramdisk-image-create.js'), '--dry-run', '-o', 'rd', 'myos'], {
      cwd: root,
      reject: false,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('output ramdisk (kernel + initramfs)');
  });

  it('-t is refused: a ramdisk build has its own outputs', async () => {
    const r = await dib(fixtureProject(), ['ramdisk', '-t', 'qcow2', 'myos']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('DIB_E_ARGUMENT');
    expect(r.stderr).toContain('-t does not apply to a ramdisk (image): its outputs are OUTPUT.kernel and OUTPUT.initramfs');
  });

  it('--ramdisk-element is refused by dib create', async () => {
    const r = await dib(fixtureProject(), ['create', '--ramdisk-element', 'ramdisk', 'myos']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--ramdisk-element is for ramdisks (dib ramdisk, ramdisk-image-create); image is a disk image');
  });
});

describe('dib boot-test: argument errors', () => {
  it('no image and no --kernel exits 2 with DIB_E_ARGUMENT', async () => {
    const r = await dib(fixtureProject(), ['boot-test']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('name one image, or a kernel with --kernel');
  });

  it('--initrd without --kernel is refused', async () => {
    const root = fixtureProject();
    writeFileSync(path.join(root, 'x.initramfs'), '');
    const r = await dib(root, ['boot-test', '--initrd', 'x.initramfs', 'disk.qcow2']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--initrd and --append need --kernel');
  });

  it('a kernel file that does not exist is named', async () => {
    const r = await dib(fixtureProject(), ['boot-test', '--kernel', 'nope.kernel']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('nope.kernel does not exist');
  });
});

describe('dib create: argument errors', () => {
  it('an unknown option exits 2 with DIB_E_ARGUMENT naming it', async () => {
    const root = fixtureProject();
    const r = await dib(root, ['create', '--bogus', 'myos']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('DIB_E_ARGUMENT: Invalid command-line argument');
    expect(r.stderr).toContain("'--bogus'");
  });

  it('a DIB option not implemented yet (--docker-target) exits 2 with DIB_E_OPTION_UNSUPPORTED', async () => {
    const root = fixtureProject();
    const r = await dib(root, ['create', '--docker-target', 'x', '-t', 'tar', 'myos']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('DIB_E_OPTION_UNSUPPORTED: Option not implemented yet');
    expect(r.stderr).toContain('--docker-target (or DOCKER_TARGET) is a diskimage-builder option that dib does not implement yet');
  });

  it('--min-tmpfs that is not a whole number exits 2 with DIB_E_ARGUMENT', async () => {
    const root = fixtureProject();
    const r = await dib(root, ['create', '--dry-run', '--min-tmpfs', '1.5', '-t', 'tar', 'myos']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('DIB_E_ARGUMENT');
    expect(r.stderr).toContain('--min-tmpfs (or DIB_MIN_TMPFS) takes a whole number of GiB, got "1.5"');
  });

  it('no elements and no config file is DIB_E_NO_ELEMENTS, exit 1', async () => {
    const root = fixtureProject();
    const r = await dib(root, ['create', '--dry-run']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('DIB_E_NO_ELEMENTS: No elements to build');
    expect(r.stderr).toContain('no elements on the command line and no images in a config file (none found)');
  });

  it('with --json an error is also a JSON event on stdout', async () => {
    const root = fixtureProject();
    const r = await dib(root, ['create', '--dry-run', '--json']);
    expect(r.exitCode).toBe(1);
    expect(jsonLines(r.stdout)).toEqual([expect.objectContaining({ event: 'error', code: 'DIB_E_NO_ELEMENTS', title: 'No elements to build' })]);
  });

  it('an unknown element is DIB_E_ELEMENT_NOT_FOUND listing the packages tried', async () => {
    const root = fixtureProject();
    const r = await dib(root, ['create', '--dry-run', '-t', 'tar', 'nosuch']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('DIB_E_ELEMENT_NOT_FOUND');
    expect(r.stderr).toContain('element "nosuch" (requested) was not found');
    expect(r.stderr).toContain('package @dib/element-nosuch');
    expect(r.stderr).toContain('package dib-element-nosuch');
  });
});

describe('dib create with a config file', () => {
  const withConfig = () => {
    const root = fixtureProject();
    writeFileSync(
      path.join(root, 'dib.config.json'),
      JSON.stringify({
        elementsPath: ['elements'],
        images: {
          web: { elements: ['app'], types: ['tar'], output: 'build/web' },
          db: { elements: ['myos'], types: ['tgz'], environment: { DIB_DB: '1' } },
        },
      }),
    );
    return root;
  };

  it('`create NAME` builds only that image', async () => {
    const root = withConfig();
    const r = await dib(root, ['create', '--dry-run', '--json', 'web']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const plans = jsonLines(r.stdout);
    expect(plans).toHaveLength(1);
    expect(plans[0].name).toBe('web');
    expect(plans[0].outputs).toEqual([{ type: 'tar', path: path.join(root, 'build', 'web.tar') }]);
    expect(plans[0].elements.map((e: { name: string }) => e.name)).toContain('app');
  });

  it('`create` with no names builds every image in the config, in order', async () => {
    const root = withConfig();
    const r = await dib(root, ['create', '--dry-run', '--json']);
    expect(r.exitCode).toBe(0);
    const plans = jsonLines(r.stdout);
    expect(plans.map((p) => p.name)).toEqual(['web', 'db']);
    expect(plans[1].outputs).toEqual([{ type: 'tgz', path: path.join(root, 'db.tgz') }]);
    expect(plans[1].environment).toMatchObject({ DIB_DB: '1' });
  });

  it('command-line flags override the configured image', async () => {
    const root = withConfig();
    const r = await dib(root, ['create', '--dry-run', '--json', '-t', 'tgz', '-o', 'elsewhere/w', 'web']);
    expect(r.exitCode).toBe(0);
    const [plan] = jsonLines(r.stdout);
    expect(plan.outputs).toEqual([{ type: 'tgz', path: path.join(root, 'elsewhere', 'w.tgz') }]);
  });

  it('-o with several images selected exits 2 with DIB_E_ARGUMENT naming them', async () => {
    const root = withConfig();
    const r = await dib(root, ['create', '--dry-run', '-o', 'x']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('DIB_E_ARGUMENT');
    expect(r.stderr).toContain('-o names one output but 2 images are selected (web, db)');
  });

  it('an invalid config file is DIB_E_CONFIG_INVALID naming the file and key', async () => {
    const root = fixtureProject();
    writeFileSync(path.join(root, 'dib.config.json'), JSON.stringify({ images: { web: { elements: ['app'], types: ['qcow3'] } } }));
    const r = await dib(root, ['create', '--dry-run', 'web']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('DIB_E_CONFIG_INVALID');
    expect(r.stderr).toContain(`${path.join(root, 'dib.config.json')}: images.web.types[0]: `);
    expect(r.stderr).toContain('found string "qcow3"');
  });
});

describe('dib element-info', () => {
  it('--json NAME shows version, source and description', async () => {
    const root = fixtureProject();
    const r = await dib(root, ['element-info', '--json', 'myos']);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([
      {
        name: 'myos',
        source: '@dib/element-myos@1.2.3',
        version: '1.2.3',
        description: 'A fixture operating system',
        dependencies: [],
        provides: ['operating-system'],
        outputs: [],
      },
    ]);
  });

  it('--variables lists the variables an element reads, with defaults', async () => {
    const root = fixtureProject();
    const r = await dib(root, ['element-info', '--variables', 'myos']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^myos +1\.2\.3 +A fixture operating system\n/);
    expect(r.stdout).toContain('variables:');
    expect(r.stdout).toMatch(/ MYOS_FLAVOUR=plain {2}Which flavour of myos\n/);
    expect(r.stdout).toMatch(/ MYOS_MIRROR {2}Mirror URL/);
  });

  it("--deps shows a classic element's resolved dependencies", async () => {
    const root = fixtureProject();
    const r = await dib(root, ['element-info', '--json', '--deps', '--elements-path', 'elements', 'app']);
    expect(r.exitCode).toBe(0);
    const [row] = JSON.parse(r.stdout);
    expect(row).toMatchObject({
      name: 'app',
      source: path.join(root, 'elements', 'app'),
      description: 'A classic app',
      dependencies: ['myos'],
      expandedDependencies: ['myos'],
    });
    expect(row.version).toBeUndefined();
  });

  it('an unknown element is DIB_E_ELEMENT_NOT_FOUND', async () => {
    const root = fixtureProject();
    const r = await dib(root, ['element-info', 'nosuch']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('DIB_E_ELEMENT_NOT_FOUND');
    expect(r.stderr).toContain('element "nosuch" was not found');
  });
});

describe('dib doctor', () => {
  it('--json lists every tool needed, who needs it and whether it was found', async () => {
    const root = fixtureProject();
    const r = await dib(root, ['doctor', '--json', '-t', 'tar', 'myos']);
    const tools = JSON.parse(r.stdout) as { tools: string[]; found: string | null; neededBy: string; why: string }[];
    expect(tools.map((t) => `${t.tools.join('|')} <- ${t.neededBy}`)).toEqual(['chroot <- dib', 'mount <- dib', 'tar <- output tar']);
    // found: the command that was found (one of the alternatives), or null
    for (const t of tools) expect(t.found === null || t.tools.includes(t.found)).toBe(true);
    // exit 0 exactly when nothing is missing
    expect(r.exitCode).toBe(tools.every((t) => t.found) ? 0 : 1);
  });
});

describe('dib (top level)', () => {
  it('no command prints usage and exits 2', async () => {
    const r = await dib(tempDir(), []);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toContain('Usage: dib <command> [options]');
  });

  it('--help prints usage and exits 0', async () => {
    const r = await dib(tempDir(), ['--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('Usage: dib <command> [options]');
  });

  it('get-kernel of an image that does not exist is DIB_E_ARGUMENT naming it, not an internal error', async () => {
    const root = tempDir();
    const r = await dib(root, ['get-kernel', path.join(root, 'missing.qcow2')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`DIB_E_ARGUMENT: Invalid command-line argument\n  ${path.join(root, 'missing.qcow2')} does not exist`);
    expect(r.stderr).not.toContain('DIB_E_INTERNAL');
  });

  it("dib list shows the config file's images: elements and the files they write", async () => {
    const root = fixtureProject();
    writeFileSync(
      path.join(root, 'dib.config.yaml'),
      'images:\n  web:\n    elements: [myos, app]\n    types: [tar, qcow2]\n  boot:\n    kind: ramdisk\n    elements: [myos]\n',
    );
    const r = await dib(root, ['list']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      `2 images in ${path.join(root, 'dib.config.yaml')}:\n  web: myos app\n    -> ${path.join(root, 'web')}.tar, ${path.join(root, 'web')}.qcow2\n  boot: myos\n    -> ${path.join(root, 'boot')}.kernel, ${path.join(root, 'boot')}.initramfs (ramdisk)`,
    );
    const json = await dib(root, ['list', '--json']);
    expect(jsonLines(json.stdout).map((i) => i.name)).toEqual(['web', 'boot']);
    expect((await dib(root, ['list', 'web'])).exitCode).toBe(2);
  });

  it("dib help COMMAND prints that command's usage", async () => {
    const r = await dib(tempDir(), ['help', 'cleanup']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^Usage: dib cleanup/);
    const unknown = await dib(tempDir(), ['help', 'craete']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('did you mean "dib create"?');
  });

  it('--version prints the CLI and core versions', async () => {
    const r = await dib(tempDir(), ['--version']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^dib \d+\.\d+\.\d+ \(@dib\/core \d+\.\d+\.\d+\)/);
  });

  it('an unknown command exits 2 naming it', async () => {
    const r = await dib(tempDir(), ['frobnicate']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('dib: unknown command "frobnicate"');
  });
});

describe('dib cleanup', () => {
  it('takes no arguments', async () => {
    const r = await dib(tempDir(), ['cleanup', '/tmp']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('DIB_E_ARGUMENT');
  });

  it.runIf(process.getuid?.() === 0)(
    "acts only on what it can prove is dib's: a forged state file is reported and nothing named in it is removed",
    async () => {
      const root = tempDir();
      const victim = path.join(root, 'precious');
      mkdirSync(victim);
      const state = path.join(root, 'state');
      mkdirSync(state);
      writeFileSync(path.join(state, 'forged.json'), JSON.stringify({ pid: 2 ** 30, resources: [{ kind: 'dir', path: victim }] }));
      writeFileSync(path.join(state, 'cut.json'), '{"pid": 1');
      const r = await dib(root, ['cleanup'], { DIB_STATE_DIR: state });
      expect(r.exitCode).toBe(1);
      expect(existsSync(victim)).toBe(true);
      expect(r.stdout).toContain(`left alone: dir ${victim}: not inside a build directory`);
      expect(r.stdout).toMatch(/cut\.json: not a dib state file/);
      expect(readdirSync(state).sort()).toEqual(['cut.json', 'forged.json']);
    },
  );
});

describe('dib cache', () => {
  it('names a config file beside the one it reads, as dib create does', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'dib.config.json'), JSON.stringify({ imageCache: 'cache' }));
    writeFileSync(path.join(dir, '.dibrc.json'), '{}');
    const r = await dib(dir, ['cache', 'list']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain(`dib: warning: ${path.join(dir, 'dib.config.json')} is ignored: ${path.join(dir, '.dibrc.json')} is the config file used`);
  });
});

describe('where a build writes (-o) and what it is built from, checked before anything runs', () => {
  const dryRun = (root: string, args: string[]) => dib(root, ['create', '--dry-run', '--json', '--elements-path', 'elements', ...args]);

  it("drops the output type's extension from -o when one type is asked for, as DIB does", async () => {
    const root = fixtureProject();
    const r = await dryRun(root, ['-t', 'tar', '-o', 'web.tar', 'app']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).outputs).toEqual([{ type: 'tar', path: path.join(root, 'web.tar') }]);
  });

  it.each([
    ['empty', '', /the output path \(-o\) is empty/],
    ['the current directory', '.', /names a directory, not a file/],
    ['the root directory', '/', /names a directory, not a file/],
    ['an existing directory', 'elements', /is an existing directory/],
    ['inside a kernel filesystem', '/proc/img', /inside \/proc, a kernel filesystem/],
  ])('refuses -o %s', async (_what, output, message) => {
    const r = await dryRun(fixtureProject(), ['-t', 'tar', '-o', output, 'app']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('DIB_E_ARGUMENT');
    expect(r.stderr).toMatch(message);
  });

  it.each([['../app'], ['app;id'], ['$(id)'], ['']])('refuses the element name %j without looking it up', async (name) => {
    const r = await dryRun(fixtureProject(), ['-t', 'tar', name]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('DIB_E_ARGUMENT');
    expect(r.stderr).toContain(`element ${JSON.stringify(name)}: not an element name`);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it.each([
    ['break', 'after-instal', 'break: "after-instal" is not a break point; did you mean "after-install"?'],
    ['DIB_BLOCK_DEVICE_CONFIG', '/missing.yaml', 'DIB_BLOCK_DEVICE_CONFIG names the file /missing.yaml, which does not exist'],
    ['DIB_RELEASE', 'nonsense', 'DIB_RELEASE="nonsense" (from environment): a Debian release'],
  ])('refuses %s=%s before anything runs, naming the variable', async (name, value, message) => {
    const r = await dib(fixtureProject(), ['create', '--dry-run', '-o', 'img', 'debian', 'vm'], { [name]: value });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('DIB_E_ENV_INVALID');
    expect(r.stderr).toContain(message);
  });

  it('a bad flag value is reported as the config file reports its keys: command line, key, message, what was found', async () => {
    const r = await dib(fixtureProject(), ['create', '--dry-run', '--elements-path', 'elements', '-t', 'tar', '-a', 'sparc', 'app']);
    expect(r.stderr).toMatch(/command line: arch: not an architecture dib builds for: "sparc"; .*; found string "sparc"/);
  });

  it.each([
    ['--image-size', '0'],
    ['--image-size', '0G'],
    ['DIB_IMAGE_SIZE', '0'],
  ])('refuses an image size of zero (%s %s)', async (how, value) => {
    const root = fixtureProject();
    const args = ['create', '--dry-run', '--elements-path', 'elements', '-t', 'tar', ...(how.startsWith('-') ? [how, value] : []), 'app'];
    const r = await dib(root, args, how.startsWith('-') ? {} : { [how]: value });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain('an image size of 0 holds nothing');
  });
});

describe("diskimage-builder's variable forms of its options", () => {
  const plan = async (env: Record<string, string>, extra: string[] = []) => {
    const r = await dib(fixtureProject(), ['create', '--dry-run', '--json', '--elements-path', 'elements', '-t', 'tar', ...extra, 'app'], env);
    expect(r.exitCode, r.stderr).toBe(0);
    return JSON.parse(r.stdout);
  };

  it('read ARCH, DIB_CHECKSUM, DIB_OFFLINE and DIB_IMAGE_SIZE as -a, --checksum, --offline and --image-size', async () => {
    const p = await plan({ ARCH: 'aarch64', DIB_CHECKSUM: '1', DIB_OFFLINE: '1', DIB_IMAGE_SIZE: '3' });
    expect(p.environment).toMatchObject({ ARCH: 'arm64', DIB_CHECKSUM: '1', DIB_OFFLINE: '1' });
    expect(p.image.size).toBe('3GiB');
  });

  it('let a flag on the command line win over its variable', async () => {
    expect((await plan({ ARCH: 'arm64' }, ['-a', 'amd64'])).environment.ARCH).toBe('amd64');
  });

  it('refuse what they cannot use, naming the variable', async () => {
    const bad = await dib(fixtureProject(), ['create', '--dry-run', '-t', 'tar', '--elements-path', 'elements', 'app'], { DIB_OFFLINE: 'yes' });
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('DIB_OFFLINE=yes: expected 1 (as --offline) or 0');
    const unsupported = await dib(fixtureProject(), ['create', '--dry-run', '-t', 'tar', '--elements-path', 'elements', 'app'], { DIB_JOURNAL_SIZE: '64' });
    expect(unsupported.exitCode).toBe(2);
    expect(unsupported.stderr).toContain('--mkfs-journal-size (or DIB_JOURNAL_SIZE) is a diskimage-builder option that dib does not implement yet');
  });
});

describe('the diskimage-builder-compatible bins', () => {
  const elementInfo = (root: string, args: string[]) =>
    execa(process.execPath, [path.join(path.dirname(BIN), 'element-info.js'), ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: root, ELEMENTS_PATH: path.join(root, 'elements') },
      extendEnv: false,
      reject: false,
    });

  it("element-info prints the elements and their dependencies on one line, as diskimage-builder's does", async () => {
    const r = await elementInfo(fixtureProject(), ['app']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.trim().split(' ').sort()).toEqual(['app', 'myos']);
  });

  it('element-info --env prints IMAGE_ELEMENT, IMAGE_ELEMENT_YAML and get_image_element_array that bash can eval', async () => {
    const root = fixtureProject();
    const r = await elementInfo(root, ['--env', 'app']);
    expect(r.exitCode, r.stderr).toBe(0);
    const script = `eval "$(cat)"; echo "$IMAGE_ELEMENT"; echo "$IMAGE_ELEMENT_YAML"; eval declare -A a=\\($(get_image_element_array)\\); echo "\${a[app]}"`;
    const shell = await execa('bash', ['-c', script], { input: r.stdout });
    const [names, yaml, appDir] = shell.stdout.split('\n');
    expect(names.split(' ').sort()).toEqual(['app', 'myos']);
    expect(JSON.parse(yaml)).toMatchObject({ app: path.join(root, 'elements', 'app') });
    expect(appDir).toBe(path.join(root, 'elements', 'app'));
  });

  it('element-info without an element, or without an operating system among them, fails as DIB does', async () => {
    const root = fixtureProject();
    expect((await elementInfo(root, [])).exitCode).toBe(2);
    const noOs = await elementInfo(root, ['base']);
    expect(noOs.exitCode).not.toBe(0);
    expect(noOs.stderr).toContain('DIB_E_NO_OPERATING_SYSTEM');
  });

  it.each(['disk-image-create', 'ramdisk-image-create'])('%s --version prints the bare version number, as diskimage-builder does', async (bin) => {
    const r = await execa(process.execPath, [path.join(path.dirname(BIN), `${bin}.js`), '--version'], { reject: false });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+(-[\w.]+)?$/);
  });
});

describe('did you mean', () => {
  it('a mistyped command, option or element gets the one it resembles', async () => {
    const root = fixtureProject();
    const command = await dib(root, ['craete']);
    expect(command.exitCode).toBe(2);
    expect(command.stderr).toContain('did you mean "dib create"?');
    const option = await dib(root, ['create', '--dryrun', 'myos']);
    expect(option.exitCode).toBe(2);
    expect(option.stderr).toContain('unknown option --dryrun; did you mean --dry-run?');
    const element = await dib(root, ['create', '--dry-run', '-t', 'tar', 'myso']);
    expect(element.exitCode).toBe(1);
    expect(element.stderr).toContain('Did you mean "myos"?');
  });

  it("a word close to an image's name in the config is a typo of it, not an element to install", async () => {
    const root = fixtureProject();
    writeFileSync(path.join(root, 'dib.config.yaml'), 'images:\n  web-server:\n    elements: [myos]\n    types: [tar]\n');
    const r = await dib(root, ['create', '--dry-run', 'web-sever']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`"web-sever" is not an image in ${path.join(root, 'dib.config.yaml')}; did you mean "web-server"?`);
    expect(r.stderr).not.toContain('npm install');
  });
});

describe.runIf(process.getuid?.() === 0)('a build refused before it starts', () => {
  /** dib create run as nobody, in a fixture project nobody can read. */
  const asNobody = (root: string, args: string[]) => {
    chmodSync(root, 0o755);
    return execa('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, 'create', ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: root, CI: '1' },
      extendEnv: false,
      reject: false,
      stdin: 'ignore',
    });
  };

  it('DIB_E_NOT_ROOT points at no build log, since none was written', async () => {
    const root = fixtureProject();
    const r = await asNobody(root, ['-t', 'tar', '-o', 'img', 'myos']);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain('DIB_E_NOT_ROOT');
    expect(r.stderr).not.toContain('build log');
    expect(existsSync(path.join(root, 'img.log'))).toBe(false);
  });

  it('with --json, DIB_E_NOT_ROOT is one error line and no build-start, as the docs say', async () => {
    const r = await asNobody(fixtureProject(), ['--json', '-t', 'tar', '-o', 'img', 'myos']);
    expect(jsonLines(r.stdout)).toEqual([expect.objectContaining({ event: 'error', code: 'DIB_E_NOT_ROOT', title: 'Needs root' })]);
  });
});
