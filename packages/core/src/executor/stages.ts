/**
 * The stage cache in a running build: before the phases, the best stored stage is
 * restored (the finished outputs, else the tree after the latest phase or script with a
 * matching key); after a phase or script that cost enough, the tree is stored; after the
 * outputs, they are.
 * A damaged entry is named, discarded and the build goes on from the one before.
 */
import { constants, copyFileSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { withLock } from '../cache/index.js';
import { checksumFiles } from '../outputs/formats.js';
import { PHASE_NAMES, type PhaseName } from '../contract/phases.js';
import { archiveBuildDir, hookTreeExtras, restoreBuildDir } from '../stage-cache/archive.js';
import { commitEntry, discardEntry, pruneEntries, touchEntry, verifyEntry, type FilledFile, type StageEntry } from '../stage-cache/entries.js';
import { keyOfPoint, lookupStages, NOTHING_CACHED, pointName, scriptOfPoint, type StageCandidate, type StagePoint } from '../stage-cache/lookup.js';
import { outputsCacheable, type StageKeys } from '../stage-cache/keys.js';
import { probeAll, probeSpecs, type ProbeDigests } from '../stage-cache/probes.js';
import type { BuildContext } from './context.js';

const TREE_ARCHIVE = 'tree.tar';
const MANIFESTS_ARCHIVE = 'manifests.tar';
/** Output files are stored under their suffix (OUTPUT.qcow2 as out.qcow2). */
const OUT_PREFIX = 'out.';

export class BuildStages {
  private restored?: StagePoint;
  /** When the build last had a point it could restart from: its start, a restore, a stored stage. */
  private lastPoint = Date.now();
  /** Probes of the stages this build restored or stored: a later stage depends on them too (finalise drops build-only repositories). */
  private readonly probesSoFar = new Set<string>();

  private constructor(
    private readonly ctx: BuildContext,
    private readonly keys: StageKeys,
    private readonly started: number,
    /** One answer per probe per build: taken before any phase ran, or right after the phase whose tree first named it. */
    private readonly probeMemo: Map<string, Promise<string>>,
  ) {}

  /** Looks the build up in the cache and restores what it can; undefined when the cache is off. */
  static async open(ctx: BuildContext, started: number): Promise<BuildStages | undefined> {
    const settings = ctx.plan.stageCache;
    if (!settings.enabled) {
      ctx.log.line(`stage cache: off (${settings.why})`);
      return undefined;
    }
    const probeMemo = new Map<string, Promise<string>>();
    const lookup = await lookupStages(ctx.plan, { probeMemo, discard: true });
    const stages = new BuildStages(ctx, lookup.keys, started, probeMemo);
    for (const note of lookup.notes) ctx.log.line(`stage cache: ${note}`);
    for (const candidate of lookup.candidates) {
      if (await stages.tryRestore(candidate)) break;
    }
    if (!stages.restored) ctx.log.line(`stage cache: ${NOTHING_CACHED}`);
    return stages;
  }

  /** The outputs were restored: no phase runs. */
  get outputsRestored(): boolean {
    return this.restored?.at === 'outputs';
  }

  /** Whether all of `phase` is covered by the restored stage. */
  isRestored(phase: PhaseName): boolean {
    const r = this.restored;
    if (!r) return false;
    if (r.at === 'outputs') return true;
    const [i, j] = [PHASE_NAMES.indexOf(phase), PHASE_NAMES.indexOf(r.at)];
    return i < j || (i === j && !r.scripts);
  }

  /** How many of `phase`'s scripts the restored stage covers when it was stored within it; else 0. */
  scriptsRestored(phase: PhaseName): number {
    return this.restored?.at === phase ? (this.restored.scripts ?? 0) : 0;
  }

  /** A stage is worth storing once it saves at least DIB_STAGE_CACHE_MIN_SECONDS over the last restart point. */
  worthStoring(phaseRan: boolean): boolean {
    return phaseRan && Date.now() - this.lastPoint >= this.ctx.plan.stageCache.minSeconds * 1000;
  }

  /** Stores the tree after `phase`, or after its first `scripts` scripts. */
  async storeTree(phase: PhaseName, scripts?: number): Promise<void> {
    const { ctx } = this;
    // The tree is archived without the chroot's mounts; the next chroot phase (or script) enters again.
    await ctx.chroot.close();
    const extras = hookTreeExtras(ctx.hooksPath, ctx.plan.hooks);
    await this.store({ at: phase, scripts }, async (dir) => {
      await archiveBuildDir((c, a, input) => ctx.runner.run(c, a, { label: 'stage-cache', input }), ctx.buildDir, path.join(dir, TREE_ARCHIVE), extras);
      return [TREE_ARCHIVE];
    });
  }

  async storeOutputs(): Promise<void> {
    const { ctx } = this;
    if (!outputsCacheable(ctx.plan)) return;
    await this.store({ at: 'outputs' }, async (dir) => {
      const files = outputFiles(ctx).map(({ suffix, file }): FilledFile => {
        copyFileSync(ctx.outputs.current(file), path.join(dir, OUT_PREFIX + suffix), constants.COPYFILE_FICLONE);
        const sha256 = ctx.outputs.sha256Of(file);
        return sha256 ? { name: OUT_PREFIX + suffix, sha256 } : OUT_PREFIX + suffix;
      });
      await ctx.runner.run('tar', ['--create', '--file', path.join(dir, MANIFESTS_ARCHIVE), '--directory', ctx.outputs.current(ctx.plan.manifestDir), '.'], {
        label: 'stage-cache',
      });
      return [...files, MANIFESTS_ARCHIVE];
    });
  }

  /** Stores a stage; a failure (a full disk, a tar error) is a warning: the build itself succeeded. */
  private async store(point: StagePoint, fill: (dir: string) => Promise<FilledFile[]>): Promise<void> {
    try {
      await this.storeOrThrow(point, fill);
    } catch (e) {
      if (this.ctx.runner.isAborted) throw e;
      const what = point.at === 'outputs' ? 'outputs were' : `tree after ${pointName(this.ctx.plan, point)} was`;
      warn(this.ctx, `stage cache: the ${what} not stored: ${(e as Error).message.split('\n')[0]}`);
    }
  }

  private async storeOrThrow(point: StagePoint, fill: (dir: string) => Promise<FilledFile[]>): Promise<void> {
    const { ctx } = this;
    const { at, scripts } = point;
    const key = keyOfPoint(this.keys, point);
    const settings = ctx.plan.stageCache;
    const t0 = Date.now();
    const probes = await this.probesOfTree();
    if (!probes) return;
    const entry = await commitEntry(settings.dir, key, async (dir) => ({
      kind: at === 'outputs' ? 'outputs' : 'tree',
      image: ctx.plan.name,
      ...(at === 'outputs' ? {} : { phase: at }),
      ...(scripts ? { scripts, script: scriptOfPoint(ctx.plan, point) } : {}),
      buildSeconds: (Date.now() - this.started) / 1000,
      probes,
      files: await fill(dir),
    }));
    this.lastPoint = Date.now();
    if (!entry) return;
    const bytes = entry.meta.files.reduce((n, f) => n + f.bytes, 0);
    ctx.log.line(
      `stage cache: stored ${at === 'outputs' ? 'the outputs' : `the tree after ${pointName(ctx.plan, point)}`} as ${entry.dir} (${(bytes / 2 ** 20).toFixed(1)} MiB in ${((Date.now() - t0) / 1000).toFixed(1)}s)`,
    );
    ctx.emit({ event: 'stage', action: 'stored', ...stageEventPoint(ctx, point), key, bytes, durationMs: Date.now() - t0 });
    for (const gone of pruneEntries(settings.dir, { maxBytes: settings.maxBytes }))
      ctx.log.line(`stage cache: evicted ${gone.dir} (${gone.corrupt ?? `least recently used, DIB_STAGE_CACHE_MAX_SIZE`})`);
  }

  /** Digests of what the tree was made from, or undefined (and a log line) when they cannot be had. */
  private async probesOfTree(): Promise<ProbeDigests | undefined> {
    const { ctx } = this;
    for (const spec of probeSpecs(ctx.plan, ctx.targetRoot)) this.probesSoFar.add(spec);
    const urls = [...this.probesSoFar].sort();
    if (urls.length && ctx.plan.offline) {
      ctx.log.line('stage cache: not storing: --offline, and the package archives the tree came from cannot be checked');
      return undefined;
    }
    try {
      return await probeAll(urls, this.probeMemo);
    } catch (e) {
      ctx.log.line(`stage cache: not storing: ${(e as Error).message}`);
      return undefined;
    }
  }

  /** Restores one candidate; false (with a warning) when it cannot be used, so the next one is tried. */
  private async tryRestore(candidate: StageCandidate): Promise<boolean> {
    const { ctx } = this;
    const { at, entry } = candidate;
    const t0 = Date.now();
    const what = `stage cache entry ${entry.dir} (${pointName(ctx.plan, candidate)})`;
    try {
      // The lock keeps dib cache prune and other builds' discards away while it is read.
      return await withLock(
        entry.dir,
        async () => {
          const damage = await verifyEntry(entry);
          if (damage) {
            warn(ctx, `${what} is damaged (${damage}): discarded, the build goes on without it`);
            discardEntry(entry.dir);
            return false;
          }
          if (at === 'outputs') await restoreOutputs(ctx, entry);
          else await restoreBuildDir((c, a) => ctx.runner.run(c, a, { label: 'stage-cache' }), ctx.buildDir, path.join(entry.dir, TREE_ARCHIVE));
          touchEntry(entry);
          for (const spec of Object.keys(entry.meta.probes)) this.probesSoFar.add(spec);
          this.restored = { at, scripts: candidate.scripts };
          this.lastPoint = Date.now();
          ctx.log.line(
            `stage cache: restored ${at === 'outputs' ? 'the finished outputs' : `the tree after ${pointName(ctx.plan, candidate)}`} from ${entry.dir} in ${((Date.now() - t0) / 1000).toFixed(1)}s (the build that stored it had spent ${entry.meta.buildSeconds.toFixed(0)}s)`,
          );
          ctx.emit({ event: 'stage', action: 'restored', ...stageEventPoint(ctx, candidate), key: entry.meta.key, durationMs: Date.now() - t0 });
          return true;
        },
        5 * 60_000,
      );
    } catch (e) {
      if (ctx.runner.isAborted) throw e;
      // Not the entry's fault (a full disk, an output path we cannot write): it is kept.
      warn(ctx, `${what} could not be restored (${(e as Error).message.split('\n')[0]}): the build goes on without it`);
      return false;
    }
  }
}

const warn = (ctx: BuildContext, message: string) => ctx.runner.warn(message);

/** A point as `--json` reports it: the phase (or outputs), and the last script run within it. */
const stageEventPoint = (ctx: BuildContext, p: StagePoint) => {
  const script = scriptOfPoint(ctx.plan, p);
  return script ? { at: p.at, script } : { at: p.at };
};

/** Every file the build wrote beside the image, by its suffix after OUTPUT. (checksums included). */
function outputFiles(ctx: BuildContext): { suffix: string; file: string }[] {
  const base = ctx.plan.image.output;
  const files = ctx.plan.outputs.flatMap((o) => [o.path, ...(ctx.plan.image.checksum ? checksumFiles(o.path) : [])]);
  return files.map((file) => ({ suffix: file.slice(base.length + 1), file }));
}

async function restoreOutputs(ctx: BuildContext, entry: StageEntry): Promise<void> {
  const base = ctx.plan.image.output;
  for (const name of entry.meta.files.map((f) => f.name).filter((n) => n.startsWith(OUT_PREFIX))) {
    const file = `${base}.${name.slice(OUT_PREFIX.length)}`;
    await ctx.outputs.write(file, async (tmp) => copyFileSync(path.join(entry.dir, name), tmp, constants.COPYFILE_FICLONE));
  }
  await ctx.outputs.write(ctx.plan.manifestDir, async (tmp) => {
    mkdirSync(tmp);
    await ctx.runner.run('tar', ['--extract', '--file', path.join(entry.dir, MANIFESTS_ARCHIVE), '--directory', tmp], { label: 'stage-cache' });
  });
  for (const out of ctx.plan.outputs) ctx.emit({ event: 'output', type: out.type, path: out.path, bytes: statSync(ctx.outputs.current(out.path)).size });
}
