/** Variables of the stage cache itself: how a build is run, not what it makes. */
export const STAGE_CACHE_VARIABLES = ['DIB_STAGE_CACHE', 'DIB_STAGE_CACHE_MIN_SECONDS', 'DIB_STAGE_CACHE_MAX_SIZE'] as const;

/**
 * Variables that describe how dib was called, not what the image holds: the same build
 * run with -x, --offline, --dry-run or another -o has the same stages, so builds of one
 * image to different paths (CI jobs) share them. The image still records them
 * (dib_environment, dib_arguments) as they were for the build that made a stage.
 */
const NOT_KEYED = new Set<string>(['DIB_ARGS', 'DIB_ENV', 'DIB_OFFLINE', 'DIB_DEBUG_TRACE', 'IMAGE_NAME', ...STAGE_CACHE_VARIABLES]);

/** The variables that make an image what it is: what stage keys and filesystem identities are derived from. */
export const keyedEnvironment = (env: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(Object.entries(env).filter(([k]) => !NOT_KEYED.has(k)));
