/**
 * DIB_YUM_REPO_CONF: repository files on the build host that the image's dnf uses during
 * the build (a local mirror, a private repository). They are copied into
 * /etc/yum.repos.d and listed, so finalise.d/97-dnf-clean takes them out again.
 */
import { copyFileSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ElementError, type HostHookContext } from '@dib/core/element';
import { ERRORS } from './errors.js';

export const BUILD_REPOS_LIST = '.dib-build-repos';

export function repoFiles(value: string | undefined): string[] {
  const files = (value ?? '').split(/\s+/).filter(Boolean);
  for (const file of files) {
    if (!file.endsWith('.repo')) {
      throw new ElementError(ERRORS.DIB_E_YUM_REPO_CONF, `DIB_YUM_REPO_CONF: ${file} does not end in .repo, so dnf would not read it`);
    }
    if (!existsSync(file) || !statSync(file).isFile()) {
      throw new ElementError(ERRORS.DIB_E_YUM_REPO_CONF, `DIB_YUM_REPO_CONF: ${file}: no such file`);
    }
  }
  const names = files.map((f) => path.basename(f));
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new ElementError(ERRORS.DIB_E_YUM_REPO_CONF, `DIB_YUM_REPO_CONF names two files called ${twice}; they would overwrite each other`);
  return files;
}

export function installBuildRepos(ctx: HostHookContext): void {
  const files = repoFiles(ctx.env.DIB_YUM_REPO_CONF);
  if (!files.length) return;
  const dir = path.join(ctx.targetRoot, 'etc/yum.repos.d');
  mkdirSync(dir, { recursive: true });
  const clash = files.find((f) => existsSync(path.join(dir, path.basename(f))));
  if (clash) {
    throw new ElementError(
      ERRORS.DIB_E_YUM_REPO_CONF,
      `DIB_YUM_REPO_CONF: the image has its own /etc/yum.repos.d/${path.basename(clash)}, which ${clash} would replace and the build would then remove; give yours another name`,
    );
  }
  for (const file of files) {
    copyFileSync(file, path.join(dir, path.basename(file)));
    ctx.log(`DIB_YUM_REPO_CONF: ${file} is /etc/yum.repos.d/${path.basename(file)} for the build`);
  }
  writeFileSync(path.join(dir, BUILD_REPOS_LIST), files.map((f) => `${path.basename(f)}\n`).join(''));
}
