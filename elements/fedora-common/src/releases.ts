/** Fedora's current release (45 shipped in October 2026), the default DIB_RELEASE. */
export const DEFAULT_FEDORA_RELEASE = '45';

/** Fedora's names for dib's architectures; the others have no Fedora Cloud image. */
export const FEDORA_ARCHES: Record<string, string> = { amd64: 'x86_64', arm64: 'aarch64', ppc64el: 'ppc64le', s390x: 's390x' };
