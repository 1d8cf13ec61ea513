import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PHASES, PHASE_NAMES, createPlan, formatPlan, type BuildPlan } from '@dib/core';
import { SCRIPT, dibError, planRequest as request, useTempDirs, writeClassicElement, writePackageElement } from './helpers.js';

const tempDir = useTempDirs();

/** A project: classic myos (the OS) and base in ./elements, package element app depending on myos. */
function fixtureProject() {
  const root = tempDir();
  const elementsDir = path.join(root, 'elements');
  writeClassicElement(elementsDir, 'myos', {
    provides: ['operating-system'],
    files: {
      'README.md': 'My test OS\n',
      'root.d/05-myos-root': SCRIPT,
      'install.d/10-myos': SCRIPT,
      'environment.d/10-myos.bash': 'export MYOS=1\n',
    },
  });
  writeClassicElement(elementsDir, 'base', { files: { 'README.md': 'Test base\n', 'install.d/00-base': SCRIPT, 'finalise.d/90-base': SCRIPT } });
  writePackageElement(root, '@dib/element-app', {
    version: '0.3.0',
    manifest: {
      name: 'app',
      description: 'Test application',
      dependencies: ['myos'],
      env: { APP_MODE: { description: 'How the app runs', default: 'fast' } },
    },
    files: { 'install.d/50-app': SCRIPT, 'post-install.d/20-app': SCRIPT },
  });
  return { root, elementsDir };
}

/** The variables (or their origins) that came from outside dib: element defaults, the config file, the caller. */
const fromOutside = (plan: BuildPlan, values: Record<string, string> = plan.environment) =>
  Object.fromEntries(Object.entries(values).filter(([k]) => plan.environmentOrigins[k] !== 'dib'));

