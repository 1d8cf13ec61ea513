/**
 * Executes a BuildPlan: build directory (tmpfs when there is RAM), hook tree, phases in
 * DIB's order with break points, outputs, and release of everything created, on
 * success, failure and interrupt alike.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { fstabText } from '../block-device/fstab.js';
import os from 'node:os';
import path from 'node:path';
import { Listr, type ListrTask } from 'listr2';
import { DibError, isDibError } from '../errors.js';
import { PHASES, PHASE_NAMES, type PhaseName } from '../contract/phases.js';
import { BUILD_DIRECTORY_VARIABLES, type BuildPlan } from '../plan.js';
import { ChrootSession } from './chroot.js';
import type { BuildContext } from './context.js';
import type { EventSink } from './events.js';
import { BuildRecorder } from '../report/recorder.js';
import { writeTrace } from '../report/write-trace.js';
import { previousTimings, saveTimings, titleAfter, titleBefore } from '../report/timings.js';
import { memTotalGiB, requireRoot, requireTools } from './host-check.js';
import { requireEmulation } from '../host/emulation.js';
import { RUNTIME_LIB, writeHookTree } from './hook-tree-writer.js';
import { runHook } from './hook-runner.js';
import { hooksAtPhaseStart } from '../hooks/phase-start.js';
import type { HookEntry } from '../hooks/hook-tree.js';
import { writeImageMetadata } from './image-metadata.js';
import { tidyTree } from './tidy-tree.js';
import { BuildLog } from './log.js';
import { BUILD_DIR_PREFIX } from './leftovers.js';
import { lockOutput } from './output-lock.js';
import { killProcessesUnder, mountRegistered, mountsUnder, processesUnder, releaseStrayMounts } from './mounts.js';
import { PendingOutputs } from './pending-outputs.js';
import { checkFileSizeFits } from './size-probe.js';
import { parseSize } from '../block-device/size.js';
import { ResourceStack } from './resources.js';
import { CommandError, CommandRunner } from './runner.js';
import { openBreakShell, parseBreakpoints } from './breakpoints.js';
import { outputTasks } from './write-outputs.js';
import { OUTPUT_FORMATS } from '../outputs/formats.js';
import { BuildStages } from './stages.js';

export interface BuildOptions {
  /** listr2 renderer: `default` on a TTY, `simple` otherwise, `silent` with --json. */
  renderer: 'default' | 'simple' | 'silent';
  emit?: EventSink;
  /** --trace FILE: the timeline in Chrome's trace-event format, written when the build ends, whatever its end. */
  traceFile?: string;
  /** Told each line of the build log as it is written: hook output, dib's own lines, commands (--verbose). */
  onLogLine?: (text: string, source: string) => void;
  /** Write each host command to the log before it runs (--debug). */
  echoCommands?: boolean;
  /** Aborting it interrupts the build; everything is released before build() rejects. */
  signal?: AbortSignal;
}

export interface BuildResult {
  outputs: { type: string; path: string }[];
  durationMs: number;
  logfile: string;
}

export async function build(plan: BuildPlan, options: BuildOptions): Promise<BuildResult> {
  requireRoot();
  await preflightOutputs(plan);
  await requireTools(plan.hostTools);
  requireEmulation(plan.image.arch);
  // Before the log is opened: a second build of this output would truncate the first's.
  const unlockOutput = lockOutput(plan.image.output);
  try {
    return await runBuild(plan, options);
  } finally {
    unlockOutput();
  }
}

