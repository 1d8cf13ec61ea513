/**
 * Identity helpers that exist for typing only. Kept in their own light module so that
 * importing them loads nothing else from the core.
 */
import type { ElementManifestInput } from './manifest.js';
import type { DibConfigInput } from './config/schema.js';

export const defineElement = <const T extends ElementManifestInput>(manifest: T): T => manifest;
export const defineConfig = <const T extends DibConfigInput>(config: T): T => config;
export type { ElementManifestInput, DibConfigInput };
export type { HostHookContext } from './hook-context.js';