describe('createPlan', () => {
  it('refuses an architecture an element does not name, saying why the element is there; allows the ones it names', async () => {
    const { root, elementsDir } = fixtureProject();
    writePackageElement(root, '@dib/element-boot', {
      manifest: { name: 'boot', description: 'Boot code', architectures: ['amd64', 'arm64'] },
    });
    const e = await dibError(createPlan(request(root, elementsDir, { elements: ['app', 'boot'], arch: 'armhf' })));
    expect(e.code, e.message).toBe('DIB_E_ARCH_UNSUPPORTED');
    expect(e.message).toBe('element boot does not work on armhf; it supports amd64, arm64');
    expect(e.location).toMatchObject({ element: 'boot', key: 'arch' });
    expect(e.hint).toContain('requested');
    const plan = await createPlan(request(root, elementsDir, { elements: ['app', 'boot'], arch: 'aarch64' }));
    expect(plan.environment.ARCH).toBe('arm64');
  });

  it('a disk format (qcow2) with no block-device element plans the default bare ext4 filesystem, labelled cloudimg-rootfs', async () => {
    const { root, elementsDir } = fixtureProject();
    const plan = await createPlan(request(root, elementsDir, { types: ['qcow2'] }));
    const out = path.join(root, 'out', 'img');
    expect(plan.outputs).toEqual([{ type: 'qcow2', path: `${out}.qcow2` }]);
    expect(plan.layoutSource).toBe('default bare filesystem layout');
    expect(plan.layout?.table).toBeUndefined();
    expect(plan.layout?.filesystems).toEqual([expect.objectContaining({ type: 'ext4', mountPoint: '/', label: 'cloudimg-rootfs' })]);
    expect(plan.hostTools.map((t) => t.neededBy)).toEqual(expect.arrayContaining(['output qcow2', 'block-device']));
    const text = formatPlan(plan);
    expect(text).toContain('Block-device layout (from default bare filesystem layout):');
    expect(text).toMatch(/\n {4}ext4 on image0 label cloudimg-rootfs at \/\n/);
  });

  it('a tree format (tar) plans no block-device layout', async () => {
    const { root, elementsDir } = fixtureProject();
    const plan = await createPlan(request(root, elementsDir, { types: ['tar'] }));
    expect(plan.layout).toBeUndefined();
    expect(plan.diskHooks).toEqual([]);
    expect(formatPlan(plan)).not.toContain('Block-device layout');
  });

  it('a DIB_BLOCK_DEVICE_CONFIG that is not YAML is DIB_E_BLOCK_DEVICE_INVALID naming the variable', async () => {
    const { root, elementsDir } = fixtureProject();
    const err = await dibError(createPlan(request(root, elementsDir, { types: ['raw'] }, { DIB_BLOCK_DEVICE_CONFIG: '- local_loop: [\n' })));
    expect(err.code).toBe('DIB_E_BLOCK_DEVICE_INVALID');
    expect(err.message).toMatch(/^DIB_BLOCK_DEVICE_CONFIG: not valid YAML: /);
  });

  it('an unknown output type is DIB_E_OUTPUT_FORMAT listing the types available', async () => {
    const { root, elementsDir } = fixtureProject();
    const req = request(root, elementsDir, { types: ['tar'] });
    const err = await dibError(createPlan({ ...req, image: { ...req.image, types: ['zip' as 'tar'] } }));
    expect(err.code).toBe('DIB_E_OUTPUT_FORMAT');
    expect(err.message).toMatch(/^output type "zip" is not available; choose from tar, tgz, /);
  });

  it('tar: elements in order with reasons, hooks, sanitised environment, outputs beside -o', async () => {
    const { root, elementsDir } = fixtureProject();
    const plan = await createPlan(request(root, elementsDir, { types: ['tar', 'tgz'] }, { DIB_EXTRA: 'yes', FOO: 'no', APP_MODE: 'slow' }));
    const out = path.join(root, 'out', 'img');
    expect(plan.elements.map((e) => [e.name, e.reasons])).toEqual([
      ['myos', ['dependency of app']],
      ['app', ['requested']],
      ['base', ['added by default (-n leaves it out)']],
    ]);
    expect(plan.hooks.phases.install.map((h) => `${h.name}:${h.element}`)).toEqual(['00-base:base', '10-myos:myos', '50-app:app']);
    expect(fromOutside(plan)).toEqual({ APP_MODE: 'slow', DIB_EXTRA: 'yes' });
    expect(fromOutside(plan, plan.environmentOrigins)).toEqual({ APP_MODE: 'environment', DIB_EXTRA: 'environment' });
    // What the core sets is in the plan too, decided now.
    expect(plan.environment).toMatchObject({
      ARCH: 'amd64',
      IMAGE_NAME: out,
      IMAGE_ELEMENT: 'myos app base',
      DIB_ROOT_LABEL: 'cloudimg-rootfs',
      DIB_IMAGE_KIND: 'disk',
      DIB_IMAGE_CACHE: path.join(root, 'cache'),
    });
    expect(plan.environment.DIB_BLOCK_DEVICE_LABEL).toBeUndefined();
    expect(plan.outputs).toEqual([
      { type: 'tar', path: `${out}.tar` },
      { type: 'tgz', path: `${out}.tgz` },
    ]);
    expect(plan.manifestDir).toBe(`${out}.d`);
    expect(plan.logfile).toBe(`${out}.log`);
    expect(plan.imageCache).toBe(path.join(root, 'cache'));
    expect(plan.warnings).toEqual([]);
    expect(plan.hostTools.map((t) => `${t.anyOf.join('|')} <- ${t.neededBy}`)).toEqual([
      'chroot <- dib',
      'mount <- dib',
      'tar <- output tar',
      'pigz|gzip <- output tgz',
    ]);
  });

  it('creating a plan touches nothing on disk', async () => {
    const { root, elementsDir } = fixtureProject();
    const before = readdirSync(root).sort();
    await createPlan(request(root, elementsDir, { types: ['tar'] }));
    expect(readdirSync(root).sort()).toEqual(before);
    expect(existsSync(path.join(root, 'out'))).toBe(false);
    expect(existsSync(path.join(root, 'cache'))).toBe(false);
  });

  it('skipBase (-n) leaves base out', async () => {
    const { root, elementsDir } = fixtureProject();
    const plan = await createPlan(request(root, elementsDir, { types: ['tar'], skipBase: true }));
    expect(plan.elements.map((e) => e.name)).toEqual(['myos', 'app']);
  });

  it("the config file's environment sits between element defaults and the caller's environment", async () => {
    const { root, elementsDir } = fixtureProject();
    const plan = await createPlan(request(root, elementsDir, { types: ['tar'], environment: { APP_MODE: 'from-config', DIB_Y: 'c' } }, { DIB_Y: 'caller' }));
    expect(fromOutside(plan)).toEqual({ APP_MODE: 'from-config', DIB_Y: 'caller' });
    expect(fromOutside(plan, plan.environmentOrigins)).toEqual({ APP_MODE: 'config file', DIB_Y: 'environment' });
  });

  it('--image-size with tar is a warning that it has no effect', async () => {
    const { root, elementsDir } = fixtureProject();
    const plan = await createPlan(request(root, elementsDir, { types: ['tar'], size: '2G' }));
    expect(plan.warnings).toEqual(['--image-size has no effect on tar output: it applies to disk image formats']);
    expect(formatPlan(plan)).toContain('Warnings:\n  --image-size has no effect on tar output');
  });

  it('--image-size with a disk format is no warning, and the plan shows the size', async () => {
    const { root, elementsDir } = fixtureProject();
    const plan = await createPlan(request(root, elementsDir, { types: ['tar', 'raw'], size: '2G' }));
    expect(plan.warnings).toEqual([]);
    expect(formatPlan(plan)).toContain('image0: bare filesystem image, 2G');
  });

  it('warnings from element lookup and the hook tree reach the plan', async () => {
    const { root, elementsDir } = fixtureProject();
    const shadow = path.join(root, 'shadow');
    writeClassicElement(shadow, 'myos', { provides: ['operating-system'], files: { 'install.d/10-shadow.sh': SCRIPT } });
    const req = request(root, elementsDir, { types: ['tar'] });
    const plan = await createPlan({ ...req, elementsPath: [shadow, elementsDir] });
    expect(plan.warnings).toEqual([
      `element "myos" from ${path.join(shadow, 'myos')} overrides ${path.join(elementsDir, 'myos')}`,
      expect.stringMatching(/^myos: install\.d\/10-shadow\.sh is skipped: /),
    ]);
  });

  it('resolution errors surface unchanged (missing OS element)', async () => {
    const root = tempDir();
    const elementsDir = path.join(root, 'elements');
    writeClassicElement(elementsDir, 'base', {});
    writeClassicElement(elementsDir, 'lonely', {});
    const err = await dibError(createPlan(request(root, elementsDir, { types: ['tar'], elements: ['lonely'] })));
    expect(err.code).toBe('DIB_E_NO_OPERATING_SYSTEM');
    expect(err.message).toContain('lonely, base');
  });
});

