/**
 * Runs one hook: a script on the host, a script in the chroot, or a TypeScript host
 * hook. Scripts run with the sanitised environment after environment.d is sourced
 * (TypeScript hooks get the sanitised environment only), and
 * a failure is attributed to its element, phase and script.
 */
import path from 'node:path';
import { DibError, isDibError } from '../errors.js';
import type { HookEntry } from '../hooks/hook-tree.js';
import type { HostHookContext } from '../hook-context.js';
import { PHASES, type PhaseName } from '../phases.js';
import { IN_TARGET_HOOKS } from './chroot.js';
import type { BuildContext } from './context.js';
import { ENV_LOADER } from './hook-tree-writer.js';
import { CommandError, howItEnded } from './runner.js';

const CHROOT_PATH = `/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:${IN_TARGET_HOOKS}/bin`;
const WRAPPER = `. "$TMP_HOOKS_PATH/${ENV_LOADER}"; exec "$1"`;

/** The environment a phase's hooks get: in the chroot, paths are the chroot's own. */
export function phaseEnvironment(ctx: BuildContext, phase: PhaseName): Record<string, string> {
  if (PHASES[phase].where === 'chroot') {
    return { ...ctx.env, TMP_HOOKS_PATH: IN_TARGET_HOOKS, PATH: CHROOT_PATH, HOME: '/root' };
  }
  return { ...ctx.env, PATH: `${process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin'}:${ctx.hooksPath}/bin`, HOME: process.env.HOME ?? '/root' };
}

export async function runHook(ctx: BuildContext, phase: PhaseName, hook: HookEntry): Promise<void> {
  const env = phaseEnvironment(ctx, phase);
  const label = `${phase}/${hook.name}`;
  const dir = PHASES[phase].dir;
  try {
    if (hook.hostHook) {
      await hook.hostHook.run(hostHookContext(ctx, phase, hook, env));
    } else if (PHASES[phase].where === 'chroot') {
      // The environment goes through chroot's own (exactly this set), not its argv, so values never show in ps.
      await ctx.runner.run('chroot', [ctx.targetRoot, '/bin/bash', '-c', WRAPPER, 'dib-hook', `${IN_TARGET_HOOKS}/${dir}/${hook.name}`], {
        label,
        env,
        cleanEnv: true,
      });
    } else {
      await ctx.runner.run('/bin/bash', ['-c', WRAPPER, 'dib-hook', path.join(ctx.hooksPath, dir, hook.name)], { label, env, cleanEnv: true });
    }
  } catch (cause) {
    if (isDibError(cause) && cause.code === 'DIB_E_INTERRUPTED') throw cause;
    if (ctx.runner.isAborted) throw new DibError('DIB_E_INTERRUPTED', `interrupted during ${label}`, { location: { element: hook.element, phase, script: hook.name } });
    // A TypeScript hook that throws a DibError chose its code; keep it, and say where.
    if (hook.hostHook && isDibError(cause)) {
      throw new DibError(cause.code, cause.message, { location: { element: hook.element, phase, script: hook.name, ...cause.location }, hint: cause.hint, cause: cause.cause });
    }
    const detail =
      cause instanceof CommandError
        ? `${howItEnded(cause.exitCode, cause.signal)}; ${cause.tail.length ? cause.tailText : silentFailure(ctx)}`
        : isDibError(cause)
          ? cause.format()
          : String((cause as Error)?.stack ?? cause);
    throw new DibError('DIB_E_HOOK_FAILED', `${dir}/${hook.name} of element "${hook.element}" failed (${detail.split('\n')[0]})\n${detail.split('\n').slice(1).join('\n')}`.trimEnd(), {
      location: { element: hook.element, phase, script: hook.name },
      cause,
    });
  }
}

/** What to say when a failed script printed nothing: where the log stopped, and how to see more. */
function silentFailure(ctx: BuildContext): string {
  const last = ctx.log.lastLine;
  return `it printed nothing before it ended${last ? `; the build log's last line before it: "${last}"` : ''}; rerun with -x (DIB_DEBUG_TRACE=1) to trace its commands`;
}

function hostHookContext(ctx: BuildContext, phase: PhaseName, hook: HookEntry, env: Record<string, string>): HostHookContext {
  return {
    element: hook.element,
    phase,
    env,
    targetRoot: ctx.targetRoot,
    hooksPath: ctx.hooksPath,
    outputDir: ctx.elementOutputDir,
    imageCache: ctx.plan.imageCache,
    offline: ctx.plan.offline,
    arch: ctx.plan.image.arch,
    elements: ctx.plan.elements.map((e) => ({ name: e.name, directory: e.directory, manifest: e.manifest })),
    hookFiles: ctx.plan.hooks.files.map(({ dir, entry }) => ({ dir, name: entry.name, element: entry.element, source: entry.source! })),
    log: (line) => ctx.log.line(line, `${phase}/${hook.name}`),
    run: (command, args, options = {}) =>
      ctx.runner.run(command, args, { label: `${phase}/${hook.name}`, cwd: options.cwd, input: options.input, env: { ...env, ...options.env }, cleanEnv: true }),
  };
}
