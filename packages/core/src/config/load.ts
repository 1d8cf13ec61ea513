/**
 * Finds and validates the user's config file. Stages: load (cosmiconfig) -> shape
 * (zod) -> paths resolved against the file's directory.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DibError } from '../errors.js';
import { readConfigFile } from './read-file.js';
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
  /** Found while searching: other config files beside the one used. */
  warnings: string[];
}

export async function loadConfig(options: { cwd: string; file?: string }): Promise<LoadedConfig> {
  let found: { config: unknown; filepath: string } | null = null;
  const warnings: string[] = [];
  if (options.file) {
    const file = path.resolve(options.cwd, options.file);
    if (!existsSync(file)) {
      throw new DibError('DIB_E_CONFIG_NOT_FOUND', `${file} does not exist`, { location: { file } });
    }
    found = await readConfigFile(file);
  } else {
    const stop = projectRoot(options.cwd);
    for (let dir = path.resolve(options.cwd); !found; dir = path.dirname(dir)) {
      found = await configIn(dir, warnings);
      if (dir === stop || dir === path.dirname(dir)) break;
    }
  }
  if (!found) return { config: ConfigSchema.parse({}), dir: options.cwd, warnings };
  return { config: validateConfig(found.config ?? {}, found.filepath), filepath: found.filepath, dir: path.dirname(found.filepath), warnings };
}

/** The first config file in one directory, in CONFIG_SEARCH_PLACES order; any other one there is named in a warning. */
async function configIn(dir: string, warnings: string[]): Promise<{ config: unknown; filepath: string } | null> {
  let found: { config: unknown; filepath: string } | null = null;
  for (const name of CONFIG_SEARCH_PLACES) {
    const file = path.join(dir, name);
    if (!existsSync(file)) continue;
    if (found) {
      warnings.push(`${file} is ignored: ${found.filepath} is the config file used (one config file per directory)`);
      continue;
    }
    const read = await readConfigFile(file);
    // A package.json is a config file only when it has a "dib" key (it comes first, so it is never the ignored one).
    if (read && !(name === 'package.json' && read.config === undefined)) found = read;
  }
  return found;
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
