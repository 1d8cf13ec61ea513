/**
 * The element contract: what an element package declares, validated with zod when it
 * is loaded. Hook scripts live beside the manifest in classic DIB directories
 * (`install.d/`, `root.d/`, ...); host-side hooks may also be TypeScript functions.
 */
import { z } from 'zod';
import { ARCHES } from '../arch.js';
import { NodeSchema } from '../block-device/schema.js';
import type { DiskHookContext, HostHookContext } from './hook-context.js';
import { PHASES, PHASE_NAMES, type PhaseName } from './phases.js';

export const ELEMENT_NAME = /^[a-z0-9][a-z0-9._-]*$/;

const elementName = z.string().regex(ELEMENT_NAME, 'lower-case letters, digits, ".", "_" or "-", starting with a letter or digit');

/**
 * How an element is asked for: its name, or its npm package's (@acme/x). Looked up as a
 * directory on ELEMENTS_PATH and echoed in hints, so never a path or shell text.
 */
export const ELEMENT_REQUEST = /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/i;
export const ElementRequestSchema = z
  .string()
  .regex(ELEMENT_REQUEST, 'not an element name: letters, digits, ".", "_", "~" or "-" (or a package name such as @acme/x); no paths or shell characters');

/** An architecture as dib names it (Debian's names: amd64, arm64, ...), never one of DIB's aliases (x86_64, aarch64). */
const ArchSchema = z.enum(ARCHES, { error: (issue) => `not one of dib's architecture names: ${JSON.stringify(issue.input)}; use ${ARCHES.join(', ')}` });

/** A variable an element reads. Only documented variables (and DIB_*) reach hooks. */
export const EnvVarSchema = z
  .object({
    /** What the variable changes. */
    description: z.string().min(1),
    /** Value used when the user sets none. Written into the hooks' environment. */
    default: z.string().optional(),
    /** Defaults for one architecture (the build's -a, dib's names), preferred over `default` (e.g. the serial console: ttyAMA0 on arm64). */
    defaultByArch: z.partialRecord(ArchSchema, z.string()).optional(),
    /** Validates the user's value; a failure is DIB_E_ENV_INVALID naming the variable. */
    schema: z.custom<z.ZodType<string>>((v) => v instanceof z.ZodType, 'a zod schema').optional(),
    /**
     * A credential: hooks receive it, but the plan (text and JSON, the config file's
     * environment included) shows ***. Not for DIB_* names, which are recorded in the image.
     */
    secret: z.boolean().optional(),
  })
  .strict();

/**
 * One way a package is wanted, as in DIB's package-installs.yaml. Every filter given must
 * pass (installType, arch/notArch, pythonVersion, then `when`) for the entry to apply.
 */
export const PackageInstallSchema = z
  .object({
    /** Phase whose start installs it (and whose end removes it); default install. */
    phase: z.enum(['pre-install', 'install', 'post-install']).default('install'),
    /** Remove the package at the end of that phase instead of installing it. */
    uninstall: z.boolean().default(false),
    /** A build dependency: installed at the start of the phase and removed again at its end (DIB's build-only). */
    buildOnly: z.boolean().default(false),
    /** Only on these architectures (dib names: amd64, arm64, ...). */
    arch: z.array(z.string()).optional(),
    /** Not on these architectures. */
    notArch: z.array(z.string()).optional(),
    /**
     * Only when the declaring element's install type is this (DIB's installtype, e.g.
     * source or package): DIB_INSTALLTYPE_<element, - as _>, else DIB_DEFAULT_INSTALLTYPE.
     */
    installType: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'an install type such as source or package')
      .optional(),
    /** Only when DIB_PYTHON_VERSION is this (DIB's dib_python_version). */
    pythonVersion: z.enum(['2', '3']).optional(),
    /**
     * `VAR = value` or `VAR != value`; every condition must hold. A condition naming a
     * variable that is not set fails the build (DIB_E_PACKAGE_CONDITION_UNSET).
     */
    when: z.array(z.string().regex(/^\s*[A-Za-z_][A-Za-z0-9_]*\s*!?=\s*.*$/, '"VAR = value" or "VAR != value"')).optional(),
  })
  .strict()
  .refine((p) => !(p.arch && p.notArch), { message: 'give arch or notArch, not both', path: ['notArch'] });

/**
 * A package's entry in `packages`: null (install it at the start of install), one
 * PackageInstall, or a list of them, each applying on its own (the package is
 * installed once for every entry whose filters pass).
 */
export const PackageEntrySchema = z.union([PackageInstallSchema.nullable(), z.array(PackageInstallSchema).min(1)]);

const NameMap = z.record(z.string(), z.string());

/** Package name mapping, as in DIB's pkg-map files: most specific match wins. */
export const PkgMapSchema = z
  .object({
    /** Per distro family (debian, redhat, suse, gentoo). */
    family: z.record(z.string(), NameMap).optional(),
    /** Per distro name (debian, ubuntu, fedora, rhel, ...). */
    distro: z.record(z.string(), NameMap).optional(),
    /** Per distro, then per release. */
    release: z.record(z.string(), z.record(z.string(), NameMap)).optional(),
    /** When nothing else matches. */
    default: NameMap.optional(),
  })
  .strict();

