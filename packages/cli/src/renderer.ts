/** listr2 renderer: animated on a terminal, plain lines in CI and pipes, silent with --json. */
export function chooseRenderer(json: boolean): 'default' | 'simple' | 'silent' {
  if (json) return 'silent';
  if (process.stdout.isTTY && !process.env.CI && process.env.TERM !== 'dumb') return 'default';
  return 'simple';
}
