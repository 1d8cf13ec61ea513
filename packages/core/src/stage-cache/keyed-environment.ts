import path from 'node:path';
import { namedHostFiles } from './digest.js';

/** Variables of the stage cache itself: how a build is run, not what it makes. */
export const STAGE_CACHE_VARIABLES = ['DIB_STAGE_CACHE', 'DIB_STAGE_CACHE_MIN_SECONDS', 'DIB_STAGE_CACHE_MAX_SIZE'] as const;

/**
 * Variables that describe how dib was called, not what the image holds: the same build
 * run with -x, --offline or --dry-run, from another checkout, terminal or proxy, has the
 * same stages. Element paths are left out because the elements' contents are keyed. The
 * image still records the values (dib_environment, dib_arguments) of the build that
 * made a stage.
 */
export const VARIABLES_NOT_KEYED: ReadonlySet<string> = new Set<string>([
  'DIB_ARGS',
  'DIB_ENV',
  'DIB_OFFLINE',
  'DIB_DEBUG_TRACE',
  'DIB_DEBUG',
  'IMAGE_NAME',
  'IMAGE_ELEMENT_YAML',
  'ELEMENTS_PATH',
  'TERM',
  ...['http_proxy', 'https_proxy', 'no_proxy'].flatMap((v) => [v, v.toUpperCase()]),
  ...STAGE_CACHE_VARIABLES,
]);

/**
 * What the variables make of an image: their values (less those above), the output's
 * file name (manifests and checksum files are named after it, not its directory), and the
 * content of host files they name (a new authorized_keys is a new image).
 */
export function keyedEnvironment(env: Readonly<Record<string, string>>): Record<string, unknown> {
  const values = Object.fromEntries(Object.entries(env).filter(([k]) => !VARIABLES_NOT_KEYED.has(k)));
  const files = Object.fromEntries(Object.entries(values).flatMap(([k, v]) => (v.includes('/') ? [[k, namedHostFiles(v)]] : [])));
  return { values, outputName: env.IMAGE_NAME ? path.basename(env.IMAGE_NAME) : '', files };
}
