/**
 * Produces every requested output: tree formats from the finished tree, then the disk
 * (assembled once, boot sectors written by disk hooks) for disk formats. Every file,
 * checksums and the manifest directory included, is held under a temporary name until
 * the build succeeds (PendingOutputs).
 */
import { copyFileSync, cpSync, existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { assembleDisk, type AssembledDisk } from '../block-device/assemble.js';
import { parseSize } from '../block-device/size.js';
import type { ListrTask } from 'listr2';
import type { AssembledDiskInfo } from '../contract/hook-context.js';
import { DibError } from '../errors.js';
import { openBreakShell, parseBreakpoints } from './breakpoints.js';
import { runHook } from './hook-runner.js';
import { CHECKSUM_ALGORITHMS, OUTPUT_FORMATS, type OutputContext } from '../outputs/formats.js';
import type { PlannedOutput } from '../plan.js';
import type { BuildContext } from './context.js';
import { MANIFEST_IMAGE_DIR } from './image-metadata.js';
import { mountRegistered } from './mounts.js';
import { digests } from './digests.js';
import { writeReport } from '../report/write-report.js';

const stagedPath = (ctx: BuildContext, out: PlannedOutput) => path.join(ctx.elementOutputDir, out.name!);

/** rename(2), or copy and remove when the output is on another filesystem than the build. */
function moveFile(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
    copyFileSync(from, to);
    rmSync(from);
  }
}

const splitOptions = (s: string | undefined) => (s ? s.split(/\s+/).filter(Boolean) : []);

/**
 * --qemu-img-options as DIB takes it (`compat=0.10,lazy_refcounts=on`, given to -o), or,
 * from a leading dash, as qemu-img arguments written out (`-o compat=1.1 -S 0`).
 */
export const qemuImgArguments = (s: string | undefined) => (s && !s.trimStart().startsWith('-') ? ['-o', s.trim()] : splitOptions(s));

/**
 * The steps of writing the outputs, as progress entries: tree formats, then the disk
 * (assembled once, then each disk step through the common hook runner), disk formats,
 * element outputs and the manifest directory.
 */
