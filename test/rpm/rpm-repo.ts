/**
 * RPM repositories for the fedora tests: noarch packages made with rpmbuild, each
 * installing the files it is given, indexed with createrepo_c.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';

export interface TestPackage {
  name: string;
  /** Path in the image -> content. */
  files: Record<string, string>;
}

function spec(pkg: TestPackage): string {
  const install = Object.entries(pkg.files).map(
    ([file, content]) => `mkdir -p %{buildroot}${path.posix.dirname(file)}\nprintf '%s\\n' '${content.replace(/'/g, '')}' > %{buildroot}${file}`,
  );
  return [
    `Name: ${pkg.name}`,
    'Version: 1.0',
    'Release: 1',
    `Summary: ${pkg.name}, a dib test package`,
    'License: Apache-2.0',
    'BuildArch: noarch',
    '%description',
    `${pkg.name}, a dib test package.`,
    '%install',
    ...install,
    '%files',
    ...Object.keys(pkg.files),
    '',
  ].join('\n');
}

/** A repository at DIR holding PACKAGES (none makes an empty, valid repository). */
export async function makeRpmRepo(dir: string, work: string, packages: TestPackage[]): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (const pkg of packages) {
    const file = path.join(work, `${pkg.name}.spec`);
    mkdirSync(work, { recursive: true });
    writeFileSync(file, spec(pkg));
    await execa('rpmbuild', ['--quiet', '--define', `_topdir ${path.join(work, 'top')}`, '--define', `_rpmdir ${dir}`, '-bb', file]);
  }
  await execa('createrepo_c', ['--quiet', dir]);
}
