/**
 * What a task engine (Nx, a CI cache) must watch to know an image is unchanged, and
 * which files the build leaves: read off a plan, so it agrees with what the build does.
 */
import { VARIABLES_NOT_KEYED } from './stage-cache/keyed-environment.js';
import { isClassicTree, type ElementSource } from './elements/types.js';
import { variableReads } from './classic/reads.js';
import { CORE_VARIABLES, mayComeFromCaller } from './environment.js';
import type { BuildPlan } from './plan.js';
import { checksumFiles } from './outputs/formats.js';

/** Variables the core itself reads from the caller that change what an image holds. */
const CORE_CONTENT_VARIABLES = ['DIB_BLOCK_DEVICE_CONFIG', 'DIB_DEFAULT_INSTALLTYPE', 'DIB_PYTHON_VERSION'];
/** Where this machine keeps caches, locks and state: another machine's build of the same inputs is the same image. */
const MACHINE_LOCAL = new Set(['DIB_IMAGE_CACHE', 'DIB_LOCKFILES', 'DIB_STATE_DIR', 'DIB_TMP_DIR']);

export interface ImageInputs {
  /** Each element in the build and the directory its files are in. */
  readonly elements: readonly { name: string; directory: string; source: ElementSource }[];
  /** Caller variables that change the image when set, sorted. */
  readonly variables: readonly string[];
  /** Prefixes of variables an element scans for (DIB_INSTALLTYPE_, ...): an engine that needs names cannot list them. */
  readonly variablePrefixes: readonly string[];
  /** Every file or directory the build writes (absolute): outputs, checksums, manifests, the log. */
  readonly writes: readonly string[];
  /** Outputs that are not files (a docker image in the daemon): nothing a file cache can restore. */
  readonly notFiles: readonly string[];
}

export function imageInputs(plan: BuildPlan): ImageInputs {
  const reads = variableReads(plan.elements.filter(isClassicTree).map((el) => el.directory));
  const documented = plan.elements.flatMap((el) => Object.keys(el.manifest.env));
  // dib sets its own variables over the caller's, so only the ones it reads from the caller count.
  const setByDib = (v: string) => v in CORE_VARIABLES && !CORE_CONTENT_VARIABLES.includes(v);
  // Lower-case names a script reads are its own locals (loop variables) in all but name: settings are upper case.
  const settings = [...reads.names].filter((v) => v === v.toUpperCase());
  const named = [...documented, ...settings, ...CORE_CONTENT_VARIABLES].filter(
    (v) => mayComeFromCaller(v) && !setByDib(v) && !VARIABLES_NOT_KEYED.has(v) && !MACHINE_LOCAL.has(v),
  );
  const files = plan.outputs.filter((o) => isFilePath(o.path)).map((o) => o.path);
  const checksums = plan.image.checksum ? files.flatMap(checksumFiles) : [];
  return {
    elements: plan.elements.map((el) => ({ name: el.name, directory: el.directory, source: el.source })),
    variables: [...new Set(named)].sort(),
    variablePrefixes: [...new Set([...reads.prefixes, 'DIB_INSTALLTYPE_'])].sort(),
    writes: [...files, ...checksums, plan.manifestDir, plan.logfile],
    notFiles: plan.outputs.filter((o) => !isFilePath(o.path)).map((o) => o.path),
  };
}

/** Outputs that are files (a docker output is an image in the docker daemon, not a path). */
const isFilePath = (p: string) => p.startsWith('/');
