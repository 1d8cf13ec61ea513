/**
 * The one way a hook runs, whatever it is: a script on the host, a script in the
 * chroot, a TypeScript host hook, or a disk step. Each gets the same events, log lines
 * and timing, and a failure is attributed to its element, phase and hook.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DibError, isDibError } from '../errors.js';
import { hookFilesOf, type HookEntry } from '../hooks/hook-tree.js';
import type { AssembledDiskInfo, HookContext, HookRunOptions, HookStep } from '../contract/hook-context.js';
import { PHASES } from '../contract/phases.js';
import { IN_TARGET_HOOKS } from './chroot.js';
import type { BuildContext } from './context.js';
import { ENV_LOADER, RUNTIME_LIB } from './hook-tree-writer.js';
import { CommandError, howItEnded } from './runner.js';

const CHROOT_PATH = `/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:${IN_TARGET_HOOKS}/bin`;
const WRAPPER = `. "$TMP_HOOKS_PATH/${ENV_LOADER}"; exec "$1"`;

const where = (step: HookStep) => (step === 'disk' ? 'host' : PHASES[step].where);
const dirOf = (step: HookStep) => (step === 'disk' ? 'disk' : PHASES[step].dir);

/** The environment a step's hooks get: in the chroot, paths are the chroot's own. */
export function phaseEnvironment(ctx: BuildContext, step: HookStep): Record<string, string> {
  if (where(step) === 'chroot') return chrootEnvironment(ctx.env);
  return { ...ctx.env, PATH: `${process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin'}:${ctx.hooksPath}/bin`, HOME: process.env.HOME ?? '/root' };
}

const chrootEnvironment = (env: Record<string, string>) => ({
  ...env,
  TMP_HOOKS_PATH: IN_TARGET_HOOKS,
  _LIB: `${IN_TARGET_HOOKS}/${RUNTIME_LIB}`,
  PATH: CHROOT_PATH,
  HOME: '/root',
});

export interface HookExtras {
  /** The assembled disk, for disk steps. */
  disk?: AssembledDiskInfo;
}

/** Runs one hook with its events, log lines and timing; a failure names element, phase and hook. */
export async function runHook(ctx: BuildContext, step: HookStep, hook: HookEntry, extras: HookExtras = {}): Promise<void> {
  const t0 = Date.now();
  const base = { phase: step, script: hook.name, element: hook.element };
  ctx.emit({ event: 'script-start', ...base });
  ctx.log.line(`-> ${step}/${hook.name} (element ${hook.element})`);
  try {
    await execute(ctx, step, hook, extras);
  } catch (cause) {
    ctx.emit({ event: 'script-end', ...base, durationMs: Date.now() - t0, status: 'failed' });
    throw attribute(ctx, step, hook, cause);
  }
  const durationMs = Date.now() - t0;
  ctx.log.line(`<- ${step}/${hook.name} (element ${hook.element}) ${(durationMs / 1000).toFixed(2)}s`);
  ctx.emit({ event: 'script-end', ...base, durationMs, status: 'ok' });
}

async function execute(ctx: BuildContext, step: HookStep, hook: HookEntry, extras: HookExtras): Promise<void> {
  const label = `${step}/${hook.name}`;
  const env = phaseEnvironment(ctx, step);
  if (hook.hostHook) {
    const { context, release } = await hookContext(ctx, step, hook, extras);
    try {
      await hook.hostHook.run(context as never);
    } finally {
      await release();
    }
  } else if (where(step) === 'chroot') {
    // The environment goes through chroot's own (exactly this set), not its argv, so values never show in ps.
    await ctx.runner.run('chroot', [ctx.targetRoot, '/bin/bash', '-c', WRAPPER, 'dib-hook', `${IN_TARGET_HOOKS}/${dirOf(step)}/${hook.name}`], {
      label,
      env,
      cleanEnv: true,
      hookScript: true,
    });
  } else {
    await ctx.runner.run('/bin/bash', ['-c', WRAPPER, 'dib-hook', path.join(ctx.hooksPath, dirOf(step), hook.name)], {
      label,
      env,
      cleanEnv: true,
      hookScript: true,
    });
  }
}

