/**
 * DIB's `break` variable: `break=before-install,after-error` opens an interactive shell
 * at those points (in the chroot for chroot phases). Without a terminal it is noted
 * in the log and the build goes on.
 */
import { execa } from 'execa';
import type { BuildContext } from './context.js';

export const parseBreakpoints = (env: NodeJS.ProcessEnv = process.env): Set<string> =>
  new Set((env.break ?? '').split(',').map((s) => s.trim()).filter(Boolean));

export async function openBreakShell(ctx: BuildContext, point: string, where: 'host' | 'chroot'): Promise<void> {
  if (!process.stdin.isTTY) {
    ctx.log.line(`break=${point} requested, but stdin is not a terminal: continuing`);
    process.stderr.write(`dib: break=${point} ignored: no terminal\n`);
    return;
  }
  process.stderr.write(`\ndib: break at ${point}; ${where === 'chroot' ? 'shell in the image chroot' : `host shell in ${ctx.targetRoot}`}. Exit the shell to continue.\n`);
  const env = { ...ctx.env, PS1: `dib(${point})# ` };
  if (where === 'chroot') {
    await ctx.chroot.enter();
    await execa('chroot', [ctx.targetRoot, '/bin/bash', '-i'], { stdio: 'inherit', env, reject: false });
  } else {
    await execa('/bin/bash', ['-i'], { stdio: 'inherit', env, cwd: ctx.targetRoot, reject: false });
  }
}
