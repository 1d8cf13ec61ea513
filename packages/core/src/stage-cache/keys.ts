/**
 * Stage keys: after each phase, a key made of everything that can change the tree up to
 * that point. The first phase's key holds what every script can see (variables, the
 * element set and their packages, environment.d, bin/, static/, the layout, dib's own
 * code); each phase adds its own scripts. Changing one install.d script changes
 * install's key and those after it, not the keys of the phases before.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { keyOf } from '../cache/index.js';
import { PHASE_NAMES, PHASES, phaseOfDir, type PhaseName } from '../contract/phases.js';
import type { ResolvedElement } from '../elements/resolve.js';
import type { HookEntry, HookTree } from '../hooks/hook-tree.js';
import type { BuildPlan } from '../plan.js';
import { contentDigest } from './digest.js';
import { OUTPUT_FORMATS } from '../outputs/formats.js';
import { keyedEnvironment } from './keyed-environment.js';

/** Bumped when what an entry holds, or how a key is made, changes. */
export const STAGE_FORMAT = 1;

export interface StageKeys {
  /** One key per phase: the tree after that phase. */
  readonly phases: Record<PhaseName, string>;
  /**
   * Within a phase: `scripts[phase][i]` is the tree after its first i + 1 scripts (all but
   * the last: after the last comes the phase's own key). Each chains on the key before the
   * phase, the phase's data files and those scripts, not on the scripts after them.
   */
  readonly scripts: Record<PhaseName, string[]>;
  /** The finished outputs: the last phase's key plus everything that shapes the files. */
  readonly outputs: string;
}

/** @dib/core's own code and shell library (the runtime every script sources), whatever its version says. */
let coreDigest: string | undefined;
const CORE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const ownCode = () => (coreDigest ??= contentDigest(CORE_ROOT, (relative) => /^(node_modules|src|test|schema)(\/|$)|\.(md|tsbuildinfo)$/.test(relative)));

/** Digests of an element set's files, memoised per hook tree. */
class ElementDigests {
  private readonly files = new Map<string, string>();
  private readonly packages = new Map<string, string>();
  constructor(
    private readonly elements: readonly ResolvedElement[],
    private readonly hooks: HookTree,
  ) {}

  file(source: string): string {
    return this.files.get(source) ?? this.files.set(source, contentDigest(source)).get(source)!;
  }

  hook(e: HookEntry) {
    return { name: e.name, element: e.element, content: e.source ? this.file(e.source) : this.package(e.element) };
  }

  /** Files in hook tree directories `dir` selects, with their digests. */
  tree(select: (dir: string) => boolean) {
    return this.hooks.files.filter((f) => select(f.dir)).map((f) => ({ dir: f.dir, ...this.hook(f.entry) }));
  }

  /**
   * A package element's code and data, less its hook directories (keyed per phase), what
   * it does not ship (sources, tests, dependencies) and what no build reads (READMEs,
   * licences). TypeScript hooks and manifests live here.
   */
  package(name: string): string {
    const hit = this.packages.get(name);
    if (hit !== undefined) return hit;
    const el = this.elements.find((e) => e.name === name);
    if (!el || el.source.kind !== 'package') return '';
    const hookDirs = new Set(this.hooks.files.map((f) => f.dir).filter(Boolean));
    const hooksDir = el.manifest.hooksDir.replace(/^\.\/?|\/$/g, '');
    const digest = contentDigest(el.source.packageRoot, (relative) => {
      const [top, ...rest] = relative.split('/');
      if (['node_modules', 'src', 'test', '.git'].includes(top) || /\.(tsbuildinfo|md)$/.test(relative) || /^LICEN[CS]E/.test(relative)) return true;
      const underHooks = hooksDir ? (top === hooksDir ? rest.join('/') : undefined) : relative;
      return underHooks !== undefined && !underHooks.includes('/') && hookDirs.has(underHooks);
    });
    this.packages.set(name, digest);
    return digest;
  }

  /** What every phase depends on: dib's code, the elements in order with their packages, and the files no phase owns. */
  shared() {
    return {
      core: ownCode(),
      elements: this.elements.map((el) => ({ name: el.name, package: el.source.kind === 'package' ? this.package(el.name) : null })),
      // environment.d, bin/, static/, data directories, a classic element's top-level files.
      files: this.tree((dir) => !phaseOfDir(dir)),
    };
  }
}

/**
 * The seed of the filesystem identities a layout leaves open: the elements' contents and
 * the variables, so the same inputs give the same UUIDs and any change gives new ones.
 */
export const identitySeed = (elements: readonly ResolvedElement[], hooks: HookTree, env: Readonly<Record<string, string>>, extra: unknown): string => {
  const digests = new ElementDigests(elements, hooks);
  return keyOf({ shared: digests.shared(), phases: digests.tree((dir) => !!phaseOfDir(dir)), env: keyedEnvironment(env), extra });
};

export function stageKeys(plan: BuildPlan): StageKeys {
  const digests = new ElementDigests(plan.elements, plan.hooks);
  let previous = keyOf({
    format: STAGE_FORMAT,
    kind: plan.image.kind,
    environment: keyedEnvironment(plan.environment),
    layout: plan.layout ?? null,
    cacheMounts: plan.cacheMounts.map((m) => m.target),
    ...digests.shared(),
  });
  const phases = {} as Record<PhaseName, string>;
  const scripts = {} as Record<PhaseName, string[]>;
  for (const phase of PHASE_NAMES) {
    const hooks = plan.hooks.phases[phase];
    const files = digests.tree((dir) => dir === PHASES[phase].dir);
    const run = new Set(hooks.map((h) => h.name));
    let point = keyOf({ previous, phase, data: files.filter((f) => !run.has(f.name)) });
    scripts[phase] = hooks.slice(0, -1).map((h) => (point = keyOf({ previous: point, script: digests.hook(h) })));
    // Data files beside the scripts count as much as the scripts; TypeScript hooks by their package.
    const typescript = hooks.filter((h) => h.hostHook).map((h) => digests.hook(h));
    previous = phases[phase] = keyOf({ previous, phase, files, typescript });
  }
  const outputs = keyOf({
    tree: previous,
    formats: plan.image.types,
    size: plan.image.size ?? null,
    extraSize: plan.image.extraSize ?? null,
    mkfsOptions: plan.image.mkfsOptions ?? null,
    qemuImgOptions: plan.image.qemuImgOptions ?? null,
    uncompressed: plan.image.uncompressed,
    qcow2Compression: plan.image.qcow2Compression ?? null,
    squashfsCompression: plan.image.squashfsCompression ?? null,
    checksum: plan.image.checksum,
    diskHooks: plan.diskHooks.map((h) => ({ name: h.name, element: h.element, package: digests.package(h.element) })),
    outputs: plan.outputs.map((o) => ({ type: o.type, name: o.name ?? null, element: o.element ?? null })),
  });
  return { phases, scripts, outputs };
}

/** Whether every output is a file the cache can hold (a docker image is not). */
export const outputsCacheable = (plan: BuildPlan) => plan.outputs.every((o) => o.element || OUTPUT_FORMATS[o.type].writesFile);