describe('formatPlan', () => {
  it('lists elements with source and reasons, every phase with its scripts and owner, environment and outputs', async () => {
    const { root, elementsDir } = fixtureProject();
    const plan = await createPlan(request(root, elementsDir, { types: ['tar'], packages: ['vim', 'curl'] }, { DIB_EXTRA: 'yes', FOO: 'no' }));
    const text = formatPlan(plan);
    const lines = text.split('\n');
    const out = path.join(root, 'out', 'img');

    expect(lines[0]).toBe('Image img: amd64, output tar');
    // elements, in order, with where they came from and why
    const elementLines = lines.slice(lines.indexOf('Elements (in order):') + 1, lines.indexOf('Elements (in order):') + 4);
    expect(elementLines[0]).toMatch(new RegExp(`^  myos +${path.join(elementsDir, 'myos').replace(/[.]/g, '\\.')} +dependency of app$`));
    expect(elementLines[1]).toMatch(/^ {2}app +@dib\/element-app@0\.3\.0 +requested$/);
    expect(elementLines[2]).toMatch(/^ {2}base +.+ +added by default \(-n leaves it out\)$/);

    // every phase, in run order, each script with its element
    const phaseHeaders = lines.filter((l) => /^ {2}[a-z-]+ \((host|chroot)\)/.test(l)).map((l) => l.trim().split(' ')[0]);
    expect(phaseHeaders).toEqual(PHASE_NAMES);
    for (const p of PHASE_NAMES) expect(text).toContain(`  ${p} (${PHASES[p].where})`);
    expect(text).toContain('  block-device (host): nothing to run');
    const scriptLines = lines.filter((l) => /^ {4}\S/.test(l)).map((l) => l.trim().split(/ +/).join(' '));
    expect(scriptLines).toEqual([
      '05-myos-root myos',
      '00-base base',
      '10-myos myos',
      '50-app app',
      '20-app app',
      '90-base base',
      '10-myos.bash myos', // environment.d
    ]);
    const rootAt = lines.indexOf('  root (host)');
    expect(lines[rootAt + 1]).toMatch(/^ {4}05-myos-root +myos$/);
    const installAt = lines.indexOf('  install (chroot)');
    expect(lines.slice(installAt + 1, installAt + 4).map((l) => l.trim().split(/ +/).join(' '))).toEqual(['00-base base', '10-myos myos', '50-app app']);
    expect(text).toContain('environment.d (sourced before every script, in this order):');

    // environment: element defaults and the caller's DIB_* only, with origins
    expect(text).toContain('Environment passed to hooks:\n  APP_MODE=fast  (element default)\n  ARCH=amd64  (dib)\n  DIB_ARGS=dib create app  (dib)\n');
    for (const line of [
      '  DIB_DEBUG_TRACE=0  (dib)',
      '  DIB_EXTRA=yes  (environment)',
      '  DIB_DEFAULT_INSTALLTYPE=source  (dib)',
      '  DIB_PYTHON_VERSION=3  (dib)',
    ])
      expect(lines).toContain(line);
    // DIB_ENV records the DIB_* variables as bash's export prints them, one per line.
    expect(text).toContain('declare -x DIB_EXTRA="yes"');
    expect(text).toContain(
      'TARGET_ROOT, TMP_MOUNT_PATH, TMP_BUILD_DIR, TMP_HOOKS_PATH, DIB_ELEMENT_OUTPUT_DIR, _LIB: paths in the build directory, made when the build starts',
    );
    expect(text).not.toContain('FOO');

    expect(text).toContain('Extra packages (-p): vim curl');
    expect(text).toContain(`Outputs:\n  tar: ${out}.tar\n  manifests: ${out}.d/\n  log: ${out}.log`);
    expect(text).not.toContain('Warnings:');
  });

  it('marks TypeScript host hooks', async () => {
    const { root, elementsDir } = fixtureProject();
    writePackageElement(root, '@dib/element-tshook', {
      manifest: "export default { name: 'tshook', description: 'TS', hooks: { 'post-root': [{ name: '40-ts', run() {} }] } };\n",
    });
    const plan = await createPlan(request(root, elementsDir, { types: ['tar'], elements: ['app', 'tshook'] }));
    expect(formatPlan(plan)).toMatch(/\n {4}40-ts +tshook \(TypeScript\)\n/);
  });

  it('a ramdisk build adds the ramdisk element, plans its kernel and initramfs as outputs, and builds on disk', async () => {
    const { root, elementsDir } = fixtureProject();
    writePackageElement(root, '@dib/element-ramdisk', {
      manifest: {
        name: 'ramdisk',
        description: 'Test ramdisk',
        makes: ['ramdisk'],
        outputs: [
          { name: 'kernel', description: 'the kernel' },
          { name: 'initramfs', description: 'the ramdisk' },
        ],
      },
    });
    const req = request(root, elementsDir, { kind: 'ramdisk', types: ['qcow2'], size: '2G' });
    const plan = await createPlan({ ...req, tmpfs: true });
    const out = path.join(root, 'out', 'img');
    expect(plan.elements.map((e) => e.name)).toContain('ramdisk');
    expect(plan.outputs).toEqual([
      { type: 'element', path: `${out}.kernel`, element: 'ramdisk', name: 'kernel' },
      { type: 'element', path: `${out}.initramfs`, element: 'ramdisk', name: 'initramfs' },
    ]);
    expect(plan.layout).toBeUndefined();
    expect(plan.tmpfs).toBe(false);
    expect((await createPlan({ ...req, ramdiskTmpfs: true })).tmpfs).toBe(true);
    expect(plan.warnings).toContain('--image-size has no effect on a ramdisk: it applies to disk image formats');
    expect(formatPlan(plan)).toContain(`initramfs (element ramdisk): ${out}.initramfs`);
  });

  it('a ramdisk build with no element that makes the ramdisk is refused, naming the ramdisk element', async () => {
    const { root, elementsDir } = fixtureProject();
    const err = await dibError(createPlan(request(root, elementsDir, { kind: 'ramdisk', ramdiskElement: 'app' })));
    expect(err.code).toBe('DIB_E_ARGUMENT');
    expect(err.message).toContain('nothing in the build (with "app") declares makes: [\'ramdisk\']');
  });

  it('two elements declaring the same output name are refused', async () => {
    const { root, elementsDir } = fixtureProject();
    for (const name of ['one', 'two']) {
      writePackageElement(root, `dib-element-${name}`, { manifest: { name, description: name, outputs: [{ name: 'vmlinuz', description: 'kernel' }] } });
    }
    const err = await dibError(createPlan(request(root, elementsDir, { elements: ['app', 'one', 'two'], types: ['tar'] })));
    expect(err.code).toBe('DIB_E_HOOK_COLLISION');
    expect(err.message).toBe('output "vmlinuz" is declared by both "one" and "two"');
  });

  it('an element output named like a file dib writes itself (a format, a checksum, the log) is refused', async () => {
    const { root, elementsDir } = fixtureProject();
    // One package per name: an imported manifest is cached by its path.
    for (const [i, name] of ['qcow2', 'log', 'kernel.sha256'].entries()) {
      writePackageElement(root, `dib-element-greedy${i}`, { manifest: { name: `greedy${i}`, description: 'greedy', outputs: [{ name, description: 'x' }] } });
      const err = await dibError(createPlan(request(root, elementsDir, { elements: ['app', `greedy${i}`], types: ['tar'] })));
      expect(err.code).toBe('DIB_E_MANIFEST_INVALID');
      expect(err.message).toContain(`declares the output "${name}", a name dib itself writes`);
    }
  });
});
