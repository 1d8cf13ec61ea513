/**
 * An image's Nx inputs: exactly what can change it. The config entry, each element's
 * files (workspace files hashed by Nx, installed packages by their lockfile version,
 * directories outside the workspace by a digest command), the caller variables the
 * build reads, and dib itself.
 */
import path from 'node:path';
import { shellQuote, type ImageInputs } from '@dib/core';
import { CONTENT_VARIABLE_FORMS } from '@dib/cli';
import { realDirectory, workspaceRelative, workspaceSource } from './workspace-path.js';

export type NxInput = { fileset: string } | { json: string; fields: string[] } | { env: string } | { externalDependencies: string[] } | { runtime: string };

/** The packages of dib itself: a new dib is a new image. */
const DIB_PACKAGES = ['@dib/cli', '@dib/core'];

export interface InputContext {
  workspaceRoot: string;
  /** The config file, relative to the workspace root. */
  configFile: string;
  image: string;
  /** Whether the lockfile lists a package; undefined without a lockfile. */
  locked?: (name: string) => boolean;
}

export function imageTargetInputs(inputs: ImageInputs, ctx: InputContext): NxInput[] {
  const files: NxInput[] = [];
  const external = new Set<string>(DIB_PACKAGES);
  const runtime: NxInput[] = [];
  for (const el of inputs.elements) {
    const dir = el.source.kind === 'package' ? el.source.packageRoot : el.directory;
    const rel = workspaceSource(ctx.workspaceRoot, dir);
    if (rel !== undefined) files.push({ fileset: `{workspaceRoot}/${rel === '.' ? '' : `${rel}/`}**/*` });
    else if (el.source.kind === 'package') external.add(el.source.packageName);
    else runtime.push({ runtime: directoryDigestCommand(realDirectory(dir)) });
  }
  const packages = ctx.locked ? [...external].filter(ctx.locked).sort() : [];
  return [
    configEntryInput(ctx),
    ...dedupe(files),
    ...dedupe(runtime),
    // The variables the build reads, and dib create's own (ARCH=arm64 is another image).
    ...[...new Set([...inputs.variables, ...CONTENT_VARIABLE_FORMS])].sort().map((name) => ({ env: name })),
    // Always present, even empty: without it Nx would hash every npm package of the workspace.
    { externalDependencies: packages },
  ];
}

/**
 * The image's own entry of the config file and the keys that change every image: a JSON
 * file by those fields alone (editing one image leaves the others' hashes alone); other
 * formats, which Nx cannot read by field, whole.
 */
export function configEntryInput(ctx: Pick<InputContext, 'configFile' | 'image'>): NxInput {
  const file = `{workspaceRoot}/${ctx.configFile}`;
  if (ctx.configFile.endsWith('.json') && !ctx.image.includes('.')) return { json: file, fields: [`images.${ctx.image}`, 'elementsPath', 'logfile'] };
  return { fileset: file };
}

/** Contents and names of every file under a directory, as one sha256 (paths relative, so another checkout agrees). */
export const directoryDigestCommand = (dir: string): string =>
  `cd ${shellQuote(dir)} && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum | sha256sum`;

const dedupe = (inputs: NxInput[]) => [...new Map(inputs.map((i) => [JSON.stringify(i), i])).values()];

/** Where an image writes, as Nx outputs; a path outside the workspace cannot be cached and is left out. */
export function imageTargetOutputs(inputs: ImageInputs, workspaceRoot: string): { outputs: string[]; outside: string[] } {
  const outputs: string[] = [];
  const outside: string[] = [];
  for (const file of inputs.writes) {
    const rel = workspaceRelative(workspaceRoot, path.resolve(file));
    if (rel === undefined || rel === '.') outside.push(file);
    else outputs.push(`{workspaceRoot}/${rel}`);
  }
  return { outputs, outside };
}
