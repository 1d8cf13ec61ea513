/** Runs the element's phase scripts as a build would, against a scratch root instead of the image's /. */
import { execa } from 'execa';
import path from 'node:path';

export const ELEMENT = path.resolve(import.meta.dirname, '..');
export const CONFIGURE = path.join(ELEMENT, 'pre-install.d/04-pypi-mirror');
export const RESTORE = path.join(ELEMENT, 'post-install.d/99-pypi-mirror');

/** Runs `script` with only `env`, the element's bin/ on PATH (as the hook tree's bin is) and PYPI_ROOT=root. */
export function runScript(script: string, root: string, env: Record<string, string> = {}) {
  return execa('bash', [script], {
    env: { PATH: `${ELEMENT}/bin:/usr/bin:/bin`, HOME: '/root', PYPI_ROOT: root, ...env },
    extendEnv: false,
    reject: false,
  });
}
