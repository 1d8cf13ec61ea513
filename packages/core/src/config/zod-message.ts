/** Turns zod issues into `file: path.to.key: expected ..., found ...` lines. */
import type { z } from 'zod';

const describe = (value: unknown): string => {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
};

const valueAt = (root: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined), root);

export const keyPath = (path: readonly PropertyKey[]): string =>
  path.length === 0
    ? '(top level)'
    : path
        .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
        .join('.')
        .replace(/\.\[/g, '[');

type Issue = z.core.$ZodIssue;

/**
 * A union's "Invalid input" says nothing; when all but one of its branches failed on the
 * value's type (an object where a list was expected), that branch's issues are the ones
 * the author needs, at their full path.
 */
const unwrapUnions = (issues: readonly Issue[]): Issue[] =>
  issues.flatMap((issue) => {
    if (issue.code !== 'invalid_union') return [issue];
    const near = issue.errors.filter((branch) => !branch.every((b) => b.code === 'invalid_type' && b.path.length === 0));
    if (near.length !== 1) return [issue];
    return unwrapUnions(near[0].map((b) => ({ ...b, path: [...issue.path, ...b.path] })));
  });

export const formatZodIssues = (error: z.ZodError, input: unknown, source: string): string[] =>
  unwrapUnions(error.issues).map((issue) => {
    const found = issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.join(', ')}` : `found ${describe(valueAt(input, issue.path))}`;
    return `${source}: ${keyPath(issue.path)}: ${issue.message}; ${found}`;
  });