export function outputTasks(ctx: BuildContext): ListrTask[] {
  const { plan } = ctx;
  const base = {
    targetRoot: ctx.targetRoot,
    name: path.basename(plan.image.output),
    uncompressed: plan.image.uncompressed,
    qcow2Compression: plan.image.qcow2Compression ?? 'zlib',
    squashfsCompression: plan.image.squashfsCompression ?? 'xz',
    qemuImgOptions: qemuImgArguments(plan.image.qemuImgOptions),
  };
  const elementOutputs = plan.outputs.filter((o) => o.element);
  const formats = plan.outputs.filter((o) => !o.element);
  const isDisk = (o: PlannedOutput) => OUTPUT_FORMATS[o.type].kind === 'disk';
  let disk: AssembledDisk | undefined;

  // One read of each output: its sha256 goes in the output event (and the report), and with --checksum both files are written from it.
  const finish = async (out: PlannedOutput) => {
    const file = ctx.outputs.current(out.path);
    const sums = await digests(file, plan.image.checksum ? CHECKSUM_ALGORITHMS : ['sha256']);
    if (plan.image.checksum) {
      for (const [algorithm, sum] of Object.entries(sums)) {
        await ctx.outputs.write(`${out.path}.${algorithm}`, async (tmp) => writeFileSync(tmp, `${sum}  ${path.basename(out.path)}\n`));
      }
    }
    ctx.outputs.recordSha256(out.path, sums.sha256);
    ctx.emit({ event: 'output', type: out.type, path: out.path, bytes: statSync(file).size, sha256: sums.sha256 });
  };
  const formatTask = (out: PlannedOutput): ListrTask => ({
    title: `${out.type}: ${out.path}`,
    task: async () => {
      const format = OUTPUT_FORMATS[out.type];
      const run: OutputContext['run'] = (c, a, input) => ctx.runner.run(c, a, { label: `output/${out.type}`, input });
      if (!format.writesFile) {
        await format.produce({ ...base, disk: disk?.file, file: path.join(ctx.buildDir, `${out.type}-export`), run });
        ctx.emit({ event: 'output', type: out.type, path: out.path, bytes: 0 });
        return;
      }
      await ctx.outputs.write(out.path, (tmp) => format.produce({ ...base, disk: disk?.file, file: tmp, run }));
      await finish(out);
    },
  });

  // break=before-disk / after-disk open a host shell around the disk steps, as before-PHASE does around a phase.
  const breaks = parseBreakpoints();
  const breakTask = (point: string): ListrTask[] => (breaks.has(point) ? [{ title: `break=${point}`, task: () => openBreakShell(ctx, point, 'host') }] : []);
  const diskTasks: ListrTask[] = formats.some(isDisk)
    ? [
        { title: 'assemble disk', task: async () => void (disk = await assembleFromTree(ctx)) },
        ...breakTask('before-disk'),
        ...plan.diskHooks.map(({ name, element, hook }) => ({
          title: `disk/${name} (${element})`,
          task: () => runHook(ctx, 'disk', { name, element, hostHook: hook }, { disk: diskInfo(ctx, disk!) }),
        })),
        ...breakTask('after-disk'),
        ...formats.filter(isDisk).map(formatTask),
      ]
    : [];
  return [
    {
      // All or nothing: a missing element output fails the build before any output is replaced.
      title: 'check element outputs',
      skip: () => elementOutputs.length === 0,
      task: () => {
        for (const out of elementOutputs) {
          if (!existsSync(stagedPath(ctx, out))) {
            throw new DibError('DIB_E_OUTPUT_MISSING', `element "${out.element}" declares the output "${out.name}" but no hook wrote ${stagedPath(ctx, out)}`, {
              location: { element: out.element },
            });
          }
        }
      },
    },
    ...formats.filter((o) => !isDisk(o)).map(formatTask),
    ...diskTasks,
    ...elementOutputs.map((out) => ({
      title: `${out.name} (${out.element}): ${out.path}`,
      task: async () => {
        await ctx.outputs.write(out.path, async (tmp) => moveFile(stagedPath(ctx, out), tmp));
        await finish(out);
      },
    })),
    {
      title: `manifests: ${plan.manifestDir}`,
      task: () =>
        ctx.outputs.write(plan.manifestDir, async (tmp) => {
          cpSync(path.join(ctx.targetRoot, MANIFEST_IMAGE_DIR), tmp, { recursive: true });
          // Last, so it sees every other output's size and checksum.
          writeReport(ctx, tmp);
        }),
    },
  ];
}

const diskInfo = (ctx: BuildContext, disk: AssembledDisk): AssembledDiskInfo => ({
  file: disk.file,
  label: ctx.plan.layout!.table?.label,
  partitions: disk.geometry.partitions.map((p) => ({ name: p.spec.name, index: p.index, start: p.start, size: p.size, type: p.spec.type })),
});

function assembleFromTree(ctx: BuildContext): Promise<AssembledDisk> {
  const { plan } = ctx;
  return assembleDisk(
    {
      targetRoot: ctx.targetRoot,
      workDir: path.join(ctx.buildDir, 'disk'),
      imageSize: plan.image.size ? parseSize(plan.image.size) : undefined,
      extraSize: plan.image.extraSize ? parseSize(plan.image.extraSize) : undefined,
      extraOptions: splitOptions(plan.image.mkfsOptions),
      log: (line) => ctx.log.line(line, 'block-device'),
      run: (c, a, input) => ctx.runner.run(c, a, { label: 'block-device', input }),
      withLoopMount: async (file, dir, fn) => {
        // xfs only: a loop mount, released as soon as the copy is done (or fails).
        await mountRegistered(ctx.runner, ctx.resources, ['-o', 'loop', file], dir);
        try {
          return await fn();
        } finally {
          await ctx.resources.releaseWhere((r) => r.kind === 'mount' && r.path === dir);
        }
      },
    },
    plan.layout!,
  );
}
