/**
 * Finds and validates the user's config file. Stages: load (cosmiconfig) -> shape
 * (zod) -> paths resolved against the file's directory.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { cosmiconfig, defaultLoaders, type Loader } from 'cosmiconfig';
import { DibError } from '../errors.js';
import { ConfigSchema, type DibConfig } from './schema.js';
import { formatZodIssues } from './zod-message.js';

export const CONFIG_SEARCH_PLACES = [
  'package.json',
  '.dibrc',
  '.dibrc.json',
  '.dibrc.yaml',
  '.dibrc.yml',
  '.dibrc.js',
  '.dibrc.mjs',
  'dib.config.ts',
  'dib.config.mts',
  'dib.config.js',
  'dib.config.mjs',
  'dib.config.json',
  'dib.config.yaml',
  'dib.config.yml',
];

/** TypeScript configs are transpiled with the project's own `typescript` package. */
const loadTypeScript: Loader = async (filepath) => {
  const require = createRequire(filepath);
  let ts: typeof import('typescript');
  try {
    ts = require('typescript');
  } catch {
    throw new DibError('DIB_E_CONFIG_INVALID', `${filepath}: a TypeScript config needs the "typescript" package in the project`, {
      location: { file: filepath },
      hint: 'Run `npm install -D typescript`, or use dib.config.mjs / dib.config.yaml.',
    });
  }
  const source = await readFile(filepath, 'utf8');
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
    fileName: filepath,
  }).outputText;
  const compiled = `${filepath}.${randomBytes(4).toString('hex')}.mjs`;
  await writeFile(compiled, js);
  try {
    const mod = await import(pathToFileURL(compiled).href);
    return mod.default ?? mod;
  } finally {
    await rm(compiled, { force: true });
  }
};

/** The nearest directory at or above `cwd` with a package.json or .git; cwd when there is none. */
function projectRoot(cwd: string): string {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) || existsSync(path.join(dir, '.git'))) return dir;
    if (dir === path.dirname(dir)) return path.resolve(cwd);
  }
}

export interface LoadedConfig {
  config: DibConfig;
  /** The file it came from; undefined when there is none. */
  filepath?: string;
  /** Directory relative paths in the config are resolved against. */
  dir: string;
}

export async function loadConfig(options: { cwd: string; file?: string }): Promise<LoadedConfig> {
  const explorer = cosmiconfig('dib', {
    searchPlaces: CONFIG_SEARCH_PLACES,
    // Each directory is searched on its own, up to the project root (cosmiconfig 9's
    // "project" strategy walks on to / in some releases).
    searchStrategy: 'none',
    loaders: { ...defaultLoaders, '.ts': loadTypeScript, '.mts': loadTypeScript },
  });
  let found: { config: unknown; filepath: string } | null;
  if (options.file) {
    const file = path.resolve(options.cwd, options.file);
    if (!existsSync(file)) {
      throw new DibError('DIB_E_CONFIG_NOT_FOUND', `${file} does not exist`, { location: { file } });
    }
    found = await explorer.load(file).catch((cause: unknown) => rethrow(file, cause));
  } else {
    found = null;
    const stop = projectRoot(options.cwd);
    for (let dir = path.resolve(options.cwd); !found; dir = path.dirname(dir)) {
      found = await explorer.search(dir).catch((cause: unknown) => rethrow(dir, cause));
      if (dir === stop || dir === path.dirname(dir)) break;
    }
  }
  if (!found) return { config: ConfigSchema.parse({}), dir: options.cwd };
  return { config: validateConfig(found.config ?? {}, found.filepath), filepath: found.filepath, dir: path.dirname(found.filepath) };
}

function rethrow(file: string, cause: unknown): never {
  if (cause instanceof DibError) throw cause;
  const message = cause instanceof Error ? cause.message : String(cause);
  throw new DibError('DIB_E_CONFIG_INVALID', `${file}: could not be read: ${message}`, { location: { file }, cause });
}

/** Validates a config object; `source` names it in messages (file path or "command line"). */
export function validateConfig(input: unknown, source: string): DibConfig {
  const result = ConfigSchema.safeParse(input);
  if (!result.success) {
    const lines = formatZodIssues(result.error, input, source);
    throw new DibError('DIB_E_CONFIG_INVALID', lines.join('\n'), { location: { file: source } });
  }
  const config = result.data;
  const base = path.dirname(source);
  return {
    ...config,
    elementsPath: config.elementsPath.map((p) => path.resolve(base, p)),
    imageCache: config.imageCache ? path.resolve(base, config.imageCache) : undefined,
    logfile: config.logfile ? path.resolve(base, config.logfile) : undefined,
    images: Object.fromEntries(Object.entries(config.images).map(([name, image]) => [name, { ...image, output: path.resolve(base, image.output ?? name) }])),
  };
}
