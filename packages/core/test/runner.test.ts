import { describe, expect, it } from 'vitest';
import { CommandError, CommandRunner, howItEnded } from '../src/executor/runner.js';

const failureOf = async (script: string): Promise<CommandError> => {
  const lines: string[] = [];
  const runner = new CommandRunner((line) => lines.push(line));
  const error = await runner.run('/bin/bash', ['-c', script]).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CommandError);
  return error as CommandError;
};

describe('how a failed command is described', () => {
  it('names the signal that killed the command', async () => {
    const e = await failureOf('kill -KILL $$');
    expect(e.signal).toBe('SIGKILL');
    expect(e.message).toMatch(/killed by SIGKILL$/);
  });

  it('names the signal behind a 128+N status that pipefail passed on (SIGPIPE: 141)', async () => {
    // The writer has more than a pipe holds; head leaves after one line and the writer dies of SIGPIPE.
    const e = await failureOf('set -o pipefail; seq 1 1000000 | head -n 1 >/dev/null');
    expect(e.exitCode).toBe(141);
    expect(e.message).toMatch(/exit status 141: a command in it was killed by SIGPIPE$/);
  });

  it('keeps plain exit statuses plain', () => {
    expect(howItEnded(3, undefined)).toBe('exit status 3');
    expect(howItEnded(255, undefined)).toBe('exit status 255');
    expect(howItEnded(undefined, undefined)).toBe('could not be started');
  });

  it('says so when the command printed nothing, instead of an empty list of last lines', async () => {
    expect((await failureOf('exit 4')).tailText).toBe('it printed nothing before it ended');
    expect((await failureOf('echo one; echo two >&2; exit 4')).tailText).toBe('last lines:\n  | one\n  | two');
  });
});

describe('processes a command leaves behind', () => {
  const alive = async (marker: string) => (await import('execa')).execa('pgrep', ['-f', marker], { reject: false }).then((r) => r.exitCode === 0);

  it.each([
    ['holding its output open', 'sleep 71.5', 'sleep 71.5 & echo started'],
    ['with its output closed', 'sleep 71.6', 'sleep 71.6 >/dev/null 2>&1 & echo started'],
  ])('are killed once it ends, with a warning naming it: %s', async (_how, marker, script) => {
    const warnings: string[] = [];
    const runner = new CommandRunner(
      () => {},
      (m) => warnings.push(m),
    );
    const started = Date.now();
    const { stdout } = await runner.run('/bin/bash', ['-c', script], { label: 'install/50-daemon' });
    expect(stdout).toBe('started');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(warnings).toEqual([expect.stringMatching(/^install\/50-daemon left processes running after it ended .*dib killed them$/)]);
    expect(await alive(marker)).toBe(false);
  });

  it('are none for a command that waits for its children: no warning', async () => {
    const warnings: string[] = [];
    const runner = new CommandRunner(
      () => {},
      (m) => warnings.push(m),
    );
    await runner.run('/bin/bash', ['-c', 'sleep 0.2 & wait']);
    expect(warnings).toEqual([]);
  });
});
