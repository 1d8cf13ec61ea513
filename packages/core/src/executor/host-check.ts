/** Host checks before anything is created: root, tools, memory for tmpfs. */
import { readFileSync } from 'node:fs';
import { DibError } from '../errors.js';
import type { HostTool } from '../contract/manifest.js';
import { which } from '../host/which.js';

export interface ToolStatus<T extends HostTool = HostTool> {
  tool: T;
  /** The command found, or undefined when none of anyOf is installed. */
  found?: string;
}

export async function checkTools<T extends HostTool>(tools: readonly T[]): Promise<ToolStatus<T>[]> {
  return Promise.all(
    tools.map(async (tool) => {
      for (const cmd of tool.anyOf) if (await which(cmd)) return { tool, found: cmd };
      return { tool };
    }),
  );
}

export async function requireTools(tools: readonly (HostTool & { neededBy: string })[]): Promise<void> {
  const missing = (await checkTools(tools)).filter((s) => !s.found);
  if (missing.length === 0) return;
  const lines = missing.map(
    ({ tool }) => `${tool.anyOf.join(' or ')} (needed by ${tool.neededBy} for ${tool.why}${tool.apt ? `; Debian package ${tool.apt}` : ''})`,
  );
  throw new DibError('DIB_E_HOST_TOOL_MISSING', `missing on this host:\n  ${lines.join('\n  ')}`);
}

export function requireRoot(why = 'building an image mounts filesystems and runs chroot, which needs root', hint?: string): void {
  if (process.getuid?.() !== 0) throw new DibError('DIB_E_NOT_ROOT', why, hint ? { hint } : {});
}

/** MemTotal from /proc/meminfo in GiB. */
export function memTotalGiB(): number {
  const m = /MemTotal:\s+(\d+) kB/.exec(readFileSync('/proc/meminfo', 'utf8'));
  return m ? Number(m[1]) / 1024 / 1024 : 0;
}
