/**
 * Collect and validate once, then run: a BuildPlan is pure data made from the options
 * and the elements. `dib create --dry-run` prints it; the builder only executes it.
 */
import os from 'node:os';
import path from 'node:path';
import type { ImageOptions } from './config/schema.js';
import { DibError, type ErrorLocation } from './errors.js';
import { ElementFinder } from './elements/finder.js';
import { resolveElements, type ResolvedElement } from './elements/resolve.js';
import type { Arch } from './arch.js';
import { describeSource } from './elements/types.js';
import { resolveEnvironment, type EnvOrigin } from './environment.js';
import { buildHookTree, type HookTree } from './hooks/hook-tree.js';
import { collectHostTools, type NeededTool } from './host/tools.js';
import { OUTPUT_FORMATS } from './outputs/formats.js';
import { resolveOutputPath } from './output-path.js';
import { chooseLayout } from './block-device/choose-layout.js';
import { mountPointsOf, type Layout } from './block-device/layout.js';
import { checkDiskSize } from './block-device/size-limits.js';
import { checkBreakpoints } from './contract/break-points.js';
import { parseSize } from './block-device/size.js';
import type { DiskHook } from './contract/manifest.js';
import { sortRunParts } from './hooks/run-parts.js';
import { PHASES, PHASE_NAMES } from './contract/phases.js';
import { DEFAULT_ROOT_LABEL } from './contract/root-label.js';
import { withIdentities } from './block-device/fstab.js';
import { identitySeed } from './stage-cache/keys.js';
import { MANIFEST_IMAGE_DIR } from './executor/image-metadata.js';
import { classicVariables, dibEnvText } from './classic/variables.js';
import { stageCacheSettings, type StageCacheSettings } from './stage-cache/settings.js';

export interface PlanRequest {
  /** Image name (used for IMAGE_NAME and messages). */
  name: string;
  image: ImageOptions & { output: string };
  elementsPath: readonly string[];
  /** Where element packages are resolved from: the user's project first. */
  searchRoots: readonly string[];
  imageCache?: string;
  offline: boolean;
  tmpfs: boolean;
  minTmpfs: number;
  logfile?: string;
  /** Ramdisk builds: build in tmpfs (off unless asked, as ramdisk-image-create). */
  ramdiskTmpfs?: boolean;
  /** The caller's environment (process.env). */
  callerEnv: NodeJS.ProcessEnv;
  /** The command line, recorded in /etc/dib_arguments. */
  argv: readonly string[];
  /** Warnings found before planning (the config search), reported with the plan's own. */
  warnings?: readonly string[];
  /** False for checks that plan part of an image (dib doctor vm): no operating-system element needed. */
  requireOperatingSystem?: boolean;
  /** --no-cache: run every phase, neither restore nor store stages. */
  noCache?: boolean;
}

export interface PlannedOutput {
  /** An output format (`-t`), or `element` for a file an element declares. */
  type: string;
  path: string;
  /** For element outputs: the declaring element and the file's name in DIB_ELEMENT_OUTPUT_DIR. */
  element?: string;
  name?: string;
}

/** A cache directory bind-mounted into the chroot phases (install, ..., not finalise). */
export interface PlannedCacheMount {
  readonly element: string;
  /** On the host, under the image cache. */
  readonly source: string;
  /** Inside the image. */
  readonly target: string;
}

/**
 * Variables whose values are paths of the build directory, made when the build starts;
 * every other variable a hook receives is in `environment`.
 */
export const BUILD_DIRECTORY_VARIABLES = ['TARGET_ROOT', 'TMP_MOUNT_PATH', 'TMP_BUILD_DIR', 'TMP_HOOKS_PATH', 'DIB_ELEMENT_OUTPUT_DIR', '_LIB'] as const;

/** The variables any element declares secret. */
const secretVariables = (elements: readonly ResolvedElement[]) =>
  [...new Set(elements.flatMap((el) => Object.entries(el.manifest.env).flatMap(([name, spec]) => (spec.secret ? [name] : []))))].sort();

/** A copy of `env` fit to show: each secret that has a value becomes ***. */
export function withSecretsMasked(env: Readonly<Record<string, string>>, secrets: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, secrets.includes(k) && v ? '***' : v]));
}

