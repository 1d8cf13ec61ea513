/**
 * Produces every requested output: tree formats from the finished tree, then the disk
 * (assembled once, boot sectors written by disk hooks) for disk formats. Each file is
 * written under a temporary name and renamed at the end, so an existing output is
 * never left half-overwritten; checksums and the manifest directory follow the same rule.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, createReadStream, existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { assembleDisk, type AssembledDisk } from '../block-device/assemble.js';
import { parseSize } from '../block-device/size.js';
import { DibError, isDibError } from '../errors.js';
import { OUTPUT_FORMATS, type OutputContext } from '../outputs/formats.js';
import type { PlannedOutput } from '../plan.js';
import type { BuildContext } from './context.js';
import { MANIFEST_IMAGE_DIR } from './image-metadata.js';
import { mountRegistered } from './mounts.js';

const tempName = (file: string) => path.join(path.dirname(file), `.${path.basename(file)}.dib-partial-${process.pid}`);

/** Writes `file` through `write(tmp)` and renames it into place; removes the temp file on failure. */
export async function writeAtomically(file: string, write: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = tempName(file);
  rmSync(tmp, { recursive: true, force: true });
  try {
    await write(tmp);
    if (existsSync(file) && statSync(file).isDirectory()) rmSync(file, { recursive: true, force: true });
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** sha256 and md5 of a file in one read (outputs are often gigabytes). */
export const digests = (file: string) =>
  new Promise<{ sha256: string; md5: string }>((resolve, reject) => {
    const sha256 = createHash('sha256');
    const md5 = createHash('md5');
    createReadStream(file)
      .on('data', (d) => {
        sha256.update(d);
        md5.update(d);
      })
      .on('error', reject)
      .on('end', () => resolve({ sha256: sha256.digest('hex'), md5: md5.digest('hex') }));
  });

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

export async function writeOutputs(ctx: BuildContext): Promise<void> {
  const { plan } = ctx;
  const base = {
    targetRoot: ctx.targetRoot,
    name: path.basename(plan.image.output),
    uncompressed: plan.image.uncompressed,
    qemuImgOptions: splitOptions(plan.image.qemuImgOptions),
  };
  // All or nothing: a missing element output fails the build before any output is replaced.
  const elementOutputs = plan.outputs.filter((o) => o.element);
  for (const out of elementOutputs) {
    const staged = stagedPath(ctx, out);
    if (!existsSync(staged)) {
      throw new DibError('DIB_E_OUTPUT_MISSING', `element "${out.element}" declares the output "${out.name}" but no hook wrote ${staged}`, {
        location: { element: out.element },
      });
    }
  }
  let disk: AssembledDisk | undefined;
  const finish = async (out: PlannedOutput) => {
    if (plan.image.checksum) {
      for (const [algorithm, sum] of Object.entries(await digests(out.path))) {
        await writeAtomically(`${out.path}.${algorithm}`, async (tmp) => writeFileSync(tmp, `${sum}  ${path.basename(out.path)}\n`));
      }
    }
    ctx.emit({ event: 'output', type: out.type, path: out.path, bytes: statSync(out.path).size });
  };
  const formats = plan.outputs.filter((o) => !o.element);
  const ordered = [...formats].sort((a, b) => Number(OUTPUT_FORMATS[a.type].kind === 'disk') - Number(OUTPUT_FORMATS[b.type].kind === 'disk'));
  for (const out of ordered) {
    const format = OUTPUT_FORMATS[out.type];
    if (format.kind === 'disk' && !disk) disk = await makeDisk(ctx);
    const run: OutputContext['run'] = (c, a, input) => ctx.runner.run(c, a, { label: `output/${out.type}`, input });
    if (!format.writesFile) {
      await format.produce({ ...base, disk: disk?.file, file: path.join(ctx.buildDir, `${out.type}-export`), run });
      ctx.emit({ event: 'output', type: out.type, path: out.path, bytes: 0 });
      continue;
    }
    await writeAtomically(out.path, (tmp) => format.produce({ ...base, disk: disk?.file, file: tmp, run }));
    await finish(out);
  }
  for (const out of elementOutputs) {
    await writeAtomically(out.path, async (tmp) => moveFile(stagedPath(ctx, out), tmp));
    await finish(out);
  }
  await writeAtomically(plan.manifestDir, async (tmp) => {
    cpSync(path.join(ctx.targetRoot, MANIFEST_IMAGE_DIR), tmp, { recursive: true });
  });
}

async function makeDisk(ctx: BuildContext): Promise<AssembledDisk> {
  const { plan } = ctx;
  const layout = ctx.layout!;
  const run = (c: string, a: readonly string[], input?: string) => ctx.runner.run(c, a, { label: 'block-device', input });
  const disk = await assembleDisk(
    {
      targetRoot: ctx.targetRoot,
      workDir: path.join(ctx.buildDir, 'disk'),
      imageSize: plan.image.size ? parseSize(plan.image.size) : undefined,
      extraSize: plan.image.extraSize ? parseSize(plan.image.extraSize) : undefined,
      extraOptions: splitOptions(plan.image.mkfsOptions),
      log: (line) => ctx.log.line(line, 'block-device'),
      run,
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
    layout,
  );
  for (const { name, element, hook } of plan.diskHooks) {
    ctx.log.line(`-> disk/${name} (element ${element})`);
    try {
      await hook.run({
        element,
        disk: disk.file,
        label: layout.table?.label,
        partitions: disk.geometry.partitions.map((p) => ({ name: p.spec.name, index: p.index, start: p.start, size: p.size, type: p.spec.type })),
        targetRoot: ctx.targetRoot,
        env: ctx.env,
        log: (line) => ctx.log.line(line, `disk/${name}`),
        run: (c, a) => ctx.runner.run(c, a, { label: `disk/${name}` }),
      });
    } catch (cause) {
      throw isDibError(cause) ? cause : new DibError('DIB_E_HOOK_FAILED', `disk hook ${name} of element "${element}" failed: ${(cause as Error)?.message ?? cause}`, { location: { element, phase: 'disk', script: name }, cause });
    }
  }
  return disk;
}
