/**
 * The hooks' environment. Hooks see a sanitised environment: variables the core sets,
 * every DIB_* variable, variables an element documents, variables a classic element's
 * files read (classic/reads.ts), and proxy settings; other host variables stay out.
 * Precedence, lowest first: element defaults, the config file, the caller's environment.
 */
import type { Arch } from './arch.js';
import { DibError } from './errors.js';
import type { ResolvedElement } from './elements/resolve.js';
import { isRead, variableReads } from './classic/reads.js';
import { isClassicTree } from './elements/types.js';

/** Variables the core sets for every hook; documented here so element authors can rely on them. */
export const CORE_VARIABLES: Record<string, string> = {
  ARCH: 'target architecture in dib/Debian naming (amd64, arm64, ...)',
  TARGET_ROOT: 'the image tree on the host (host phases)',
  TMP_MOUNT_PATH: 'same as TARGET_ROOT, for DIB compatibility',
  TMP_BUILD_DIR: 'the build directory on the host',
  TMP_HOOKS_PATH: 'the merged hook tree on the host; /tmp/in_target.d inside the chroot',
  IMAGE_NAME: 'the output path without extension (as DIB: elements write IMAGE_NAME.d/ and IMAGE_NAME.<name> beside the image)',
  IMAGE_ELEMENT: 'space-separated element names in the build',
  DIB_IMAGE_CACHE: 'cache directory for downloads and base trees',
  DIB_OFFLINE: '"1" with --offline, empty otherwise',
  DIB_DEBUG_TRACE: '"1" with -x: scripts should `set -x`',
  DIB_INSTALL_PACKAGES: 'extra packages from -p, space separated',
  DIB_MANIFEST_IMAGE_DIR: 'directory in the image where elements write build manifests',
  DIB_ROOT_LABEL: 'root filesystem label',
  DIB_ELEMENT_OUTPUT_DIR: 'where elements write their declared outputs (a file NAME there becomes OUTPUT.NAME); host phases',
  DIB_IMAGE_KIND: '"disk" for dib create, "ramdisk" for dib ramdisk / ramdisk-image-create',
  DIB_BLOCK_DEVICE_LABEL: 'disk builds: partition table kind (mbr, gpt, or none for a bare filesystem)',
  DIB_BLOCK_DEVICE_MOUNTS: 'disk builds: space-separated mount points of the layout (e.g. "/ /boot/efi")',
  LANG: "C.UTF-8, so tools in the chroot do not depend on the host's locale",
  IMAGE_ELEMENT_YAML: 'the elements in the build and their directories, as a YAML (JSON) mapping name: directory',
  ELEMENTS_PATH: 'the classic element directories searched, colon separated',
  DIB_LOCKFILES: 'directory for lock files shared between builds (created); default ~/.cache/dib/lockfiles',
  DIB_DEFAULT_INSTALLTYPE: 'install type of elements without DIB_INSTALLTYPE_<element>: the variable, else --install-type, else "source"',
  DIB_PYTHON_VERSION: 'python major version in the image: the variable, else 3',
  DIB_CHECKSUM: '"1" with --checksum, else "0"',
  DIB_ARGS: 'the command line dib was run with',
  DIB_ENV: 'the DIB_* variables, one `declare -x NAME="value"` line each (what DIB records as dib_environment)',
  DIB_ROOT_FSTYPE: 'filesystem type of the root filesystem (ext4 when no disk format is built)',
  DIB_MOUNTPOINTS: 'mount points of the layout joined by "|" ("/" when no disk format is built)',
  _LIB: "dib's classic runtime library (die, common-functions, img-functions, ...); a path in the hook tree",
};

/** Host variables that pass through untouched. */
const PASS_THROUGH = ['http_proxy', 'https_proxy', 'no_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'TERM'];

export type EnvOrigin = 'element default' | 'config file' | 'environment' | 'dib';

export interface ResolvedEnvironment {
  values: Record<string, string>;
  origins: Record<string, EnvOrigin>;
}

/** Shell and loader variables a mention in a script must not pull in from the host. */
const NEVER_FROM_CALLER = new Set([
  'PATH',
  'HOME',
  'PWD',
  'OLDPWD',
  'SHLVL',
  'SHELL',
  'USER',
  'LOGNAME',
  'IFS',
  'PS1',
  'PS4',
  'BASH_ENV',
  'ENV',
  'LD_PRELOAD',
  'LD_LIBRARY_PATH',
]);

/** False for shell and loader variables, which never pass from the caller however a script names them. */
export const mayComeFromCaller = (name: string): boolean => !NEVER_FROM_CALLER.has(name);

export function resolveEnvironment(
  elements: readonly ResolvedElement[],
  configEnv: Record<string, string>,
  callerEnv: NodeJS.ProcessEnv,
  arch?: Arch,
): ResolvedEnvironment {
  const documented = new Set(elements.flatMap((el) => Object.keys(el.manifest.env)));
  const reads = variableReads(elements.filter(isClassicTree).map((el) => el.directory));
  const isPassed = (name: string) =>
    name.startsWith('DIB_') || documented.has(name) || PASS_THROUGH.includes(name) || (mayComeFromCaller(name) && isRead(reads, name));
  const values: Record<string, string> = {};
  const origins: Record<string, EnvOrigin> = {};
  const set = (name: string, value: string, origin: EnvOrigin) => {
    values[name] = value;
    origins[name] = origin;
  };
  for (const el of elements) {
    for (const [name, v] of Object.entries(el.manifest.env)) {
      const fallback = (arch ? v.defaultByArch?.[arch] : undefined) ?? v.default;
      if (fallback !== undefined && !(name in values)) set(name, fallback, 'element default');
    }
  }
  for (const [name, value] of Object.entries(configEnv)) set(name, value, 'config file');
  for (const [name, value] of Object.entries(callerEnv)) {
    if (value !== undefined && isPassed(name)) set(name, value, 'environment');
  }
  for (const el of elements) {
    for (const [name, v] of Object.entries(el.manifest.env)) {
      if (!v.schema || !(name in values)) continue;
      const result = v.schema.safeParse(values[name]);
      if (!result.success) {
        throw new DibError(
          'DIB_E_ENV_INVALID',
          `${name}=${JSON.stringify(values[name])} (from ${origins[name]}): ${result.error.issues.map((i) => i.message).join('; ')}`,
          {
            location: { element: el.name, key: name },
            hint: `${v.description}. Fix or unset ${name}.`,
          },
        );
      }
    }
  }
  return { values, origins };
}
