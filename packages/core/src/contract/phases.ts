/**
 * The build phases, in the order the builder runs them. This is the one place that
 * says where each phase runs and what its scripts receive.
 */
export interface PhaseInfo {
  /** Directory name of the phase inside an element, e.g. `install.d`. */
  readonly dir: string;
  /** `host`: runs on the build host; `chroot`: runs inside the image with /proc, /sys, /dev mounted. */
  readonly where: 'host' | 'chroot';
  /** Variables the phase's scripts can rely on beyond the common ones. */
  readonly inputs: readonly string[];
  /** What the phase is for, shown by `dib create --help` and the dry-run. */
  readonly purpose: string;
}

const define = <T extends Record<string, PhaseInfo>>(phases: T) => phases;

/** Ordered: object key order is the run order. */
export const PHASES = define({
  root: { dir: 'root.d', where: 'host', inputs: ['TARGET_ROOT', 'ARCH'], purpose: 'create or adapt the initial root filesystem' },
  'extra-data': { dir: 'extra-data.d', where: 'host', inputs: ['TMP_HOOKS_PATH', 'TARGET_ROOT'], purpose: 'bring host data into the hooks tree' },
  'pre-install': { dir: 'pre-install.d', where: 'chroot', inputs: [], purpose: 'prepare package sources before installs' },
  install: { dir: 'install.d', where: 'chroot', inputs: [], purpose: 'install and configure software' },
  'post-install': { dir: 'post-install.d', where: 'chroot', inputs: [], purpose: 'tidy up after installs' },
  'post-root': { dir: 'post-root.d', where: 'host', inputs: ['TARGET_ROOT'], purpose: 'host-side changes after the chroot phases' },
  'block-device': {
    dir: 'block-device.d',
    where: 'host',
    inputs: ['TARGET_ROOT', 'DIB_BLOCK_DEVICE_LABEL', 'DIB_BLOCK_DEVICE_MOUNTS'],
    purpose: 'host-side changes once the layout is known (the disk is assembled after cleanup)',
  },
  'pre-finalise': { dir: 'pre-finalise.d', where: 'host', inputs: ['TARGET_ROOT'], purpose: 'host-side changes before finalise' },
  finalise: { dir: 'finalise.d', where: 'chroot', inputs: [], purpose: 'final tuning of the root tree (bootloader, SELinux labels)' },
  cleanup: { dir: 'cleanup.d', where: 'host', inputs: ['TARGET_ROOT'], purpose: 'remove build-only settings from the tree' },
});

export type PhaseName = keyof typeof PHASES;
export const PHASE_NAMES = Object.keys(PHASES) as PhaseName[];

/**
 * Element directories that are not phases but that the core gives meaning to:
 * environment.d is sourced before every script, bin/ is on PATH, static/ is copied in as is.
 * Directories other elements read (a ramdisk's init.d) are declared by those elements (`dataDirs`).
 */
export const EXTRA_HOOK_DIRS = ['environment.d', 'bin', 'static'] as const;

/** All directories merged into the hook tree, phases first. */
export const HOOK_DIRS: readonly string[] = [...PHASE_NAMES.map((p) => PHASES[p].dir), ...EXTRA_HOOK_DIRS];

export const phaseOfDir = (dir: string): PhaseName | undefined => PHASE_NAMES.find((p) => PHASES[p].dir === dir);
