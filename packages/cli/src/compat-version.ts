import { CLI_VERSION } from './cli-version.js';

/**
 * `disk-image-create --version` and `ramdisk-image-create --version` print one line,
 * the bare version number, as diskimage-builder's do (scripts read it); dib's own
 * `dib --version` says more.
 */
export function compatVersion(args: readonly string[]): number | undefined {
  if (args.length !== 1 || args[0] !== '--version') return undefined;
  process.stdout.write(`${CLI_VERSION}\n`);
  return 0;
}
