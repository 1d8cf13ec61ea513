/**
 * /init is run by PID 1: a syntax error there would make the shell exit and the kernel
 * panic, with no rescue shell. So the image's own busybox checks it at build time, and
 * a failure names the fragment (each is checked alone to find it).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DibError, type HostHookContext } from '@dib/core/element';
import { wrapFragment } from './init-script.js';
import type { ElementFile } from './ramdisk-files.js';

const syntaxError = async (ctx: HostHookContext, fileInImage: string) => {
  try {
    await ctx.runInImage('busybox', ['sh', '-n', fileInImage]);
    return undefined;
  } catch (e) {
    // The command's last lines hold busybox's "line N: syntax error: ..." message.
    const tail = (e as { tail?: readonly string[] }).tail;
    return tail?.length ? tail.join('\n') : (e as Error).message;
  }
};

export async function checkInitSyntax(ctx: HostHookContext, initInImage: string, fragments: readonly ElementFile[]): Promise<void> {
  if (!(await syntaxError(ctx, initInImage))) return;
  // Outside the ramdisk's stage, so it is never packed.
  const probe = '/tmp/dib-init-fragment-check';
  // The fragment as written first (its own line numbers), then as /init wraps it.
  for (const [i, f] of fragments.entries()) {
    for (const text of [readFileSync(f.file, 'utf8'), wrapFragment(f, i)]) {
      writeFileSync(path.join(ctx.targetRoot, probe), text);
      const error = await syntaxError(ctx, probe);
      rmSync(path.join(ctx.targetRoot, probe), { force: true });
      if (error) {
        throw new DibError(
          'DIB_E_HOOK_FAILED',
          `init.d/${f.name} of element "${f.element}" is not valid sh for the ramdisk's busybox:\n${error.replaceAll(probe, `init.d/${f.name}`)}`,
          {
            location: { element: f.element, phase: ctx.phase, script: `init.d/${f.name}` },
            hint: 'Fix the fragment; `busybox sh -n FILE` checks it. A syntax error in /init would make the kernel panic at boot.',
          },
        );
      }
    }
  }
  throw new DibError('DIB_E_HOOK_FAILED', 'the ramdisk /init is not valid sh, though each init.d fragment is on its own', {
    location: { element: ctx.element, phase: ctx.phase },
    hint: 'A fragment probably leaves a quote, here-document or block open for the next one; check the fragments together with busybox sh -n.',
  });
}
