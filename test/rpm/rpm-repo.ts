/**
 * RPM repositories for the fedora tests: noarch packages made with rpmbuild, each
 * installing the files it is given, signed with rpmsign as a distribution signs its
 * packages, indexed with createrepo_c (and modifyrepo_c for module streams).
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import type { SigningKey } from '@dib/testing';

export interface TestPackage {
  name: string;
  /** Default 1.0. */
  version?: string;
  /** Extra capabilities, e.g. installonlypkg(kernel) for a package dnf keeps several versions of. */
  provides?: string[];
  /** Path in the image -> content. */
  files: Record<string, string>;
  /** The module stream (modulemd) the package belongs to: dnf hides it until that stream is enabled. */
  module?: { name: string; stream: string };
}

/** modulemd documents, one per module stream, listing the packages of that stream. */
function modulesYaml(packages: TestPackage[]): string {
  const streams = new Map<string, TestPackage[]>();
  for (const pkg of packages.filter((p) => p.module)) {
    const key = `${pkg.module!.name}:${pkg.module!.stream}`;
    streams.set(key, [...(streams.get(key) ?? []), pkg]);
  }
  return [...streams]
    .map(([key, pkgs]) => {
      const [name, stream] = key.split(':');
      return [
        '---',
        'document: modulemd',
        'version: 2',
        'data:',
        `  name: ${name}`,
        `  stream: "${stream}"`,
        '  version: 1',
        '  context: d1b00001',
        '  arch: noarch',
        `  summary: ${key}, a dib test module stream`,
        `  description: ${key}, a dib test module stream.`,
        '  license:',
        '    module: [Apache-2.0]',
        '  artifacts:',
        '    rpms:',
        ...pkgs.map((p) => `    - ${p.name}-0:${p.version ?? '1.0'}-1.noarch`),
        '...',
      ].join('\n');
    })
    .join('\n');
}

function spec(pkg: TestPackage): string {
  const install = Object.entries(pkg.files).map(
    ([file, content]) => `mkdir -p %{buildroot}${path.posix.dirname(file)}\nprintf '%s\\n' '${content.replace(/'/g, '')}' > %{buildroot}${file}`,
  );
  return [
    `Name: ${pkg.name}`,
    `Version: ${pkg.version ?? '1.0'}`,
    'Release: 1',
    ...(pkg.provides?.length ? [`Provides: ${pkg.provides.join(' ')}`] : []),
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

/** Builds the binary RPM SPEC describes (named NAME.spec under WORK) into DIR. */
async function rpmbuild(dir: string, work: string, name: string, spec: string): Promise<void> {
  mkdirSync(work, { recursive: true });
  const file = path.join(work, `${name}.spec`);
  writeFileSync(file, spec);
  await execa('rpmbuild', ['--quiet', '--define', `_topdir ${path.join(work, 'top')}`, '--define', `_rpmdir ${dir}`, '-bb', file]);
}

/** A repository at DIR holding PACKAGES (none makes an empty, valid repository), every package signed by KEY. */
export async function makeRpmRepo(dir: string, work: string, packages: TestPackage[], key: SigningKey): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (const pkg of packages) await rpmbuild(dir, work, pkg.name, spec(pkg));
  for (const rpm of readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.rpm')))
    await key.signRpm(path.join(dir, rpm));
  await execa('createrepo_c', ['--quiet', dir]);
  if (packages.some((p) => p.module)) {
    const yaml = path.join(work, 'modules.yaml');
    writeFileSync(yaml, `${modulesYaml(packages)}\n`);
    await execa('modifyrepo_c', ['--mdtype=modules', yaml, path.join(dir, 'repodata')]);
  }
}

/**
 * One RPM holding a whole tree (a tarball's, kernel modules and /dev left out), providing
 * `provides`: a userland for a bootstrap to install, built without payload compression
 * or post-processing, since it is unpacked once, on this machine. makeRpmRepo signs it.
 */
export async function makeTreeRpm(dir: string, work: string, name: string, tarball: string, provides: readonly string[]): Promise<void> {
  await rpmbuild(
    dir,
    work,
    name,
    [
      `Name: ${name}`,
      'Version: 1.0',
      'Release: 1',
      `Summary: ${name}, a dib test userland`,
      'License: Apache-2.0',
      'AutoReqProv: no',
      `Provides: ${provides.join(' ')}`,
      '%define _binary_payload w0.ufdio',
      '%define __spec_install_post %{nil}',
      '%define __os_install_post %{nil}',
      '%define _build_id_links none',
      '%define debug_package %{nil}',
      '%description',
      `${name}, a dib test userland.`,
      '%install',
      'mkdir -p %{buildroot}',
      `tar -xf ${tarball} -C %{buildroot} --exclude='./usr/lib/modules/*' --exclude='./dev/*'`,
      '%files',
      '%defattr(-,-,-,-)',
      '/*',
      '',
    ].join('\n'),
  );
}