export interface BuildPlan {
  readonly name: string;
  readonly image: ImageOptions & { output: string };
  readonly elements: readonly ResolvedElement[];
  readonly hooks: HookTree;
  /** Every variable hooks receive, decided now (the build directory's paths are added when it exists). */
  readonly environment: Record<string, string>;
  readonly environmentOrigins: Record<string, EnvOrigin>;
  /** Variables elements declare secret (credentials): shown as *** wherever the plan is shown. */
  readonly secrets: readonly string[];
  /** Cache directories mounted into the chroot, with variables expanded. */
  readonly cacheMounts: readonly PlannedCacheMount[];
  readonly outputs: readonly PlannedOutput[];
  /** Disk formats asked for but not made, because an element makes the product itself (noFinalImage, DIB's no-final-image). */
  readonly noFinalImage?: { readonly element: string; readonly types: readonly string[] };
  /** Block-device layout, present when a disk format is requested; every filesystem has its label or UUID. */
  readonly layout?: Layout;
  readonly layoutSource?: string;
  /** Hooks run on the assembled disk, in run-parts order. */
  readonly diskHooks: readonly { name: string; element: string; hook: DiskHook }[];
  readonly manifestDir: string;
  readonly logfile: string;
  readonly imageCache: string;
  readonly offline: boolean;
  /** Stages stored after phases and restored by later builds with the same inputs. */
  readonly stageCache: StageCacheSettings;
  readonly tmpfs: boolean;
  readonly minTmpfs: number;
  readonly hostTools: readonly NeededTool[];
  readonly warnings: readonly string[];
  readonly argv: readonly string[];
}

/** Options that only apply to disk formats; with tar/tgz they have no effect, and we say so. */
const DISK_ONLY_OPTIONS: [keyof ImageOptions, string][] = [
  ['size', '--image-size'],
  ['extraSize', '--image-extra-size'],
  ['mkfsOptions', '--mkfs-options'],
  ['qemuImgOptions', '--qemu-img-options'],
  ['qcow2Compression', '--qcow2-compression'],
  ['uncompressed', '-u'],
];

export const defaultImageCache = (env: NodeJS.ProcessEnv) => env.DIB_IMAGE_CACHE ?? path.join(os.homedir(), '.cache', 'image-create');

/** An element that names the architectures it works on refuses the others before anything runs. */
function refuseUnsupportedArch(elements: readonly ResolvedElement[], arch: Arch): void {
  for (const el of elements) {
    const supported = el.manifest.architectures;
    if (!supported || supported.includes(arch)) continue;
    throw new DibError('DIB_E_ARCH_UNSUPPORTED', `element ${el.name} does not work on ${arch}; it supports ${supported.join(', ')}`, {
      location: { element: el.name, key: 'arch' },
      hint: `Build for ${supported.join(' or ')} (-a), or leave ${el.name} out (${el.reasons.join('; ')}).`,
    });
  }
}

