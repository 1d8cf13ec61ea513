/**
 * Looks an element name up: ELEMENTS_PATH directories first (first found wins, as in
 * DIB), then npm packages from the user's project. Every shadowed copy is a warning.
 */
import { ELEMENT_REQUEST } from '../contract/manifest.js';
import { didYouMean } from '../did-you-mean.js';
import { DibError } from '../errors.js';
import { knownElementNames } from './known-names.js';
import { findElementDirectories, loadElementDirectory } from './load-directory.js';
import { packageNamesFor } from './naming.js';
import { loadElementPackage, locateElementPackage } from './load-package.js';
import { describeSource, type LoadedElement } from './types.js';

export interface FinderOptions {
  /** Classic element directories, in priority order. */
  elementsPath: readonly string[];
  /** Directories npm packages are resolved from: the user's project first. */
  searchRoots: readonly string[];
}

export class ElementFinder {
  readonly warnings: string[] = [];
  private readonly cache = new Map<string, Promise<LoadedElement | undefined>>();

  constructor(private readonly options: FinderOptions) {}

  /** The element, or undefined when no directory or package has it. */
  /** `from` is the element that asked, whose own package directory is searched first (its npm dependencies). */
  find(name: string, from?: LoadedElement): Promise<LoadedElement | undefined> {
    // A name that is not an element name ("../x") never becomes a path to look in.
    if (!ELEMENT_REQUEST.test(name)) return Promise.resolve(undefined);
    let hit = this.cache.get(name);
    if (!hit) {
      hit = this.lookup(name, from?.source.kind === 'package' ? [from.source.packageRoot] : []);
      this.cache.set(name, hit);
    }
    return hit;
  }

  /** Like find, but a missing element is DIB_E_ELEMENT_NOT_FOUND listing what was tried. */
  async require(name: string, neededBy?: string): Promise<LoadedElement> {
    const found = await this.find(name);
    if (found) return found;
    throw this.notFound(name, neededBy);
  }

  notFound(name: string, neededBy?: string): DibError {
    const packages = packageNamesFor(name);
    const tried = [...this.options.elementsPath.map((p) => `directory ${p}/${name}`), ...packages.map((p) => `package ${p}`)];
    const install = `npm install -D ${packages[0]} (or put a classic element directory named ${name} on ELEMENTS_PATH)`;
    const near = didYouMean(name, knownElementNames(this.options.searchRoots, this.options.elementsPath));
    return new DibError(
      'DIB_E_ELEMENT_NOT_FOUND',
      `element "${name}"${neededBy ? ` (${neededBy})` : ''} was not found; tried:\n  ${tried.join('\n  ')}\nsearched from: ${this.options.searchRoots.join(', ')}`,
      {
        location: { element: name },
        hint: near ? `Did you mean "${near}"? If not, install it in your project: ${install}.` : `Install it in your project: ${install}.`,
      },
    );
  }

  private async lookup(name: string, extraRoots: string[]): Promise<LoadedElement | undefined> {
    const dirs = findElementDirectories(name, this.options.elementsPath);
    const pkg = locateElementPackage(name, [...extraRoots, ...this.options.searchRoots]);
    const candidates = [...dirs.map((d) => ({ kind: 'dir' as const, d })), ...(pkg ? [{ kind: 'pkg' as const, pkg }] : [])];
    if (candidates.length === 0) return undefined;
    const [first] = candidates;
    const loaded = first.kind === 'dir' ? loadElementDirectory(name, first.d) : await loadElementPackage(name, first.pkg);
    for (const other of candidates.slice(1)) {
      const where = other.kind === 'dir' ? other.d : `package ${other.pkg.packageName} (${other.pkg.packageRoot})`;
      this.warnings.push(`element "${name}" from ${describeSource(loaded.source)} overrides ${where}`);
    }
    return loaded;
  }
}