/** A hook's failure as the user reads it: which hook of which element, and how it ended. */
function attribute(ctx: BuildContext, step: HookStep, hook: HookEntry, cause: unknown): DibError {
  const location = { element: hook.element, phase: step, script: hook.name };
  const label = `${step}/${hook.name}`;
  if (isDibError(cause) && cause.code === 'DIB_E_INTERRUPTED') return cause;
  if (ctx.runner.isAborted) return new DibError('DIB_E_INTERRUPTED', `interrupted during ${label}`, { location });
  // A TypeScript hook that throws a DibError (or its element's ElementError) chose its code; keep it, and say where.
  if (hook.hostHook && isDibError(cause)) return cause.at(location);
  const detail =
    cause instanceof CommandError
      ? `${howItEnded(cause.exitCode, cause.signal)}; ${cause.tail.length ? cause.tailText : silentFailure(ctx)}`
      : String((cause as Error)?.stack ?? cause);
  const [first, ...rest] = detail.split('\n');
  const what = hook.hostHook ? `${step} hook ${hook.name}` : `${dirOf(step)}/${hook.name}`;
  const command = hook.hostHook && cause instanceof CommandError ? `: ${cause.command}` : '';
  return new DibError('DIB_E_HOOK_FAILED', `${what} of element "${hook.element}" failed${command} (${first})\n${rest.join('\n')}`.trimEnd(), {
    location,
    cause,
  });
}

/** What to say when a failed script printed nothing: where the log stopped, and how to see more. */
function silentFailure(ctx: BuildContext): string {
  const last = ctx.log.lastLine;
  return `it printed nothing before it ended${last ? `; the build log's last line before it: "${last}"` : ''}; rerun with -x (DIB_DEBUG_TRACE=1) to trace its commands`;
}

const environmentCache = new WeakMap<BuildContext, Map<HookStep, Promise<Record<string, string>>>>();

/**
 * The environment after environment.d, as the step's scripts see it: the loader is
 * sourced by bash on the host and the result read back. Once per step and build.
 */
function sourcedEnvironment(ctx: BuildContext, step: HookStep): Promise<Record<string, string>> {
  const env = phaseEnvironment(ctx, step);
  if (ctx.plan.hooks.environment.length === 0) return Promise.resolve(env);
  let perStep = environmentCache.get(ctx);
  if (!perStep) environmentCache.set(ctx, (perStep = new Map()));
  let pending = perStep.get(step);
  if (!pending) {
    pending = (async () => {
      const dir = mkdtempSync(path.join(ctx.buildDir, 'env-'));
      try {
        const dump = path.join(dir, 'env');
        await ctx.runner.run('/bin/bash', ['-c', `. "$TMP_HOOKS_PATH/${ENV_LOADER}" && env -0 > "$1"`, 'dib-env', dump], {
          label: `${step}/environment.d`,
          env,
          cleanEnv: true,
        });
        const after: Record<string, string> = {};
        for (const pair of readFileSync(dump, 'utf8').split('\0')) {
          const eq = pair.indexOf('=');
          if (eq > 0) after[pair.slice(0, eq)] = pair.slice(eq + 1);
        }
        // bash's own bookkeeping is not part of what the phase's scripts are given.
        for (const name of ['PWD', 'OLDPWD', 'SHLVL', '_']) if (!(name in env)) delete after[name];
        return after;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    })();
    perStep.set(step, pending);
  }
  return pending;
}

async function hookContext(ctx: BuildContext, step: HookStep, hook: HookEntry, extras: HookExtras) {
  const label = `${step}/${hook.name}`;
  const env = await sourcedEnvironment(ctx, step);
  // The chroot is entered for the hook's first runInImage and left when the hook ends, unless it was open already.
  let entered = false;
  const context: HookContext = {
    element: hook.element,
    phase: step,
    signal: ctx.signal,
    env,
    targetRoot: ctx.targetRoot,
    hooksPath: ctx.hooksPath,
    outputDir: ctx.elementOutputDir,
    imageCache: ctx.plan.imageCache,
    offline: ctx.plan.offline,
    arch: ctx.plan.image.arch,
    elements: ctx.plan.elements.map((e) => ({ name: e.name, directory: e.directory, manifest: e.manifest })),
    hookFiles: hookFilesOf(ctx.plan.hooks),
    disk: extras.disk,
    log: (line) => ctx.log.line(line, `${label} (${hook.element})`),
    run: (command, args, options: HookRunOptions = {}) =>
      ctx.runner.run(command, args, { label, cwd: options.cwd, input: options.input, env: { ...env, ...options.env }, cleanEnv: true }),
    runInImage: async (command, args, options: HookRunOptions = {}) => {
      if (!ctx.chroot.isOpen) {
        await ctx.chroot.enter(false);
        entered = true;
      }
      const argv = options.cwd ? ['/bin/sh', '-c', 'cd "$0" && exec "$@"', options.cwd, command, ...args] : [command, ...args];
      return ctx.runner.run('chroot', [ctx.targetRoot, ...argv], {
        label,
        input: options.input,
        env: { ...chrootEnvironment(env), ...options.env },
        cleanEnv: true,
      });
    },
  };
  return {
    context,
    release: async () => {
      if (entered) await ctx.chroot.close();
    },
  };
}
