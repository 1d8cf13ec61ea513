import { readFileSync } from 'node:fs';

/**
 * When a process started (clock ticks since boot, /proc/PID/stat field 22), or undefined
 * when it is gone. With the pid it names one process for good: a pid reused later has
 * another start time.
 */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from its end.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}
