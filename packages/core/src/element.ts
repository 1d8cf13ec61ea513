/**
 * @dib/core/element: everything an element package needs, and nothing of the engine.
 * First-party elements import only from here (tools/check-packages.mjs enforces it);
 * third-party elements should too: what is not exported here may change in any release.
 */
export { defineElement } from './contract/define.js';
export { defineErrors, ElementError, type ElementErrorEntry } from './contract/element-error.js';
export type {
  ElementManifestInput,
  ElementManifest,
  PackageInstall,
  PkgMap,
  HostTool,
  EnvVar,
  ElementOutput,
  SourceRepository,
  CacheProbe,
} from './contract/manifest.js';
export type { HookContext, HostHookContext, DiskHookContext, HookStep, HookRunOptions, AssembledDiskInfo } from './contract/hook-context.js';
export { PHASES, PHASE_NAMES, type PhaseName, type PhaseInfo } from './contract/phases.js';
export { DibError, isDibError, type ErrorLocation } from './errors.js';
export { CommandError } from './executor/runner.js';
export { DEFAULT_ROOT_LABEL } from './contract/root-label.js';
// Helpers elements share: run-parts order, shell quoting, host lookups, cache keys and locks, the tree's kernel.
export { sortRunParts, compareRunParts } from './hooks/run-parts.js';
export { shellQuote } from './shell-quote.js';
export { which } from './host/which.js';
export * as cache from './cache/index.js';
export { newestKernel, newestVersion, type TreeKernel } from './boot/kernels.js';
export { GPT_BIOS_BOOT, GPT_ESP } from './block-device/layout.js';
