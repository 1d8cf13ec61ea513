/**
 * Output formats. Tree formats are made from the finished directory tree; disk formats
 * from the assembled raw disk. Each says its extension and the host tools it needs.
 */
import { rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { QCOW2_COMPRESSIONS, SQUASHFS_COMPRESSIONS } from '../config/schema.js';
import type { HostTool } from '../contract/manifest.js';
import { DibError } from '../errors.js';
import { writeTarball } from './tarball.js';

export interface OutputContext {
  /** The finished image tree. */
  targetRoot: string;
  /** The assembled raw disk (disk formats only). */
  disk?: string;
  /** Temporary path to write; the builder renames it to the final name. */
  file: string;
  /** Output base name (docker uses it as the repository name). */
  name: string;
  uncompressed: boolean;
  qcow2Compression: (typeof QCOW2_COMPRESSIONS)[number];
  squashfsCompression: (typeof SQUASHFS_COMPRESSIONS)[number];
  qemuImgOptions: string[];
  run(command: string, args: readonly string[], input?: string): Promise<{ stdout: string }>;
}

export interface OutputFormat {
  readonly extension: string;
  readonly kind: 'tree' | 'disk';
  /** False for formats that leave no file (docker imports into the engine). */
  readonly writesFile: boolean;
  readonly hostTools: readonly HostTool[];
  /** Checked before the build starts, so a missing engine fails early. */
  preflight?(run: OutputContext['run']): Promise<void>;
  produce(ctx: OutputContext): Promise<void>;
}

const tar: HostTool = { anyOf: ['tar'], apt: 'tar', why: 'tar and tgz outputs' };
const qemuImg: HostTool = { anyOf: ['qemu-img'], apt: 'qemu-utils', why: 'converting the raw disk' };

const converted = (format: string, extra: (ctx: OutputContext) => string[]): OutputFormat => ({
  extension: format === 'vpc' ? 'vhd' : format,
  kind: 'disk',
  writesFile: true,
  hostTools: [qemuImg],
  produce: (ctx) =>
    ctx.run('qemu-img', ['convert', '-f', 'raw', '-O', format, ...extra(ctx), ...ctx.qemuImgOptions, ctx.disk!, ctx.file]).then(() => undefined),
});

/** The files --checksum writes beside an output, one per algorithm (sha256sum/md5sum format). */
export const CHECKSUM_ALGORITHMS = ['sha256', 'md5'] as const;
export const checksumFiles = (output: string): string[] => CHECKSUM_ALGORITHMS.map((a) => `${output}.${a}`);

export const OUTPUT_FORMATS: Record<string, OutputFormat> = {
  tar: { extension: 'tar', kind: 'tree', writesFile: true, hostTools: [tar], produce: (ctx) => writeTarball(ctx, 'none') },
  tgz: {
    extension: 'tgz',
    kind: 'tree',
    writesFile: true,
    hostTools: [tar, { anyOf: ['pigz', 'gzip'], apt: 'pigz', why: 'tgz compression (pigz uses every core)' }],
    produce: (ctx) => writeTarball(ctx, 'gzip'),
  },
  squashfs: {
    extension: 'squashfs',
    kind: 'tree',
    writesFile: true,
    hostTools: [{ anyOf: ['mksquashfs'], apt: 'squashfs-tools', why: 'squashfs output' }],
    produce: (ctx) =>
      ctx
        .run('mksquashfs', [
          ctx.targetRoot,
          ctx.file,
          '-noappend',
          '-comp',
          ctx.squashfsCompression,
          '-quiet',
          '-no-progress',
          '-wildcards',
          '-e',
          'proc/*',
          'sys/*',
          'dev/pts/*',
          'tmp/in_target.d',
        ])
        .then(() => undefined),
  },
  docker: {
    extension: 'docker',
    kind: 'tree',
    writesFile: false,
    hostTools: [{ anyOf: ['docker'], apt: 'docker.io', why: 'docker output (imports into the local engine)' }],
    preflight: async (run) => {
      try {
        await run('docker', ['info', '--format', '{{.ServerVersion}}']);
      } catch {
        throw new DibError('DIB_E_OUTPUT_FORMAT', 'output type docker needs a running Docker engine, and `docker info` found none', {
          location: { key: 'types' },
          hint: 'Build -t tar and run `docker import IMAGE.tar NAME` where an engine runs.',
        });
      }
    },
    produce: async (ctx) => {
      const file = `${ctx.file}.tar`;
      try {
        await writeTarball({ ...ctx, file }, 'none');
        await ctx.run('docker', ['import', file, `${ctx.name}:latest`]);
      } finally {
        rmSync(file, { force: true });
      }
    },
  },
  raw: {
    extension: 'raw',
    kind: 'disk',
    writesFile: true,
    hostTools: [],
    produce: (ctx) => ctx.run('cp', ['--sparse=always', ctx.disk!, ctx.file]).then(() => undefined),
  },
  // -W: out-of-order writes let every core compress (31 s -> 21 s for a 1.5 GiB Debian disk on 2 cores).
  qcow2: converted('qcow2', (ctx) => [
    ...(ctx.uncompressed ? [] : ['-c', ...(ctx.qcow2Compression === 'zlib' ? [] : ['-o', `compression_type=${ctx.qcow2Compression}`])]),
    '-W',
    '-m',
    String(Math.min(16, 2 * availableParallelism())),
  ]),
  vhd: converted('vpc', () => ['-o', 'subformat=dynamic']),
  vmdk: converted('vmdk', () => ['-o', 'subformat=streamOptimized']),
};
