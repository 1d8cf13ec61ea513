/** Ubuntu releases this package knows, newest last, with their version (for the HWE kernel's package name). */
export const UBUNTU_RELEASES = {
  focal: '20.04',
  jammy: '22.04',
  noble: '24.04',
  questing: '25.10',
  resolute: '26.04',
} as const;

export type UbuntuRelease = keyof typeof UBUNTU_RELEASES;
export const DEFAULT_UBUNTU_RELEASE: UbuntuRelease = 'noble';

/** Long-term support releases: the only ones with a hardware-enablement (HWE) kernel. */
export const UBUNTU_LTS_RELEASES: readonly UbuntuRelease[] = ['focal', 'jammy', 'noble', 'resolute'];
