/**
 * The config file (`dib.config.*`, `.dibrc*`, `package.json#dib`) and the resolved
 * options of one image build. Command-line flags are mapped onto the same shape, so
 * there is one contract for both.
 */
import { z } from 'zod';
import { ARCH_HELP, ARCH_NAMES, canonicalArch } from '../arch.js';
import { parseSize } from '../block-device/size.js';
import { ElementRequestSchema } from '../contract/manifest.js';

/** Output types dib knows; which are buildable is decided by the output registry. */
export const KNOWN_OUTPUT_TYPES = ['tar', 'tgz', 'raw', 'qcow2', 'vhd', 'vmdk', 'squashfs', 'docker'] as const;
export const QCOW2_COMPRESSIONS = ['zlib', 'zstd'] as const;
/** mksquashfs's compressors, as its -comp takes them. */
export const SQUASHFS_COMPRESSIONS = ['xz', 'zstd', 'gzip', 'lz4', 'lzo'] as const;

const sizeString = z.string().regex(/^\d+(\.\d+)?\s*([KMGT]i?B?)?$/i, 'a size such as 2G, 512MiB or 1073741824');

export const ImageSchema = z
  .object({
    /**
     * `disk`: the -t outputs (disk images, tarballs). `ramdisk`: a kernel and an initramfs
     * (OUTPUT.kernel, OUTPUT.initramfs) made by the ramdisk element, as ramdisk-image-create.
     */
    kind: z.enum(['disk', 'ramdisk']).default('disk'),
    /** The element that turns the tree into a ramdisk (ramdisk builds; --ramdisk-element). */
    ramdiskElement: ElementRequestSchema.default('ramdisk'),
    /** Elements to compose, in the order given. */
    elements: z.array(ElementRequestSchema).min(1, 'list at least one element'),
    /** Output path without extension (-o). Relative to the config file's directory. */
    output: z.string().min(1).optional(),
    /** Output types (-t). */
    types: z.array(z.enum(KNOWN_OUTPUT_TYPES)).min(1).default(['qcow2']),
    /** Target architecture (-a): Debian's names, or DIB's aliases (x86_64, aarch64, ...), which become Debian's. */
    arch: z
      .enum(ARCH_NAMES, { error: (issue) => `not an architecture dib builds for: ${JSON.stringify(issue.input)}; use ${ARCH_HELP}` })
      .default('amd64')
      .transform(canonicalArch),
    /** Extra packages to install (-p). */
    packages: z.array(z.string().min(1)).default([]),
    /** Variables for the hooks, as if exported; unlike the caller's environment, these pass as written. */
    environment: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a shell variable name'), z.string()).default({}),
    /** Do not add the base element (-n). */
    skipBase: z.boolean().default(false),
    /** Trace hook scripts with set -x (-x). */
    trace: z.boolean().default(false),
    /** Leave qcow2 uncompressed (-u). */
    uncompressed: z.boolean().default(false),
    /** Fixed image size (--image-size). */
    size: sizeString
      .refine((v) => parseSize(v) !== 0, 'an image size of 0 holds nothing; give a size such as 2G, or leave it out to size from content')
      .optional(),
    /** Extra free space in the filesystem (--image-extra-size). */
    extraSize: sizeString.optional(),
    /** Root filesystem label (--root-label). */
    rootLabel: z.string().max(16).optional(),
    /** Extra mkfs options (--mkfs-options). */
    mkfsOptions: z.string().optional(),
    /** Extra qemu-img convert options (--qemu-img-options): DIB's form (`compat=1.1`) is given to -o; from a dash on, passed as written. */
    qemuImgOptions: z.string().optional(),
    /**
     * qcow2's compression (--qcow2-compression): zlib (the default), which every qcow2 reader
     * takes, or zstd, written about five times faster but read only by QEMU 5.1 and later.
     */
    qcow2Compression: z.enum(QCOW2_COMPRESSIONS).optional(),
    /** squashfs's compressor (--squashfs-compression); xz by default, as DIB. */
    squashfsCompression: z.enum(SQUASHFS_COMPRESSIONS).optional(),
    /** Block-device layout in DIB's YAML structure; overrides the block-device element's. */
    blockDevice: z.array(z.unknown()).optional(),
    /** Write .sha256 and .md5 beside each output (--checksum). */
    checksum: z.boolean().default(false),
    /** Install type of elements that offer several (--install-type; DIB_DEFAULT_INSTALLTYPE wins, as in DIB). */
    installType: z
      .string()
      .regex(/^[a-z][a-z0-9_-]*$/, 'a lowercase word such as source or package')
      .optional(),
  })
  .strict();

export const ConfigSchema = z
  .object({
    /** Editors' JSON Schema pointer; ignored by dib. */
    $schema: z.string().optional(),
    /** Directories of classic elements, searched before npm packages' names collide. */
    elementsPath: z.array(z.string().min(1)).default([]),
    /** Cache for downloads, base trees and package caches (--image-cache). */
    imageCache: z.string().optional(),
    /** Build in a tmpfs when the host has enough RAM (--no-tmpfs sets false). */
    tmpfs: z.boolean().default(true),
    /** Minimum RAM in GiB for tmpfs builds (--min-tmpfs). */
    minTmpfs: z.number().int().positive().default(4),
    /** Never touch the network (--offline). */
    offline: z.boolean().default(false),
    /** Build log path (--logfile); default beside the output. */
    logfile: z.string().optional(),
    /** Named images. */
    images: z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" or "-"'), ImageSchema).default({}),
  })
  .strict();

export type DibConfigInput = z.input<typeof ConfigSchema>;
export type DibConfig = z.output<typeof ConfigSchema>;
export type ImageOptions = z.output<typeof ImageSchema>;
export type ImageOptionsInput = z.input<typeof ImageSchema>;
