/**
 * Stage keys: after each phase, a key made of everything that can change the tree up to
 * that point. The first phase's key holds what every script can see (variables, the
 * element set and their packages, environment.d, bin/, static/, the layout); each
 * phase adds its own scripts. Changing one install.d script changes install's key and
 * those after it, not the keys of the phases before.
 */
import { keyOf } from '../cache/index.js';
import { CORE_VERSION } from '../elements/core-version.js';
import { PHASE_NAMES, PHASES, phaseOfDir, type PhaseName } from '../contract/phases.js';
import type { HookEntry } from '../hooks/hook-tree.js';
import type { BuildPlan } from '../plan.js';
import { contentDigest } from './digest.js';
import { OUTPUT_FORMATS } from '../outputs/formats.js';
import { keyedEnvironment } from './keyed-environment.js';

/** Bumped when what an entry holds, or how a key is made, changes. */
export const STAGE_FORMAT = 1;

export interface StageKeys {
  /** One key per phase: the tree after that phase. */
  readonly phases: Record<PhaseName, string>;
  /** The finished outputs: the last phase's key plus everything that shapes the files. */
  readonly outputs: string;
}

export function stageKeys(plan: BuildPlan): StageKeys {
  const digests = new Map<string, string>();
  const digestOf = (file: string) => digests.get(file) ?? digests.set(file, contentDigest(file)).get(file)!;
  const hookDigest = (e: HookEntry) => ({ name: e.name, element: e.element, content: e.source ? digestOf(e.source) : packageDigest(plan, e.element) });
  const phaseDirFiles = (phase: PhaseName) => plan.hooks.files.filter((f) => f.dir === PHASES[phase].dir).map((f) => ({ dir: f.dir, ...hookDigest(f.entry) }));

  let previous = keyOf({
    format: STAGE_FORMAT,
    core: CORE_VERSION,
    kind: plan.image.kind,
    environment: keyedEnvironment(plan.environment),
    layout: plan.layout ?? null,
    cacheMounts: plan.cacheMounts.map((m) => m.target),
    elements: plan.elements.map((el) => ({ name: el.name, package: el.source.kind === 'package' ? packageDigest(plan, el.name) : null })),
    // environment.d, bin/, static/, data directories, a classic element's top-level files.
    shared: plan.hooks.files.filter((f) => !phaseOfDir(f.dir)).map((f) => ({ dir: f.dir, ...hookDigest(f.entry) })),
  });
  const phases = {} as Record<PhaseName, string>;
  for (const phase of PHASE_NAMES) {
    // Data files beside the scripts count as much as the scripts; TypeScript hooks by their package.
    const typescript = plan.hooks.phases[phase].filter((h) => h.hostHook).map(hookDigest);
    previous = phases[phase] = keyOf({ previous, phase, files: phaseDirFiles(phase), typescript });
  }
  const outputs = keyOf({
    tree: previous,
    formats: plan.image.types,
    size: plan.image.size ?? null,
    extraSize: plan.image.extraSize ?? null,
    mkfsOptions: plan.image.mkfsOptions ?? null,
    qemuImgOptions: plan.image.qemuImgOptions ?? null,
    uncompressed: plan.image.uncompressed,
    checksum: plan.image.checksum,
    diskHooks: plan.diskHooks.map((h) => ({ name: h.name, element: h.element, package: packageDigest(plan, h.element) })),
    outputs: plan.outputs.map((o) => ({ type: o.type, name: o.name ?? null, element: o.element ?? null })),
  });
  return { phases, outputs };
}

/** Whether every output is a file the cache can hold (a docker image is not). */
export const outputsCacheable = (plan: BuildPlan) => plan.outputs.every((o) => o.element || OUTPUT_FORMATS[o.type].writesFile);

const packageDigests = new WeakMap<BuildPlan, Map<string, string>>();

/**
 * A package element's code and data, less its hook directories (keyed per phase) and
 * what it does not ship (sources, tests, dependencies). TypeScript hooks and manifests
 * live here.
 */
function packageDigest(plan: BuildPlan, name: string): string {
  const cached = packageDigests.get(plan) ?? packageDigests.set(plan, new Map()).get(plan)!;
  const hit = cached.get(name);
  if (hit) return hit;
  const el = plan.elements.find((e) => e.name === name);
  if (!el || el.source.kind !== 'package') return '';
  const hookDirs = new Set(plan.hooks.files.map((f) => f.dir).filter(Boolean));
  const hooksDir = el.manifest.hooksDir.replace(/^\.\/?|\/$/g, '');
  const digest = contentDigest(el.source.packageRoot, (relative) => {
    const [top, ...rest] = relative.split('/');
    if (['node_modules', 'src', 'test', '.git'].includes(top) || relative.endsWith('.tsbuildinfo')) return true;
    const underHooks = hooksDir ? (top === hooksDir ? rest.join('/') : undefined) : relative;
    return underHooks !== undefined && hookDirs.has(underHooks.split('/')[0]) && underHooks.split('/').length === 1;
  });
  cached.set(name, digest);
  return digest;
}
