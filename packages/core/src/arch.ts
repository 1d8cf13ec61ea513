/**
 * Architectures a build can target (-a, the config's `arch`): Debian's names, as
 * dib's elements, caches and ARCH use them, plus the other spellings DIB users type,
 * mapped the way upstream's elements map them.
 */
export const ARCHES = ['amd64', 'arm64', 'armhf', 'i386', 'ppc64el', 's390x'] as const;
export type Arch = (typeof ARCHES)[number];

export const ARCH_ALIASES: Readonly<Record<string, Arch>> = {
  x86_64: 'amd64',
  aarch64: 'arm64',
  armv7l: 'armhf',
  i686: 'i386',
  ppc64le: 'ppc64el',
};

/** Every name -a accepts. */
export const ARCH_NAMES = [...ARCHES, ...Object.keys(ARCH_ALIASES)] as [string, ...string[]];

export const canonicalArch = (name: string): Arch => ARCH_ALIASES[name] ?? (name as Arch);

export const ARCH_HELP = `${ARCHES.join(', ')} (or ${Object.entries(ARCH_ALIASES)
  .map(([alias, arch]) => `${alias} for ${arch}`)
  .join(', ')})`;
