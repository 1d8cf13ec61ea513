/**
 * Identity helpers that exist for typing only. They take the declared type, not a
 * generic one, so TypeScript checks excess properties: a misspelled key (`defualt`)
 * fails to compile instead of being dropped. Kept light: importing them loads nothing
 * else from the core.
 */
import type { ElementManifestInput } from './manifest.js';
import type { DibConfigInput } from '../config/schema.js';

export const defineElement = (manifest: ElementManifestInput): ElementManifestInput => manifest;
export const defineConfig = (config: DibConfigInput): DibConfigInput => config;
export type { ElementManifestInput, DibConfigInput };
export type { HostHookContext, DiskHookContext, HookContext } from './hook-context.js';