/** A host command an element needs; `dib doctor` checks and installs these. */
export const HostToolSchema = z
  .object({
    /** Any one of these commands will do (first is preferred). */
    anyOf: z.array(z.string().min(1)).min(1),
    /** Debian/Ubuntu package that provides the preferred command. */
    apt: z.string().optional(),
    /** Why the element needs it. */
    why: z.string(),
  })
  .strict();

/** A directory under the image cache bind-mounted into the chroot during chroot phases. */
export const CacheMountSchema = z
  .object({
    /** Path under DIB_IMAGE_CACHE; `${VAR}` is replaced from the environment. */
    cache: z.string().min(1),
    /** Absolute path inside the image. */
    target: z.string().startsWith('/'),
    /** Skip the mount when this variable is "0". */
    disableWith: z.string().optional(),
  })
  .strict();

/**
 * A source an element wants fetched into the image (DIB's source-repository-NAME line),
 * fetched by the source-repositories element at extra-data. `$VAR` and `${VAR}` in the
 * strings are replaced from the hooks' environment, as the classic file's lines are.
 */
export const SourceRepositorySchema = z
  .object({
    /** Names the overrides DIB_REPOTYPE_/DIB_REPOLOCATION_/DIB_REPOREF_<name> and the install type DIB_INSTALLTYPE_<name>. */
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.+-]*$/, 'letters, digits, ".", "_", "+" or "-"'),
    type: z.enum(['git', 'tar', 'file', 'package']),
    /** Absolute path in the image; required except for the package type. */
    destination: z.string().startsWith('/').optional(),
    /** URL or path to fetch from; required except for the package type. */
    location: z.string().min(1).optional(),
    /** git: a branch, tag, sha or "*"; tar: ".", "*" or a directory of the archive. */
    ref: z.string().min(1).optional(),
  })
  .strict()
  .refine((s) => s.type === 'package' || (s.destination && s.location), { message: 'git, tar and file sources need a destination and a location' });

/**
 * A URL whose answer a stored stage depends on; with `match`, only the parts of the body
 * the pattern matches count (a metalink's hashes of repomd.xml, not its mirror list,
 * which changes on every request).
 */
export type CacheProbe = string | { url: string; match: RegExp };

const hookName = z.string().regex(/^[A-Za-z0-9_-]+$/, 'run-parts names: letters, digits, "_" and "-"');

export const HostHookSchema = z
  .object({
    /** File-like name; sorts with the phase's scripts by run-parts rules. */
    name: hookName,
    run: z.custom<(ctx: HostHookContext) => Promise<void> | void>((v) => typeof v === 'function', 'a function'),
  })
  .strict();

/** Runs on the host after the disk image file is assembled (e.g. writing a boot sector). */
export const DiskHookSchema = z
  .object({
    name: hookName,
    run: z.custom<(ctx: DiskHookContext) => Promise<void> | void>((v) => typeof v === 'function', 'a function'),
  })
  .strict();

/** One entry of an element's error catalogue (made with defineErrors). */
export const ElementErrorSchema = z
  .object({
    code: z.string(),
    title: z.string().min(1),
    hint: z.string().min(1),
  })
  .strict();

/** A file an element writes beside the image (e.g. the kernel of a ramdisk build). */
export const ElementOutputSchema = z
  .object({
    /** Suffix of the output: OUTPUT.NAME. */
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case letters, digits, ".", "_" or "-"'),
    /** What the file is, shown by the dry-run and element-info. */
    description: z.string().min(1),
  })
  .strict();

const hostPhases = PHASE_NAMES.filter((p) => PHASES[p].where === 'host') as PhaseName[];

