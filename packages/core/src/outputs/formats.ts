/**
 * Output formats. Each says its file extension, the host tools it needs, and how it is
 * made from the finished tree. Disk formats arrive with the block-device layer.
 */
import type { HostTool } from '../manifest.js';
import { writeTarball } from './tarball.js';

export interface OutputContext {
  /** The finished image tree. */
  targetRoot: string;
  /** Temporary path to write; the builder renames it to the final name. */
  file: string;
  run(command: string, args: readonly string[]): Promise<{ stdout: string }>;
}

export interface OutputFormat {
  readonly extension: string;
  readonly hostTools: readonly HostTool[];
  produce(ctx: OutputContext): Promise<void>;
}

const tarTool: HostTool = { anyOf: ['tar'], apt: 'tar', why: 'tar and tgz outputs' };

export const OUTPUT_FORMATS: Record<string, OutputFormat> = {
  tar: { extension: 'tar', hostTools: [tarTool], produce: (ctx) => writeTarball(ctx, 'none') },
  tgz: {
    extension: 'tgz',
    hostTools: [tarTool, { anyOf: ['pigz', 'gzip'], apt: 'pigz', why: 'tgz compression (pigz uses every core)' }],
    produce: (ctx) => writeTarball(ctx, 'gzip'),
  },
};

/** Types DIB has that dib will build once the block-device layer lands. */
export const PLANNED_OUTPUT_TYPES = ['raw', 'qcow2', 'vhd', 'vmdk', 'squashfs', 'docker'];
