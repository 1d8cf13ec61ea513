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

export const formatZodIssues = (error: z.ZodError, input: unknown, source: string): string[] =>
  error.issues.map((issue) => {
    const found = issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.join(', ')}` : `found ${describe(valueAt(input, issue.path))}`;
    return `${source}: ${keyPath(issue.path)}: ${issue.message}; ${found}`;
  });
