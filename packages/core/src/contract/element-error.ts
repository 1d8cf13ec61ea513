/**
 * Elements' own errors. An element declares its codes (title and what to do) with
 * defineErrors, lists them in its manifest's `errors` and its README, and throws
 * ElementError; dib shows them exactly like its own catalogued errors.
 */
import { DibError, ERRORS, type DibErrorOptions, type ErrorCode } from '../errors.js';

/** One catalogued error of an element. */
export interface ElementErrorEntry<C extends string = string> {
  /** Permanent code, DIB_E_ and upper-case words: users search for it. */
  readonly code: C;
  readonly title: string;
  /** What the user should do. */
  readonly hint: string;
}

/** An element's error catalogue: the code is the key; each entry carries it for ElementError. */
export function defineErrors<const C extends Record<string, { title: string; hint: string }>>(
  catalogue: C,
): { readonly [K in keyof C & string]: ElementErrorEntry<K> } {
  return Object.fromEntries(Object.entries(catalogue).map(([code, entry]) => [code, { code, title: entry.title, hint: entry.hint }])) as never;
}

/** Whether a code belongs to the core's catalogue (an element may not redefine one). */
export const isCoreCode = (code: string): code is ErrorCode => code in ERRORS;

export class ElementError extends DibError {
  constructor(entry: ElementErrorEntry, message: string, options: DibErrorOptions = {}) {
    super(entry.code as ErrorCode, message, options);
    this.name = 'ElementError';
    const own = this as { title: string; hint: string };
    own.title = entry.title;
    own.hint = options.hint ?? entry.hint;
  }
}
