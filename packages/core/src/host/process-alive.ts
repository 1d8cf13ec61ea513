/** Whether a process still runs (signal 0 checks without sending anything): stale locks and state files belong to dead ones. */
export const isProcessAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