export async function createPlan(req: PlanRequest): Promise<BuildPlan> {
  checkBreakpoints(req.callerEnv);
  const warnings: string[] = [...(req.warnings ?? [])];
  const ramdisk = req.image.kind === 'ramdisk';
  const finder = new ElementFinder({ elementsPath: req.elementsPath, searchRoots: req.searchRoots });
  const requested = ramdisk && !req.image.elements.includes(req.image.ramdiskElement) ? [...req.image.elements, req.image.ramdiskElement] : req.image.elements;
  const elements = await resolveElements(requested, finder, {
    addBase: !req.image.skipBase,
    requireOperatingSystem: req.requireOperatingSystem,
    arch: req.image.arch,
  });
  refuseUnsupportedArch(elements, req.image.arch);
  if (ramdisk && !elements.some((el) => el.manifest.makes.includes('ramdisk'))) {
    throw new DibError(
      'DIB_E_ARGUMENT',
      `a ramdisk build needs an element that makes the ramdisk; nothing in the build (with "${req.image.ramdiskElement}") declares makes: ['ramdisk']`,
      {
        location: { element: req.image.ramdiskElement },
        hint: 'Leave --ramdisk-element out (the default, ramdisk, makes one), or name an element built on ramdisk-base.',
      },
    );
  }
  // A ramdisk build's product is the ramdisk element's kernel and initramfs, not -t formats;
  // with no-final-image an element makes the product, so no disk format is made either.
  const noFinalImage = ramdisk ? undefined : skippedDiskFormats(req.image.types, elements);
  const types = ramdisk ? [] : req.image.types.filter((t) => !noFinalImage?.types.includes(t));
  const diskTypes = types.filter((t) => OUTPUT_FORMATS[t]?.kind === 'disk');
  if (diskTypes.length === 0) {
    const what = ramdisk ? 'a ramdisk' : noFinalImage?.types.length ? `a build with ${noFinalImage.element}` : `${types.join(', ')} output`;
    for (const [key, flag] of DISK_ONLY_OPTIONS) {
      if (req.image[key]) warnings.push(`${flag} has no effect on ${what}: it applies to disk image formats`);
    }
  }
  warnings.push(...finder.warnings);
  const hooks = buildHookTree(elements);
  warnings.push(...hooks.warnings);
  const env = resolveEnvironment(elements, req.image.environment, req.callerEnv, req.image.arch);

  const imageCache = req.imageCache ?? defaultImageCache(req.callerEnv);
  const output = resolveOutputPath(req.image.output, types);
  const rootLabel = req.image.rootLabel ?? DEFAULT_ROOT_LABEL;
  const chosen = diskTypes.length ? chooseLayout(elements, req.image.blockDevice, env.values, rootLabel, req.image.arch) : undefined;
  // Identities are decided here, so fstab, the bootloader and the dry-run agree; from the inputs, so rebuilds agree too.
  const layout =
    chosen &&
    withIdentities(chosen.layout, identitySeed(elements, hooks, env.values, { arch: req.image.arch, packages: req.image.packages, layout: chosen.layout }));
  if (layout && chosen) checkDiskSize(layout, req.image.size ? parseSize(req.image.size) : undefined, diskTypes, chosen.source);
  const hostTools = collectHostTools(elements, types, layout, req.image.arch);
  const core = {
    ...coreVariables(req, elements, output, imageCache, rootLabel, layout),
    ...classicVariables({
      elements,
      elementsPath: req.elementsPath,
      given: env.values,
      installType: req.image.installType,
      checksum: req.image.checksum,
      argv: req.argv,
      layout,
    }),
  };
  const environment: Record<string, string> = { ...env.values, ...core };
  environment.DIB_ENV = dibEnvText(environment);
  const environmentOrigins = { ...env.origins, ...Object.fromEntries([...Object.keys(core), 'DIB_ENV'].map((k) => [k, 'dib' as const])) };
  warnings.push(...uninstalledPackages(elements));
  claimOnce(
    elements,
    (el) => el.manifest.diskHooks.map((h) => h.name),
    (name) => `disk hook ${name}`,
    (name) => ({ phase: 'disk', script: name }),
  );
  const diskHooks = sortRunParts(
    elements.flatMap((el) => el.manifest.diskHooks.map((hook) => ({ name: hook.name, element: el.name, hook }))),
    (h) => h.name,
  );
  return {
    name: req.name,
    image: { ...req.image, types, output },
    elements,
    hooks,
    environment,
    environmentOrigins,
    secrets: secretVariables(elements),
    cacheMounts: cacheMounts(elements, environment, imageCache),
    outputs: [
      ...types.map((type) => ({
        type,
        path: OUTPUT_FORMATS[type].writesFile ? `${output}.${OUTPUT_FORMATS[type].extension}` : `docker image ${path.basename(output)}:latest`,
      })),
      ...elementOutputs(elements, output),
    ],
    noFinalImage,
    layout,
    layoutSource: chosen?.source,
    diskHooks: chosen ? diskHooks : [],
    manifestDir: `${output}.d`,
    logfile: req.logfile ?? `${output}.log`,
    imageCache,
    offline: req.offline,
    stageCache: stageCacheSettings(req.callerEnv, imageCache, req.noCache ?? false),
    // As ramdisk-image-create: ramdisk trees are built on disk unless tmpfs is asked for.
    tmpfs: ramdisk ? (req.ramdiskTmpfs ?? false) : req.tmpfs,
    minTmpfs: req.minTmpfs,
    hostTools,
    warnings,
    argv: req.argv,
  };
}

/** DIB's no-final-image: with an element declaring noFinalImage, the requested disk formats are not made (tree formats still are, as in DIB). */
function skippedDiskFormats(types: readonly string[], elements: readonly ResolvedElement[]): BuildPlan['noFinalImage'] {
  const by = elements.find((el) => el.manifest.noFinalImage);
  return by && { element: by.name, types: types.filter((t) => OUTPUT_FORMATS[t]?.kind === 'disk') };
}