async function runBuild(plan: BuildPlan, options: BuildOptions): Promise<BuildResult> {
  const recorder = new BuildRecorder();
  const emit: EventSink = (event) => {
    recorder.event(event);
    options.emit?.(event);
  };
  const started = Date.now();
  const log = new BuildLog(plan.logfile, options.onLogLine);
  const runner = new CommandRunner(
    (line, label) => log.line(line, label),
    (message) => {
      log.line(`warning: ${message}`);
      emit({ event: 'warning', message });
    },
  );
  const resources = new ResourceStack(`${started}-${process.pid}`);
  runner.trackWith(resources);
  runner.observeWith((label, command, at, ok) => recorder.command(label, command, at, ok));
  runner.echoCommands = options.echoCommands ?? false;
  // Hooks get this signal: it fires with the runner's abort, whatever interrupts the build.
  const interrupted = new AbortController();
  const onAbort = () => {
    interrupted.abort();
    void runner.abort();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  emit({ event: 'build-start', image: plan.name, elements: plan.elements.map((e) => e.name), outputs: plan.outputs.map((o) => o.path) });
  for (const w of plan.warnings) runner.warn(w);

  let ctx: BuildContext | undefined;
  let failure: unknown;
  try {
    ctx = await prepare(plan, runner, resources, log, emit, interrupted.signal, recorder);
    const stages = await BuildStages.open(ctx, started);
    await tasks(ctx, options.renderer, stages).run();
    ctx.outputs.commit();
    saveTimings(plan, recorder);
    const durationMs = Date.now() - started;
    log.line(`build finished in ${(durationMs / 1000).toFixed(1)}s`);
    return { outputs: [...plan.outputs], durationMs, logfile: plan.logfile };
  } catch (e) {
    failure =
      runner.isAborted && !(isDibError(e) && e.code !== 'DIB_E_INTERRUPTED')
        ? new DibError('DIB_E_INTERRUPTED', 'the build was interrupted by a signal', { cause: e })
        : e instanceof CommandError
          ? new DibError('DIB_E_COMMAND_FAILED', `${e.message}; ${e.tailText}`, { cause: e })
          : e;
    if (ctx && !runner.isAborted && parseBreakpoints().has('after-error')) await openBreakShell(ctx, 'after-error', 'chroot');
    throw failure;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    if (ctx) killProcessesUnder(ctx.targetRoot);
    try {
      await resources.releaseAll();
    } catch (e) {
      log.line(`cleanup failed: ${(e as Error).message}`);
      if (!failure) {
        failure = e;
        // eslint-disable-next-line no-unsafe-finally -- on purpose: a cleanup failure after a successful build fails the build
        throw e;
      }
    } finally {
      const status = failure ? (isDibError(failure) && failure.code === 'DIB_E_INTERRUPTED' ? 'interrupted' : 'failed') : 'ok';
      if (failure) {
        const f = isDibError(failure) ? failure : new DibError('DIB_E_INTERNAL', String((failure as Error)?.message ?? failure));
        log.line(f.format());
        emit({ event: 'error', code: f.code, message: f.message, location: { ...f.location } });
      }
      emit({ event: 'build-end', status, durationMs: Date.now() - started });
      if (options.traceFile) writeTrace(options.traceFile, recorder, plan.name, (m) => log.line(`warning: ${m}`));
      log.close();
    }
  }
}

async function prepare(
  plan: BuildPlan,
  runner: CommandRunner,
  resources: ResourceStack,
  log: BuildLog,
  emit: EventSink,
  signal: AbortSignal,
  recorder: BuildRecorder,
): Promise<BuildContext> {
  const buildDir = mkdtempSync(path.join(process.env.DIB_TMP_DIR ?? os.tmpdir(), BUILD_DIR_PREFIX));
  resources.push({ kind: 'dir', path: buildDir }, async () => {
    const held = mountsUnder(buildDir);
    if (held.length) throw new Error(`not removing ${buildDir}: still mounted: ${held.join(', ')}`);
    rmSync(buildDir, { recursive: true, force: true });
  });
  const ram = memTotalGiB();
  if (plan.tmpfs && ram >= plan.minTmpfs) {
    log.line(`building in tmpfs (${ram.toFixed(1)} GiB RAM >= --min-tmpfs ${plan.minTmpfs})`);
    await mountRegistered(runner, resources, ['-t', 'tmpfs', '-o', 'mode=0755', 'dib-tmpfs'], buildDir);
  } else {
    log.line(
      `building on disk in ${buildDir} (${plan.tmpfs ? `${ram.toFixed(1)} GiB RAM < --min-tmpfs ${plan.minTmpfs}` : plan.image.kind === 'ramdisk' ? 'ramdisk builds use the disk unless --tmpfs' : '--no-tmpfs'})`,
    );
  }
  if (plan.layout && plan.image.size) checkFileSizeFits(buildDir, parseSize(plan.image.size)!, plan.image.size);
  const targetRoot = path.join(buildDir, 'mnt');
  const hooksPath = path.join(buildDir, 'hooks');
  const elementOutputDir = path.join(buildDir, 'element-outputs');
  mkdirSync(elementOutputDir);
  writeHookTree(plan.hooks, hooksPath, plan.elements);
  mkdirSync(plan.environment.DIB_LOCKFILES, { recursive: true });
  // Everything else was decided by the plan; only the build directory's paths are new.
  const env: Record<string, string> = {
    ...plan.environment,
    TARGET_ROOT: targetRoot,
    TMP_MOUNT_PATH: targetRoot,
    TMP_BUILD_DIR: buildDir,
    TMP_HOOKS_PATH: hooksPath,
    DIB_ELEMENT_OUTPUT_DIR: elementOutputDir,
    _LIB: path.join(hooksPath, RUNTIME_LIB),
  } satisfies Record<(typeof BUILD_DIRECTORY_VARIABLES)[number], string>;
  const cacheMounts = plan.cacheMounts.map(({ source, target }) => ({ source, target }));
  const chroot = new ChrootSession(runner, resources, { targetRoot, hooksPath, cacheMounts, warn: runner.warn });
  const outputs = new PendingOutputs(resources);
  return { plan, runner, resources, log, emit, buildDir, targetRoot, hooksPath, elementOutputDir, chroot, env, outputs, signal, recorder };
}

function tasks(ctx: BuildContext, renderer: BuildOptions['renderer'], stages: BuildStages | undefined): Listr<unknown, BuildOptions['renderer'], 'simple'> {
  const listOptions = {
    concurrent: false,
    exitOnError: true,
    registerSignalListeners: false,
    renderer,
    fallbackRenderer: 'simple',
    rendererOptions: { collapseSubtasks: true },
  } as const;
  if (stages?.outputsRestored) return new Listr([{ title: 'outputs restored from the stage cache', task: () => {} }], listOptions);
  const breaks = parseBreakpoints();
  const restored = (phase: PhaseName) => (stages?.isRestored(phase) ? 'restored from the stage cache' : false);
  const ran = new Set<PhaseName>();
  // The phase directory is read once, when the phase is about to start (skip runs then);
  // again only after a break shell, in which the user may have changed it.
  const found = new Map<PhaseName, HookEntry[]>();
  const previous = previousTimings(ctx.plan);
  // A tree stored within a phase: its first scripts are not run again. They must be the
  // ones the plan keyed, which they are unless a host phase added scripts to the phase.
  const resumeAt = (phase: PhaseName): number => {
    const n = stages?.scriptsRestored(phase) ?? 0;
    if (n && !sameAsPlanned(ctx, phase, found.get(phase) ?? [], n)) {
      throw new DibError(
        'DIB_E_INTERNAL',
        `the stage cache restored the tree after ${n} scripts of ${phase}, but the phase's first scripts are not the planned ones`,
        {
          location: { phase },
          hint: 'Run again with --no-cache, and report this.',
        },
      );
    }
    return n;
  };
  // Within a phase, after a script that cost enough, when the phase's scripts are the
  // planned ones (the keys name them), no break shell can change the tree unseen, and no
  // process a script started is still running (storing closes the chroot, which would end it).
  const storeWithin = (phase: PhaseName, scripts: number): ListrTask[] =>
    stages
      ? [
          {
            title: 'store stage',
            skip: () =>
              !stages.worthStoring(true) || breaks.size > 0 || !sameAsPlanned(ctx, phase, found.get(phase) ?? []) || processesUnder(ctx.targetRoot).length > 0,
            task: async () => {
              await stages.storeTree(phase, scripts);
              if (PHASES[phase].where === 'chroot') await ctx.chroot.enter(phase !== 'finalise');
            },
          },
        ]
      : [];
  const phaseTasks: ListrTask[] = PHASE_NAMES.map((phase) => ({
    title: titleBefore(`${phase} (${PHASES[phase].where})`, previous[phase]),
    skip: () => {
      if (stages?.isRestored(phase)) return 'restored from the stage cache';
      found.set(phase, hooksAtPhaseStart(ctx.plan.hooks, ctx.hooksPath, phase));
      const toRun = found.get(phase)!.length - resumeAt(phase);
      return toRun === 0 && !breaks.has(`before-${phase}`) && !breaks.has(`after-${phase}`) ? 'nothing to run' : false;
    },
    task: async (_, task) => {
      ran.add(phase);
      const startedPhase = Date.now();
      ctx.emit({ event: 'phase-start', phase, where: PHASES[phase].where });
      ctx.log.line(`== phase ${phase} (${PHASES[phase].where})`);
      // finalise runs without the shared caches, so its cleanups cannot empty them.
      if (PHASES[phase].where === 'chroot') await ctx.chroot.enter(phase !== 'finalise');
      if (breaks.has(`before-${phase}`)) {
        await openBreakShell(ctx, `before-${phase}`, PHASES[phase].where);
        found.set(phase, hooksAtPhaseStart(ctx.plan.hooks, ctx.hooksPath, phase));
      }
      return task.newListr(
        [
          ...(found.get(phase) ?? []).flatMap((hook, i, hooks) => {
            if (i < resumeAt(phase)) return [];
            const title = `${hook.name} (${hook.element})`;
            const last = previous[`${phase}/${hook.name}`];
            return [
              {
                title: titleBefore(title, last),
                task: async (_: unknown, sub: { title: string }) => {
                  const startedScript = Date.now();
                  await runHook(ctx, phase, hook);
                  sub.title = titleAfter(title, Date.now() - startedScript, last);
                },
              },
              ...(i < hooks.length - 1 ? storeWithin(phase, i + 1) : []),
            ];
          }),
          {
            title: 'end of phase',
            task: async (_, sub) => {
              // A chroot phase's strays go when the chroot closes; a host phase's here, before anything reads the tree.
              if (PHASES[phase].where === 'host') await releaseStrayMounts(ctx.targetRoot, ctx.runner, ctx.resources, ctx.runner.warn);
              sub.title = `done in ${((Date.now() - startedPhase) / 1000).toFixed(1)}s`;
              task.title = titleAfter(`${phase} (${PHASES[phase].where})`, Date.now() - startedPhase, previous[phase]);
              if (breaks.has(`after-${phase}`)) await openBreakShell(ctx, `after-${phase}`, PHASES[phase].where);
              ctx.emit({ event: 'phase-end', phase, durationMs: Date.now() - startedPhase });
            },
          },
        ],
        { concurrent: false, exitOnError: true },
      );
    },
  }));
  // A phase's steps: its scripts, what the core does after it, then storing the stage when that is worth it.
  const store = (phase: PhaseName): ListrTask[] =>
    stages ? [{ title: 'store stage', skip: () => !stages.worthStoring(ran.has(phase)), task: () => stages.storeTree(phase) }] : [];
  const always = (after: PhaseName, title: string, run: () => Promise<void>): ListrTask[] => [
    phaseTasks[PHASE_NAMES.indexOf(after)],
    { title, skip: () => restored(after), task: run },
    ...store(after),
  ];
  const list: ListrTask[] = PHASE_NAMES.flatMap((phase, i) =>
    phase === 'root'
      ? always('root', 'check root tree', async () => checkRootTree(ctx))
      : phase === 'post-install'
        ? always('post-install', 'record build metadata', async () => {
            await ctx.chroot.close();
            writeImageMetadata(ctx.plan, ctx.targetRoot, ctx.env);
            if (ctx.plan.layout) writeFileSync(path.join(ctx.targetRoot, 'etc/fstab'), fstabText(ctx.plan.layout));
          })
        : phase === 'finalise'
          ? always('finalise', 'leave chroot, tidy /tmp and /var/log', async () => {
              await ctx.chroot.close();
              tidyTree(ctx.targetRoot);
            })
          : [phaseTasks[i], ...store(phase)],
  );
  return new Listr(
    [
      ...list,
      { title: 'write outputs', task: (_, task) => task.newListr(outputTasks(ctx), { concurrent: false, exitOnError: true }) },
      ...(stages ? [{ title: 'store outputs', task: () => stages.storeOutputs() }] : []),
    ],
    listOptions,
  );
}

/** Whether the phase's scripts (its first `count`, or all of them) are those the plan keyed. */
function sameAsPlanned(ctx: BuildContext, phase: PhaseName, hooks: readonly HookEntry[], count?: number): boolean {
  const planned = ctx.plan.hooks.phases[phase];
  if (count === undefined && hooks.length !== planned.length) return false;
  const n = count ?? planned.length;
  return hooks.length >= n && hooks.slice(0, n).every((h, i) => h.name === planned[i]?.name && h.element === planned[i]?.element);
}

function checkRootTree(ctx: BuildContext): void {
  if (!existsSync(ctx.targetRoot) || readdirSync(ctx.targetRoot).length === 0) {
    throw new DibError('DIB_E_HOOK_FAILED', 'after the root phase the image tree is empty: no element created a root filesystem', {
      location: { phase: 'root' },
      hint: 'Include an operating-system element whose root.d builds the tree (e.g. debian-minimal).',
    });
  }
}

/** Checks outputs that depend on a running service (docker) before anything is created. */
async function preflightOutputs(plan: BuildPlan): Promise<void> {
  const runner = new CommandRunner(() => {});
  for (const out of plan.outputs) await OUTPUT_FORMATS[out.type]?.preflight?.((c, a) => runner.run(c, a));
}
