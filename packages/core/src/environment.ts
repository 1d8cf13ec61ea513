/**
 * The hooks' environment. Hooks see a sanitised environment, as in DIB: variables the
 * core sets, every DIB_* variable, variables an element documents, and proxy settings.
 * Precedence, lowest first: element defaults, the config file, the caller's environment.
 */
import { DibError } from './errors.js';
import type { ResolvedElement } from './elements/resolve.js';

/** Variables the core sets for every hook; documented here so element authors can rely on them. */
export const CORE_VARIABLES: Record<string, string> = {
  ARCH: 'target architecture in dib/Debian naming (amd64, arm64, ...)',
  TARGET_ROOT: 'the image tree on the host (host phases)',
  TMP_MOUNT_PATH: 'same as TARGET_ROOT, for DIB compatibility',
  TMP_BUILD_DIR: 'the build directory on the host',
  TMP_HOOKS_PATH: 'the merged hook tree on the host; /tmp/in_target.d inside the chroot',
  IMAGE_NAME: 'base name of the output',
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
};

/** Host variables that pass through untouched. */
const PASS_THROUGH = ['http_proxy', 'https_proxy', 'no_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'TERM'];

export type EnvOrigin = 'element default' | 'config file' | 'environment' | 'dib';

export interface ResolvedEnvironment {
  values: Record<string, string>;
  origins: Record<string, EnvOrigin>;
}

const isPassed = (name: string, documented: Set<string>) => name.startsWith('DIB_') || documented.has(name) || PASS_THROUGH.includes(name);

export function resolveEnvironment(elements: readonly ResolvedElement[], configEnv: Record<string, string>, callerEnv: NodeJS.ProcessEnv): ResolvedEnvironment {
  const documented = new Set(elements.flatMap((el) => Object.keys(el.manifest.env)));
  const values: Record<string, string> = {};
  const origins: Record<string, EnvOrigin> = {};
  const set = (name: string, value: string, origin: EnvOrigin) => {
    values[name] = value;
    origins[name] = origin;
  };
  for (const el of elements) {
    for (const [name, v] of Object.entries(el.manifest.env)) if (v.default !== undefined && !(name in values)) set(name, v.default, 'element default');
  }
  for (const [name, value] of Object.entries(configEnv)) set(name, value, 'config file');
  for (const [name, value] of Object.entries(callerEnv)) {
    if (value !== undefined && isPassed(name, documented)) set(name, value, 'environment');
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