/** The variables the core sets for every hook (CORE_VARIABLES documents them), less the build directory's paths. */
function coreVariables(
  req: PlanRequest,
  elements: readonly ResolvedElement[],
  output: string,
  imageCache: string,
  rootLabel: string,
  layout: Layout | undefined,
): Record<string, string> {
  const vars: Record<string, string> = {
    ARCH: req.image.arch,
    // The output path without extension, as DIB's -o: elements write IMAGE_NAME.d/, IMAGE_NAME.initramfs beside it.
    IMAGE_NAME: output,
    IMAGE_ELEMENT: elements.map((e) => e.name).join(' '),
    DIB_IMAGE_CACHE: imageCache,
    DIB_OFFLINE: req.offline ? '1' : '',
    DIB_DEBUG_TRACE: req.image.trace ? '1' : '0',
    DIB_INSTALL_PACKAGES: req.image.packages.join(' '),
    DIB_MANIFEST_IMAGE_DIR: MANIFEST_IMAGE_DIR,
    DIB_ROOT_LABEL: rootLabel,
    DIB_IMAGE_KIND: req.image.kind,
    LANG: 'C.UTF-8',
  };
  if (layout) {
    // The bootloader finds the root by this label, so it must be the layout's own.
    const rootFs = layout.filesystems.find((f) => f.mountPoint === '/');
    if (rootFs?.label) vars.DIB_ROOT_LABEL = rootFs.label;
    vars.DIB_BLOCK_DEVICE_LABEL = layout.table?.label ?? 'none';
    vars.DIB_BLOCK_DEVICE_MOUNTS = mountPointsOf(layout).join(' ');
  }
  return vars;
}

function cacheMounts(elements: readonly ResolvedElement[], env: Record<string, string>, imageCache: string): PlannedCacheMount[] {
  return elements.flatMap((el) =>
    el.manifest.cacheMounts
      .filter((m) => !(m.disableWith && env[m.disableWith] === '0'))
      .map((m) => ({
        element: el.name,
        source: path.join(
          imageCache,
          m.cache.replace(/\$\{(\w+)\}/g, (_, v: string) => env[v] ?? ''),
        ),
        target: m.target,
      })),
  );
}

/** Packages declared in manifests are installed by an element that says it does (installsPackages); without one they would be silently skipped. */
function uninstalledPackages(elements: readonly ResolvedElement[]): string[] {
  if (elements.some((el) => el.manifest.installsPackages)) return [];
  return elements
    .filter((el) => Object.keys(el.manifest.packages).length)
    .map(
      (el) =>
        `element "${el.name}" declares packages (${Object.keys(el.manifest.packages).join(', ')}) but nothing in the build installs them: add package-installs`,
    );
}

/** Names (disk hooks, outputs) that two elements would both write: each may be declared once per build. */
function claimOnce(
  elements: readonly ResolvedElement[],
  namesOf: (el: ResolvedElement) => string[],
  label: (name: string) => string,
  where: (name: string) => Omit<ErrorLocation, 'element'>,
  hint?: string,
): void {
  const owners = new Map<string, string>();
  for (const el of elements) {
    for (const name of namesOf(el)) {
      const prior = owners.get(name);
      if (prior) {
        throw new DibError('DIB_E_HOOK_COLLISION', `${label(name)} is declared by both "${prior}" and "${el.name}"`, {
          location: { element: el.name, ...where(name) },
          hint,
        });
      }
      owners.set(name, el.name);
    }
  }
}

/**
 * Files elements declare. A name must not be another output's: another element's, a
 * format's extension, a checksum, the log or the manifest directory.
 */
function elementOutputs(elements: readonly ResolvedElement[], output: string): PlannedOutput[] {
  const reserved = new Set(['log', 'd', ...Object.values(OUTPUT_FORMATS).map((f) => f.extension)]);
  for (const el of elements) {
    for (const o of el.manifest.outputs) {
      if (reserved.has(o.name) || /\.(sha256|md5)$/.test(o.name)) {
        throw new DibError(
          'DIB_E_MANIFEST_INVALID',
          `element "${el.name}" declares the output "${o.name}", a name dib itself writes (formats, checksums, the log, the manifest directory)`,
          {
            location: { element: el.name, key: 'outputs' },
            hint: "Rename the output in the element's manifest (outputs[].name), e.g. after the element.",
          },
        );
      }
    }
  }
  claimOnce(
    elements,
    (el) => el.manifest.outputs.map((o) => o.name),
    (name) => `output "${name}"`,
    () => ({}),
    'Leave one of the two elements out of the build: both would write the same OUTPUT.NAME file.',
  );
  return elements.flatMap((el) => el.manifest.outputs.map((o) => ({ type: 'element', path: `${output}.${o.name}`, element: el.name, name: o.name })));
}

