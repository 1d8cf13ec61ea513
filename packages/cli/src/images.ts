/**
 * Which images a command works on: images named from the config file, or one image
 * made from elements on the command line; command-line flags override either.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DibError,
  didYouMean,
  formatZodIssues,
  ImageSchema,
  knownElementNames,
  loadConfig,
  type ImageOptions,
  type LoadedConfig,
  type PlanRequest,
} from '@dib/core';

export interface ImageOverrides {
  output?: string;
  types?: string[];
  arch?: string;
  packages?: string[];
  skipBase?: boolean;
  trace?: boolean;
  uncompressed?: boolean;
  size?: string;
  extraSize?: string;
  rootLabel?: string;
  mkfsOptions?: string;
  qemuImgOptions?: string;
  qcow2Compression?: string;
  squashfsCompression?: string;
  checksum?: boolean;
  kind?: 'disk' | 'ramdisk';
  ramdiskElement?: string;
  installType?: string;
}

export interface GlobalOverrides {
  config?: string;
  elementsPath?: string[];
  imageCache?: string;
  tmpfs?: boolean;
  minTmpfs?: number;
  offline?: boolean;
  /** --no-cache: every phase runs; no stage is restored or stored. */
  noCache?: boolean;
  logfile?: string;
  /** Ramdisk builds: --tmpfs / --no-tmpfs (they build on disk otherwise). */
  ramdiskTmpfs?: boolean;
}

/** Where first-party elements are found when the user's project does not have them: beside this CLI. */
export const CLI_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const defined = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

export interface SearchContext {
  loaded: LoadedConfig;
  elementsPath: string[];
  searchRoots: string[];
}

/** Config file, element directories (flags, ELEMENTS_PATH, config) and package search roots. */
export async function searchContext(global: GlobalOverrides): Promise<SearchContext> {
  const cwd = process.cwd();
  const loaded = await loadConfig({ cwd, file: global.config });
  const envPath = (process.env.ELEMENTS_PATH ?? '')
    .split(':')
    .filter(Boolean)
    .map((p) => path.resolve(cwd, p));
  return {
    loaded,
    elementsPath: [...(global.elementsPath ?? []).map((p) => path.resolve(cwd, p)), ...envPath, ...loaded.config.elementsPath],
    searchRoots: [loaded.dir, CLI_ROOT],
  };
}

/** One file per image (a log, a trace): when it is shared by several images, the image name goes in front of the file name. */
export const perImagePath = <T extends string | undefined>(file: T, image: string, count: number): T =>
  (file && count > 1 ? path.join(path.dirname(file), `${image}.${path.basename(file)}`) : file) as T;

export async function selectImages(
  positionals: string[],
  image: ImageOverrides,
  global: GlobalOverrides,
  argv: string[],
): Promise<{ requests: PlanRequest[]; loaded: LoadedConfig }> {
  const cwd = process.cwd();
  const { loaded, elementsPath, searchRoots } = await searchContext(global);
  const { config } = loaded;
  const configured = Object.keys(config.images);
  const byName = positionals.length > 0 && positionals.every((p) => configured.includes(p));

  let chosen: [string, ImageOptions & { output: string }][];
  if (positionals.length === 0) {
    if (configured.length === 0) {
      throw new DibError('DIB_E_NO_ELEMENTS', `no elements on the command line and no images in ${loaded.filepath ?? 'a config file (none found)'}`);
    }
    chosen = configured.map((n) => [n, config.images[n] as ImageOptions & { output: string }]);
  } else if (byName) {
    chosen = positionals.map((n) => [n, config.images[n] as ImageOptions & { output: string }]);
  } else {
    // Only a config with images can be mistyped; the element names are read only then.
    if (configured.length) refuseImageTypos(positionals, configured, knownElementNames(searchRoots, elementsPath), loaded.filepath);
    const output = image.output ?? 'image';
    chosen = [[path.basename(output), { ...parseElementArguments(positionals), output }]];
  }
  if (image.output && chosen.length > 1) {
    throw new DibError('DIB_E_ARGUMENT', `-o names one output but ${chosen.length} images are selected (${chosen.map(([n]) => n).join(', ')})`, {
      hint: 'Name one image (dib create NAME -o PATH) or leave -o out.',
    });
  }
  const requests = chosen.map(([name, base]): PlanRequest => {
    const input = { ...base, ...defined(image), output: undefined };
    const merged = ImageSchema.safeParse(input);
    if (!merged.success) throw new DibError('DIB_E_CONFIG_INVALID', formatZodIssues(merged.error, input, 'command line').join('\n'));
    return {
      name,
      // -o as typed ("", ".", "x/" mean something to the plan's check); it resolves it from here.
      image: { ...merged.data, output: image.output ?? path.resolve(cwd, base.output) },
      elementsPath,
      searchRoots,
      imageCache: global.imageCache ? path.resolve(cwd, global.imageCache) : config.imageCache,
      offline: global.offline ?? config.offline,
      noCache: global.noCache,
      tmpfs: global.tmpfs ?? config.tmpfs,
      minTmpfs: global.minTmpfs ?? config.minTmpfs,
      ramdiskTmpfs: global.ramdiskTmpfs,
      // --logfile names the log of the images this command builds; the config's names every image's, so its
      // per-image names do not depend on how many are built at once (dib create web and dib create agree).
      logfile: global.logfile ? perImagePath(path.resolve(cwd, global.logfile), name, chosen.length) : perImagePath(config.logfile, name, configured.length),
      callerEnv: process.env,
      argv,
      warnings: loaded.warnings,
    };
  });
  return { requests, loaded };
}

/** A word that is neither an image of the config nor a known element, but close to an image's name, is a typo of it. */
function refuseImageTypos(positionals: string[], images: string[], elements: string[], file: string | undefined): void {
  for (const word of positionals) {
    if (images.includes(word) || elements.includes(word)) continue;
    const guess = didYouMean(word, images);
    if (guess) {
      throw new DibError('DIB_E_ARGUMENT', `"${word}" is not an image in ${file}; did you mean "${guess}"?`, {
        hint: `Images there: ${images.join(', ')}. Words that are not images are taken as element names.`,
      });
    }
  }
}

/** The elements named on the command line, each checked as a name before any is looked up. */
export function parseElementArguments(positionals: string[]): ImageOptions {
  const parsed = ImageSchema.safeParse({ elements: positionals });
  if (parsed.success) return parsed.data;
  const bad = parsed.error.issues.map((i) => {
    const index = i.path[1];
    return typeof index === 'number' ? `element ${JSON.stringify(positionals[index])}: ${i.message}` : i.message;
  });
  throw new DibError('DIB_E_ARGUMENT', bad.join('\n'), {
    hint: 'Name elements as they are published (debian, vm, my-element); a path or a quoted command is not an element.',
  });
}
