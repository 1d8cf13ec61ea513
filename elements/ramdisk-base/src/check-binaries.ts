/**
 * post-root: every executable a binary-deps.d file names must be in the image, found
 * the way the ramdisk will need it (PATH inside the chroot, or an absolute path). Runs
 * before finalise so a missing one fails early, naming the element and the binary.
 */
import { ElementError, type HostHookContext } from '@dib/core/element';
import { ERRORS } from './errors.js';
import { binaryDeps, type BinaryDep } from './ramdisk-files.js';

// Prints "path" or "-" for each name, one per line, in order. The ramdisk's PATH, not
// the host's; a shell builtin has no file to copy, so only a path counts.
const LOOKUP = `PATH=/usr/sbin:/usr/bin:/sbin:/bin
for name; do
  case $name in
    /*) if [ -x "$name" ] && [ ! -d "$name" ]; then echo "$name"; else echo -; fi ;;
    *) found=$(command -v -- "$name" || true)
       case $found in /*) echo "$found" ;; *) echo - ;; esac ;;
  esac
done`;

/** Resolves each binary inside the image; missing ones fail the build. */
export async function resolveBinaries(ctx: HostHookContext): Promise<{ dep: BinaryDep; path: string }[]> {
  const deps = binaryDeps(ctx.hookFiles);
  if (deps.length === 0) return [];
  const { stdout } = await ctx.runInImage('/bin/sh', ['-c', LOOKUP, 'lookup', ...deps.map((d) => d.binary)]);
  const found = stdout.split('\n').slice(0, deps.length);
  const missing = deps.filter((_, i) => !found[i]?.startsWith('/'));
  if (missing.length) {
    const first = missing[0];
    throw new ElementError(
      ERRORS.DIB_E_RAMDISK_BINARY_MISSING,
      missing
        .map(
          (m) =>
            `binary-deps.d/${m.list} of element "${m.element}" names "${m.binary}", which is not ${m.binary.startsWith('/') ? 'an executable file' : 'on the PATH'} in the image`,
        )
        .join('\n'),
      { location: { element: first.element, phase: ctx.phase, script: `binary-deps.d/${first.list}` } },
    );
  }
  return deps.map((dep, i) => ({ dep, path: found[i] }));
}

export async function checkBinaries(ctx: HostHookContext): Promise<void> {
  const resolved = await resolveBinaries(ctx);
  ctx.log(`ramdisk binaries: ${resolved.map((r) => r.path).join(' ')}`);
}
