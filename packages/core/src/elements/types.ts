import type { ElementManifest } from '../contract/manifest.js';

/** Where an element was found. */
export type ElementSource = { kind: 'package'; packageName: string; version: string; packageRoot: string } | { kind: 'directory'; path: string };

/** An element ready for resolution: validated manifest plus where its hook files are. */
export interface LoadedElement {
  readonly name: string;
  readonly manifest: ElementManifest;
  /** Directory holding the element's hook directories (`install.d/`, ...). */
  readonly directory: string;
  readonly source: ElementSource;
}

export const describeSource = (s: ElementSource): string => (s.kind === 'package' ? `${s.packageName}@${s.version}` : s.path);

/** A classic element's directory is taken whole, as DIB does: an ELEMENTS_PATH directory, or a package whose manifest says classicTree. */
export const isClassicTree = (el: Pick<LoadedElement, 'source' | 'manifest'>): boolean => el.source.kind === 'directory' || el.manifest.classicTree;
