/**
 * DIB's `break` variable: `break=before-install,after-error` opens an interactive shell
 * at those points (in the chroot for chroot phases). Without a terminal it is noted
 * in the log and the build goes on.
 */
import { existsSync } from 'node:fs';
import { execa } from 'execa';
import { phaseEnvironment } from './hook-runner.js';
import type { BuildContext } from './context.js';

export { parseBreakpoints } from '../contract/break-points.js';

export async function openBreakShell(ctx: BuildContext, point: string, where: 'host' | 'chroot'): Promise<void> {
  if (!process.stdin.isTTY) {
    ctx.log.line(`break=${point} requested, but stdin is not a terminal: continuing`);
    process.stderr.write(`dib: break=${point} ignored: no terminal\n`);
    return;
  }
  process.stderr.write(
    `\ndib: break at ${point}; ${where === 'chroot' ? 'shell in the image chroot' : `host shell in ${ctx.targetRoot}`}. Exit the shell to continue.\n`,
  );
  // The shell sees what the phase's hooks see (paths inside the chroot for chroot phases).
  const inChroot = where === 'chroot' && existsSync(`${ctx.targetRoot}/bin/bash`);
  const env = { ...phaseEnvironment(ctx, inChroot ? 'install' : 'root'), PS1: `dib(${point})# ` };
  if (inChroot) {
    await ctx.chroot.enter();
    await execa('chroot', [ctx.targetRoot, '/bin/bash', '-i'], { stdio: 'inherit', env, extendEnv: false, reject: false });
  } else {
    await execa('/bin/bash', ['-i'], {
      stdio: 'inherit',
      env,
      extendEnv: false,
      cwd: existsSync(ctx.targetRoot) ? ctx.targetRoot : ctx.buildDir,
      reject: false,
    });
  }
}
