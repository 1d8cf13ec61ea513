/**
 * The repositories fedora-minimal bootstraps from, as .repo text: Fedora's release and
 * updates repositories, from the metalink or from DIB_DISTRIBUTION_MIRROR, with every
 * package checked against Fedora's keys shipped in fedora-common.
 */
export interface BootstrapRepoOptions {
  /** DIB_DISTRIBUTION_MIRROR: the directory holding releases/ and updates/. */
  mirror?: string;
  /** Armored key files dnf checks the packages with. */
  keys: readonly string[];
}

export function fedoraBootstrapRepos({ mirror, keys }: BootstrapRepoOptions): string {
  const base = mirror?.replace(/\/+$/, '');
  const repo = (id: string, name: string, mirrorPath: string, metalinkRepo: string) =>
    [
      `[${id}]`,
      `name=${name}`,
      base ? `baseurl=${base}/${mirrorPath}` : `metalink=https://mirrors.fedoraproject.org/metalink?repo=${metalinkRepo}&arch=$basearch`,
      'enabled=1',
      'gpgcheck=1',
      `gpgkey=${keys.map((k) => `file://${k}`).join(' ')}`,
      '',
    ].join('\n');
  return [
    repo('fedora', 'Fedora $releasever - $basearch', 'releases/$releasever/Everything/$basearch/os/', 'fedora-$releasever'),
    repo('updates', 'Fedora $releasever - $basearch - Updates', 'updates/$releasever/Everything/$basearch/', 'updates-released-f$releasever'),
  ].join('\n');
}
