/**
 * An in-process harness for element authors, as ESLint's RuleTester is for rules: plan a
 * build with given elements, load an element package from a directory, and run one
 * TypeScript hook against a fixture tree, all without root or a real build. Hooks run
 * their host commands for real; runInImage is a real chroot (it needs root and a tree
 * that holds the command).
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CommandRunner,
  createPlan,
  ElementFinder,
  hookFilesOf,
  ImageSchema,
  type Arch,
  type AssembledDiskInfo,
  type BuildPlan,
  type HookContext,
  type HookStep,
  type ImageOptionsInput,
  type LoadedElement,
} from '@dib/core';

export interface PlanBuildOptions {
  /** Classic element directories (ELEMENTS_PATH). */
  elementsPath?: string[];
  /** Where element packages are resolved from (node_modules of these); default: this process's directory. */
  searchRoots?: string[];
  /** Image options as in a config file (types, arch, packages, blockDevice, environment, ...). */
  image?: Omit<ImageOptionsInput, 'elements'>;
  /** The caller's environment (only DIB_* and documented variables reach hooks); default empty. */
  env?: Record<string, string>;
  /** Output path without extension; default a name under the temp directory (nothing is written). */
  output?: string;
  /** Default false: a test may plan part of an image, without an operating-system element. */
  requireOperatingSystem?: boolean;
}

/** The plan `dib create --dry-run` would print for these elements. Touches nothing on disk. */
export function planBuild(elements: string[], options: PlanBuildOptions = {}): Promise<BuildPlan> {
  const image = ImageSchema.parse({ types: ['tar'], ...options.image, elements });
  return createPlan({
    name: 'test',
    image: { ...image, output: options.output ?? path.join(os.tmpdir(), 'dib-plan-test', 'image') },
    elementsPath: options.elementsPath ?? [],
    searchRoots: options.searchRoots ?? [process.cwd()],
    imageCache: path.join(os.tmpdir(), 'dib-plan-test', 'cache'),
    offline: false,
    tmpfs: false,
    minTmpfs: 4,
    callerEnv: options.env ?? {},
    argv: ['dib', 'create', ...elements],
    requireOperatingSystem: options.requireOperatingSystem ?? false,
  });
}

/** Loads one element by name, from packages under `searchRoots` or directories on `elementsPath`, as a build would. */
export function loadElement(name: string, options: { searchRoots?: string[]; elementsPath?: string[] } = {}): Promise<LoadedElement> {
  return new ElementFinder({ elementsPath: options.elementsPath ?? [], searchRoots: options.searchRoots ?? [process.cwd()] }).require(name);
}

export interface RunHookOptions {
  /** The image tree the hook works on (a fixture directory). */
  targetRoot: string;
  /** A plan (planBuild) whose elements, hook files, environment and architecture the hook sees. */
  plan?: BuildPlan;
  /** ctx.env; the element's own defaults are added under it. */
  env?: Record<string, string>;
  /** Where declared outputs go; default a fresh temp directory (HookRun.outputDir; the caller removes it). */
  outputDir?: string;
  imageCache?: string;
  arch?: string;
  offline?: boolean;
  /** For disk steps: the assembled disk. */
  disk?: AssembledDiskInfo;
  hookFiles?: HookContext['hookFiles'];
}

export interface HookRun {
  /** Lines the hook wrote with ctx.log and its commands printed. */
  log: string[];
  outputDir: string;
}

/**
 * Runs one TypeScript hook of a loaded element (`phase` is a host phase or `disk`,
 * `name` the hook's name) with a context like a build's. Rejects with what the hook throws.
 */
export async function runElementHook(element: LoadedElement, phase: HookStep, name: string, options: RunHookOptions): Promise<HookRun> {
  const hooks = phase === 'disk' ? element.manifest.diskHooks : (element.manifest.hooks[phase] ?? []);
  const hook = hooks.find((h) => h.name === name);
  if (!hook) throw new Error(`element ${element.name} has no ${phase} hook named ${name} (it has: ${hooks.map((h) => h.name).join(', ') || 'none'})`);
  const log: string[] = [];
  const runner = new CommandRunner((line) => log.push(line));
  const outputDir = options.outputDir ?? mkdtempSync(path.join(os.tmpdir(), 'dib-hook-outputs-'));
  const arch = options.arch ?? options.plan?.image.arch ?? 'amd64';
  const defaults = Object.fromEntries(
    Object.entries(element.manifest.env).flatMap(([k, v]) => {
      const value = v.defaultByArch?.[arch as Arch] ?? v.default;
      return value === undefined ? [] : [[k, value]];
    }),
  );
  const env = { ...defaults, ...options.plan?.environment, ...options.env };
  const controller = new AbortController();
  const ctx: HookContext = {
    element: element.name,
    phase,
    signal: controller.signal,
    env,
    targetRoot: options.targetRoot,
    hooksPath: path.join(outputDir, '.hooks'),
    outputDir,
    imageCache: options.imageCache ?? path.join(outputDir, '.cache'),
    offline: options.offline ?? false,
    arch,
    hookFiles: options.hookFiles ?? (options.plan ? hookFilesOf(options.plan.hooks) : []),
    elements: (options.plan?.elements ?? [element]).map((e) => ({ name: e.name, directory: e.directory, manifest: e.manifest })),
    disk: options.disk,
    log: (line) => log.push(line),
    run: (command, args, o = {}) => runner.run(command, args, { cwd: o.cwd, input: o.input, env: { ...env, ...o.env } }),
    runInImage: (command, args, o = {}) => runner.run('chroot', [options.targetRoot, command, ...args], { input: o.input, env: { ...env, ...o.env } }),
  };
  try {
    await hook.run(ctx as never);
    return { log, outputDir };
  } finally {
    controller.abort();
  }
}
