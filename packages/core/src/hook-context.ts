/** What a TypeScript host-side hook receives. */
export interface HostHookContext {
  /** The element the hook belongs to. */
  readonly element: string;
  /** The phase being run. */
  readonly phase: string;
  /** The sanitised environment the phase's scripts also get (DIB_*, documented variables). */
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
   * Every file of the merged hook tree (phase scripts, binary-deps.d, init.d, udev.d,
   * static, ...), each with its directory, owning element and source path.
   */
  readonly hookFiles: readonly { dir: string; name: string; element: string; source: string }[];
  /** Every element in the build, in plan order. */
  readonly elements: readonly { name: string; directory: string; manifest: import('./manifest.js').ElementManifest }[];
  /** Writes a line to the build log. */
  log(line: string): void;
  /** Runs a host command; its output goes to the build log; a failure fails the hook (DIB_E_HOOK_FAILED, with the command's last lines). */
  run(command: string, args: readonly string[], options?: { cwd?: string; env?: Record<string, string>; input?: string }): Promise<{ stdout: string }>;
}

/** What a disk hook receives: the assembled raw disk and where each partition is. */
export interface DiskHookContext {
  readonly element: string;
  /** The raw disk image file (a bare filesystem image when the layout has no partition table). */
  readonly disk: string;
  /** Partition table kind, or undefined for a bare filesystem image. */
  readonly label?: 'mbr' | 'gpt';
  /** Partitions in table order: byte offsets and sizes, GPT type GUID or MBR type byte. */
  readonly partitions: readonly { name: string; index: number; start: number; size: number; type: string }[];
  /** The image tree on the host (still present). */
  readonly targetRoot: string;
  readonly env: Readonly<Record<string, string>>;
  log(line: string): void;
  run(command: string, args: readonly string[]): Promise<{ stdout: string }>;
}
