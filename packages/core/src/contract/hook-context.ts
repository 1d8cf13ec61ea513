/**
 * What every TypeScript hook receives: host-phase hooks (`hooks` in the manifest) and
 * disk steps (`diskHooks`) alike. One type, one runner: the same events, progress entry,
 * error location and break points as a shell script.
 */
import type { ElementManifest } from './manifest.js';
import type { PhaseName } from './phases.js';

/** Where a TypeScript hook runs: a host phase, or `disk`, once the disk image file is assembled. */
export type HookStep = PhaseName | 'disk';

export interface HookRunOptions {
  cwd?: string;
  /** Added to the hook's environment (ctx.env). */
  env?: Record<string, string>;
  /** Written to the command's standard input. */
  input?: string;
}

/** The assembled disk, in the `disk` step. */
export interface AssembledDiskInfo {
  /** The raw disk image file (a bare filesystem image when the layout has no partition table). */
  readonly file: string;
  /** Partition table kind, or undefined for a bare filesystem image. */
  readonly label?: 'mbr' | 'gpt';
  /** Partitions in table order: byte offsets and sizes, GPT type GUID or MBR type byte. */
  readonly partitions: readonly { name: string; index: number; start: number; size: number; type: string }[];
}

export interface HookContext {
  /** The element the hook belongs to. */
  readonly element: string;
  /** The phase (or the disk step) being run. */
  readonly phase: HookStep;
  /** Aborted when the build is interrupted: pass it on to long work of your own. */
  readonly signal: AbortSignal;
  /**
   * The environment the phase's scripts see: the sanitised variables (DIB_*, documented
   * ones, the core's) after every element's environment.d has been sourced.
   */
  readonly env: Readonly<Record<string, string>>;
  /** Root of the image tree on the host. */
  readonly targetRoot: string;
  /** The merged hook tree on the host (mounted at /tmp/in_target.d in the chroot). */
  readonly hooksPath: string;
  /** Where the element writes its declared outputs (NAME becomes OUTPUT.NAME); $DIB_ELEMENT_OUTPUT_DIR. */
  readonly outputDir: string;
  /** DIB_IMAGE_CACHE. */
  readonly imageCache: string;
  /** True with --offline: use caches, never the network. */
  readonly offline: boolean;
  /** dib architecture name (amd64, arm64, ...). */
  readonly arch: string;
  /**
   * Every file of the merged hook tree (phase scripts, environment.d, bin, static, and the
   * data directories elements declare), each with its directory, owning element and source path.
   */
  readonly hookFiles: readonly { dir: string; name: string; element: string; source: string }[];
  /** Every element in the build, in plan order. */
  readonly elements: readonly { name: string; directory: string; manifest: ElementManifest }[];
  /** The assembled disk: present in the `disk` step only. */
  readonly disk?: AssembledDiskInfo;
  /** Writes a line to the build log, labelled with the phase and hook. */
  log(line: string): void;
  /** Runs a host command with ctx.env; its output goes to the build log; a failure fails the hook with its last lines. */
  run(command: string, args: readonly string[], options?: HookRunOptions): Promise<{ stdout: string }>;
  /**
   * Runs a command inside the image (chroot) with the mounts the chroot phases get
   * (/proc, /sys, /dev, /dev/pts, the hook tree, the host's resolv.conf), released when the hook ends.
   */
  runInImage(command: string, args: readonly string[], options?: HookRunOptions): Promise<{ stdout: string }>;
}

/** A host-phase hook's context (the same type; the name reads better in hook signatures). */
export type HostHookContext = HookContext;
/** A disk step's context: the same, with the assembled disk always present. */
export type DiskHookContext = HookContext & { readonly disk: AssembledDiskInfo };
