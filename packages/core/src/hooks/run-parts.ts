/**
 * DIB's run-parts rules: a file runs when its name is made of letters, digits, "_"
 * and "-" and it is executable; files run in `LC_ALL=C sort -n` order: by the number
 * the name starts with (none counts as 0), then byte by byte.
 */
import { accessSync, constants } from 'node:fs';

export const RUNNABLE_NAME = /^[0-9A-Za-z_-]+$/;

export const isExecutable = (file: string): boolean => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

const leadingNumber = (name: string): number => {
  const m = /^-?\d+/.exec(name);
  return m ? Number(m[0]) : 0;
};

const byteCompare = (a: string, b: string): number => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return Buffer.compare(x, y);
};

export const compareRunParts = (a: string, b: string): number => leadingNumber(a) - leadingNumber(b) || byteCompare(a, b);

export const sortRunParts = <T>(items: readonly T[], nameOf: (item: T) => string): T[] => [...items].sort((a, b) => compareRunParts(nameOf(a), nameOf(b)));
