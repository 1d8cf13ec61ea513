/**
 * Produces every requested output from the finished tree. Each is written under a
 * temporary name and renamed at the end, so an existing output is never left
 * half-overwritten; checksums and the manifest directory follow the same rule.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, renameSync, rmSync, statSync, cpSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { OUTPUT_FORMATS } from '../outputs/formats.js';
import type { BuildContext } from './context.js';
import { MANIFEST_IMAGE_DIR } from './image-metadata.js';

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

export const digest = (file: string, algorithm: 'sha256' | 'md5') =>
  new Promise<string>((resolve, reject) => {
    const hash = createHash(algorithm);
    createReadStream(file).on('data', (d) => hash.update(d)).on('error', reject).on('end', () => resolve(hash.digest('hex')));
  });

export async function writeOutputs(ctx: BuildContext): Promise<void> {
  const { plan } = ctx;
  for (const out of plan.outputs) {
    await writeAtomically(out.path, (tmp) =>
      OUTPUT_FORMATS[out.type].produce({ targetRoot: ctx.targetRoot, file: tmp, run: (c, a) => ctx.runner.run(c, a, { label: `output/${out.type}` }) }),
    );
    if (plan.image.checksum) {
      for (const algorithm of ['sha256', 'md5'] as const) {
        const sum = await digest(out.path, algorithm);
        await writeAtomically(`${out.path}.${algorithm}`, async (tmp) => writeFileSync(tmp, `${sum}  ${path.basename(out.path)}\n`));
      }
    }
    ctx.emit({ event: 'output', type: out.type, path: out.path, bytes: statSync(out.path).size });
  }
  await writeAtomically(plan.manifestDir, async (tmp) => {
    cpSync(path.join(ctx.targetRoot, MANIFEST_IMAGE_DIR), tmp, { recursive: true });
  });
}
