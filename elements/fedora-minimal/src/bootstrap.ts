/**
 * A minimal Fedora tree made by the host's dnf (--installroot), as upstream's
 * yum-minimal does: the release's packages from Fedora's repositories (or
 * DIB_YUM_MINIMAL_BOOTSTRAP_REPOS), signatures checked against Fedora's keys, downloads
 * kept in the image cache for the next build.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cache, ElementError, type HostHookContext } from '@dib/core/element';
import { DEFAULT_FEDORA_RELEASE, FEDORA_ARCHES, fedoraRpmKeys } from '@dib/element-fedora-common';
import { ERRORS } from './errors.js';
import { fedoraBootstrapRepos } from './repos.js';

/** What the bootstrap installs; everything else comes from elements' packages. */
export const FEDORA_MINIMAL_PACKAGES = ['fedora-release', 'dnf', 'systemd', 'passwd', 'rootfiles', 'policycoreutils'];

/** The directory of .repo files dnf reads: the user's (DIB_YUM_MINIMAL_BOOTSTRAP_REPOS) or Fedora's. */
function reposDir(ctx: HostHookContext, scratch: string): string {
  const given = ctx.env.DIB_YUM_MINIMAL_BOOTSTRAP_REPOS;
  if (given) {
    if (!existsSync(given) || !statSync(given).isDirectory() || !readdirSync(given).some((f) => f.endsWith('.repo'))) {
      throw new ElementError(ERRORS.DIB_E_FEDORA_MINIMAL_REPOS, `DIB_YUM_MINIMAL_BOOTSTRAP_REPOS=${given} is not a directory holding .repo files`);
    }
    ctx.log(`bootstrap repositories from DIB_YUM_MINIMAL_BOOTSTRAP_REPOS (${given})`);
    return given;
  }
  writeFileSync(path.join(scratch, 'fedora.repo'), fedoraBootstrapRepos({ mirror: ctx.env.DIB_DISTRIBUTION_MIRROR, keys: fedoraRpmKeys() }));
  return scratch;
}

export async function bootstrapFedoraMinimal(ctx: HostHookContext): Promise<void> {
  const release = ctx.env.DIB_RELEASE || DEFAULT_FEDORA_RELEASE;
  const arch = FEDORA_ARCHES[ctx.arch];
  if (!arch) throw new ElementError(ERRORS.DIB_E_FEDORA_MINIMAL_ARCH, `-a ${ctx.arch}: Fedora is built for ${Object.keys(FEDORA_ARCHES).join(', ')}`);
  // Beside the tree, in the build directory, so a killed build's leftovers are found by dib cleanup.
  const scratch = mkdtempSync(path.join(path.dirname(ctx.targetRoot), 'fedora-minimal-'));
  try {
    const repos = reposDir(ctx, scratch);
    const dnfCache = path.join(ctx.imageCache, 'dnf-bootstrap', `fedora-${release}-${ctx.arch}`);
    const packages = [...FEDORA_MINIMAL_PACKAGES, ...(ctx.env.DIB_YUM_MINIMAL_EXTRA_PACKAGES ?? '').split(/[\s,]+/).filter(Boolean)];
    ctx.log(`installing Fedora ${release} (${arch}) into the tree with the host's dnf: ${packages.join(' ')}`);
    // Builds sharing the download cache take turns: dnf's own lock fails instead of waiting.
    mkdirSync(dnfCache, { recursive: true });
    await cache.withLock(dnfCache, () =>
      ctx.run('dnf', [
        '-y',
        `--installroot=${ctx.targetRoot}`,
        `--releasever=${release}`,
        `--forcearch=${arch}`,
        `--setopt=reposdir=${repos}`,
        `--setopt=cachedir=${dnfCache}`,
        '--setopt=keepcache=True',
        '--setopt=install_weak_deps=False',
        // The host's own dnf configuration (its variables, plugins) has no say in the image.
        '--setopt=varsdir=/nonexistent',
        '--noplugins',
        ...(ctx.offline ? ['--cacheonly'] : []),
        'install',
        ...packages,
      ]),
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
