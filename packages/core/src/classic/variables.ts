/**
 * The variables DIB's own scripts set for every element, which classic elements read
 * (often under `set -u`): element lists, lock directory, install type, python version,
 * the command line and the root filesystem. dib decides them at plan time.
 */
import os from 'node:os';
import path from 'node:path';
import type { ResolvedElement } from '../elements/resolve.js';
import { mountPointsOf, type Layout } from '../block-device/layout.js';
import { shellQuote } from '../shell-quote.js';

export interface ClassicInputs {
  elements: readonly ResolvedElement[];
  elementsPath: readonly string[];
  /** The caller's and config file's values, for the variables that only get a default. */
  given: Readonly<Record<string, string>>;
  installType?: string;
  checksum: boolean;
  argv: readonly string[];
  layout?: Layout;
}

/** Where DIB keeps its lock files unless DIB_LOCKFILES says otherwise. */
export const defaultLockfiles = () => path.join(os.homedir(), '.cache', 'dib', 'lockfiles');

export function classicVariables(inputs: ClassicInputs): Record<string, string> {
  const { elements, given, layout } = inputs;
  const root = layout?.filesystems.find((f) => f.mountPoint === '/');
  return {
    IMAGE_ELEMENT_YAML: imageElementYaml(elements),
    ELEMENTS_PATH: inputs.elementsPath.join(':'),
    DIB_LOCKFILES: given.DIB_LOCKFILES || defaultLockfiles(),
    // As DIB: the variable wins over --install-type, which wins over "source".
    DIB_DEFAULT_INSTALLTYPE: given.DIB_DEFAULT_INSTALLTYPE || inputs.installType || 'source',
    // Every distribution dib builds has python 3 only; DIB's fallback of 2 would break them.
    DIB_PYTHON_VERSION: given.DIB_PYTHON_VERSION || '3',
    DIB_CHECKSUM: inputs.checksum ? '1' : '0',
    DIB_ARGS: inputs.argv.join(' '),
    // Without a disk format the tree is still an ext4 root's, as DIB's default layout says.
    DIB_ROOT_FSTYPE: root?.type ?? 'ext4',
    DIB_MOUNTPOINTS: layout ? mountPointsOf(layout).join('|') : '/',
  };
}

/** DIB_ENV: the DIB_* variables in the form bash's `export` prints them, as DIB records them. */
export const dibEnvText = (env: Readonly<Record<string, string>>): string =>
  Object.keys(env)
    .filter((k) => k.startsWith('DIB_') && k !== 'DIB_ENV')
    .sort()
    .map((k) => `declare -x ${k}=${JSON.stringify(env[k])}`)
    .join('\n');

/** The body of get_image_element_array: `[name]=path` pairs that `eval declare -A a=(...)` reads back. */
export const imageElementArray = (elements: readonly { name: string; directory: string }[]): string =>
  elements.map((e) => `[${e.name}]=${shellQuote(e.directory)}`).join(' ');

/** IMAGE_ELEMENT_YAML: name to directory, as JSON (which is YAML). */
export const imageElementYaml = (elements: readonly { name: string; directory: string }[]): string =>
  JSON.stringify(Object.fromEntries(elements.map((e) => [e.name, e.directory])));

/** get_image_element_array, defined and exported: bash cannot export the array itself. */
export const imageElementArrayFunction = (elements: readonly { name: string; directory: string }[]): string[] => [
  `get_image_element_array() { echo "${imageElementArray(elements).replace(/["\\$`]/g, '\\$&')}"; }`,
  'export -f get_image_element_array',
];

/** What DIB's `element-info --env` prints for a set of elements: lines for `eval`. */
export const imageElementExports = (elements: readonly { name: string; directory: string }[]): string =>
  [
    `export IMAGE_ELEMENT=${shellQuote(elements.map((e) => e.name).join(' '))}`,
    `export IMAGE_ELEMENT_YAML=${shellQuote(imageElementYaml(elements))}`,
    ...imageElementArrayFunction(elements),
  ].join('\n');