export const ManifestSchema = z
  .object({
    /** Element name used on the command line and in element-deps. */
    name: elementName,
    /** One line shown by `dib element-info`. */
    description: z.string().min(1),
    /** Elements this one needs (DIB's element-deps). */
    dependencies: z.array(elementName).default([]),
    /** Virtual names this element stands for (DIB's element-provides), e.g. operating-system. */
    provides: z.array(elementName).default([]),
    /** Elements that cannot be in the same build. */
    conflicts: z.array(elementName).default([]),
    /** Variables the element reads, with defaults. */
    env: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), EnvVarSchema)
      .default({})
      .superRefine((env, ctx) => {
        for (const [name, spec] of Object.entries(env)) {
          if (spec.secret && name.startsWith('DIB_')) {
            ctx.addIssue({
              code: 'custom',
              path: [name, 'secret'],
              message: 'DIB_* variables are recorded in the image (/etc/dib_environment): a secret needs another name',
            });
          }
        }
      }),
    /** Packages to install or remove (DIB's package-installs), by generic name (mapped through pkgMap). */
    packages: z.record(z.string().min(1), PackageEntrySchema).default({}),
    /** This element installs the packages every element declares (package-installs does); without one, a build warns. */
    installsPackages: z.boolean().default(false),
    /** Package name mapping (DIB's pkg-map). */
    pkgMap: PkgMapSchema.optional(),
    /** Host commands needed. */
    hostTools: z.array(HostToolSchema).default([]),
    /** Cache directories mounted into the chroot. */
    cacheMounts: z.array(CacheMountSchema).default([]),
    /** Directory holding the hook directories, relative to the package root. */
    hooksDir: z.string().default('.'),
    /**
     * hooksDir is a classic DIB element: copied whole into the hook tree (every directory
     * and top-level file, as for an element directory on ELEMENTS_PATH), and its files are
     * scanned for the caller variables they read. dib import-element sets it.
     */
    classicTree: z.boolean().default(false),
    /** Default block-device layout (DIB's block-device-default.yaml), used when this element provides block-device (or no provider has one). */
    blockDevice: z.array(NodeSchema).min(1).optional(),
    /**
     * Layouts for one architecture (DIB's block-device-ARCH.yaml), keyed by the build's
     * arch (`-a`; ppc64el also serves ppc64le); preferred over blockDevice when it matches.
     */
    blockDeviceByArch: z.record(z.string().min(1), z.array(NodeSchema).min(1)).optional(),
    /** Hooks run after the disk image is assembled, in run-parts order across elements. */
    diskHooks: z.array(DiskHookSchema).default([]),
    /** Element to add when a virtual dependency (e.g. block-device) has no provider in the build. */
    defaultProviders: z.record(elementName, elementName).default({}),
    /** The same for one architecture (the build's -a), preferred over defaultProviders: DIB's vm takes block-device-efi on arm64. */
    defaultProvidersByArch: z.partialRecord(ArchSchema, z.record(elementName, elementName)).optional(),
    /**
     * Files the element adds beside the image: a hook writes NAME into $DIB_ELEMENT_OUTPUT_DIR
     * (ctx.outputDir) and the builder moves it to OUTPUT.NAME once the build succeeds.
     */
    outputs: z.array(ElementOutputSchema).default([]),
    /**
     * Directories (beside the phase directories) that this element reads from every
     * element in the build, e.g. ramdisk-base's binary-deps.d: they are merged into the
     * hook tree (two elements shipping the same file there is an error) and reach
     * TypeScript hooks as ctx.hookFiles.
     */
    dataDirs: z.array(z.string().regex(/^[a-z0-9][a-z0-9_-]*\.d$/, 'a directory name ending in .d, e.g. init.d')).default([]),
    /** The element's own error codes, from defineErrors; each is documented in the element's README. */
    errors: z.record(z.string().regex(/^DIB_E_[A-Z0-9_]+$/, 'DIB_E_ and upper-case words'), ElementErrorSchema).default({}),
    /**
     * Image kinds whose product this element makes through its outputs: `ramdisk` for an
     * element that writes the kernel and initramfs of `dib ramdisk` (ramdisk-base does).
     */
    makes: z.array(z.enum(['ramdisk'])).default([]),
    /**
     * The build makes no disk image (raw, qcow2, vhd, vmdk) because this element makes the
     * product itself (DIB's no-final-image); every phase still runs, and tree formats,
     * element outputs and the manifests are still written.
     */
    noFinalImage: z.boolean().default(false),
    /**
     * The architectures (the build's -a, dib's names) the element works on; a build for
     * another is refused when it is planned (DIB_E_ARCH_UNSUPPORTED). Unset: every one.
     */
    architectures: z.array(ArchSchema).min(1).optional(),
    /** Sources to fetch into the image (DIB's source-repository-* files), for the source-repositories element. */
    sourceRepositories: z.array(SourceRepositorySchema).default([]),
    /**
     * What the image tree was made from that can change while the build's inputs stay
     * the same: given the tree after a phase and the hooks' variables, the URLs to check
     * (a package archive's signed index, e.g. dists/RELEASE/InRelease). A stored stage is
     * reused only while each URL serves the same bytes as when it was stored.
     */
    cacheProbes: z.custom<(tree: string, env: Readonly<Record<string, string>>) => CacheProbe[]>((v) => typeof v === 'function', 'a function').optional(),
    /** Host-side hooks written in TypeScript, per host phase. */
    hooks: z.partialRecord(z.enum(hostPhases as [PhaseName, ...PhaseName[]]), z.array(HostHookSchema)).default({}),
  })
  .strict();

/** What an element author writes. */
export type ElementManifestInput = z.input<typeof ManifestSchema>;
/** A validated manifest, defaults filled in. */
export type ElementManifest = z.output<typeof ManifestSchema>;
export type PackageInstall = z.output<typeof PackageInstallSchema>;
export type PackageEntry = z.output<typeof PackageEntrySchema>;
export type PkgMap = z.output<typeof PkgMapSchema>;
export type HostTool = z.output<typeof HostToolSchema>;
export type HostHook = z.output<typeof HostHookSchema>;
export type EnvVar = z.output<typeof EnvVarSchema>;
export type DiskHook = z.output<typeof DiskHookSchema>;
export type ElementOutput = z.output<typeof ElementOutputSchema>;
export type SourceRepository = z.output<typeof SourceRepositorySchema>;