/** Human-readable plan for --dry-run. */
export function formatPlan(plan: BuildPlan): string {
  const kinds = plan.image.kind === 'ramdisk' ? 'ramdisk (kernel + initramfs)' : plan.image.types.join(', ') || 'no image format';
  const lines: string[] = [`Image ${plan.name}: ${plan.image.arch}, output ${kinds}`, '', 'Elements (in order):'];
  for (const el of plan.elements) lines.push(`  ${el.name.padEnd(20)} ${describeSource(el.source).padEnd(40)} ${el.reasons.join('; ')}`);
  lines.push('', 'Phases:');
  for (const phase of PHASE_NAMES) {
    const hooks = plan.hooks.phases[phase];
    lines.push(`  ${phase} (${PHASES[phase].where})${hooks.length ? '' : ': nothing to run'}`);
    for (const h of hooks) lines.push(`    ${h.name.padEnd(36)} ${h.element}${h.hostHook ? ' (TypeScript)' : ''}`);
  }
  if (plan.hooks.environment.length) {
    lines.push('', 'environment.d (sourced before every script, in this order):');
    for (const h of plan.hooks.environment) lines.push(`    ${h.name.padEnd(36)} ${h.element}`);
  }
  lines.push('', 'Environment passed to hooks:');
  // One line per variable: a multi-line value (DIB_ENV) shows its line breaks as \n.
  for (const [k, v] of Object.entries(withSecretsMasked(plan.environment, plan.secrets)).sort())
    lines.push(`  ${k}=${v.replace(/\n/g, '\\n')}  (${plan.environmentOrigins[k]})`);
  lines.push(`  ${BUILD_DIRECTORY_VARIABLES.join(', ')}: paths in the build directory, made when the build starts`);
  if (plan.cacheMounts.length) {
    lines.push('', 'Cache mounts (chroot phases, not finalise):');
    for (const m of plan.cacheMounts) lines.push(`  ${m.source} -> ${m.target}  (${m.element})`);
  }
  if (plan.image.packages.length) lines.push('', `Extra packages (-p): ${plan.image.packages.join(' ')}`);
  if (plan.layout) {
    lines.push('', `Block-device layout (from ${plan.layoutSource}):`);
    const t = plan.layout.table;
    lines.push(
      `  ${plan.layout.image.name}: ${t ? `${t.label} partition table` : 'bare filesystem image'}${plan.image.size ? `, ${plan.image.size}` : ', sized from content'}`,
    );
    for (const p of t?.partitions ?? [])
      lines.push(
        `    partition ${p.name}: ${'bytes' in p.size ? `${p.size.bytes} bytes` : `${p.size.percent}%`}${p.flags.length ? ` [${p.flags.join(',')}]` : ''} type ${p.type}`,
      );
    for (const f of plan.layout.filesystems)
      lines.push(
        `    ${f.type} on ${f.base}${f.label ? ` label ${f.label}` : ''}${f.uuid ? ` uuid ${f.uuid}` : ''}${f.mountPoint ? ` at ${f.mountPoint}` : ''}`,
      );
    for (const h of plan.diskHooks) lines.push(`    disk step ${h.name} (${h.element})`);
  }
  lines.push('', 'Outputs:');
  for (const o of plan.outputs) lines.push(`  ${o.element ? `${o.name} (element ${o.element})` : o.type}: ${o.path}`);
  if (plan.noFinalImage)
    lines.push(
      `  no final image (element ${plan.noFinalImage.element})${plan.noFinalImage.types.length ? `: ${plan.noFinalImage.types.join(', ')} not made` : ''}`,
    );
  lines.push(`  manifests: ${plan.manifestDir}/`, `  log: ${plan.logfile}`);
  if (plan.warnings.length) lines.push('', 'Warnings:', ...plan.warnings.map((w) => `  ${w}`));
  return lines.join('\n');
}
