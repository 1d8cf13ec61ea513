/**
 * A real browser for the tests: Debian's chromium, headless, as a user would open a
 * file. The page's DOM after its scripts ran, what its console reported, and a
 * screenshot. As root, chromium needs --no-sandbox.
 */
import { existsSync } from 'node:fs';
import { execa } from 'execa';

export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((f) => existsSync(f));

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--enable-logging=stderr', '--v=0'];

export interface OpenedPage {
  /** The DOM after the page's scripts ran. */
  dom: string;
  /** Console messages chromium logged (errors, uncaught exceptions, logs). */
  console: string[];
}

const consoleLines = (stderr: string) => stderr.split('\n').filter((l) => /:CONSOLE[:(]/.test(l));

export async function openPage(file: string, screenshot?: string): Promise<OpenedPage> {
  if (!CHROMIUM) throw new Error('chromium is not installed (apt-get install chromium)');
  const url = `file://${file}`;
  const dump = await execa(CHROMIUM, [...FLAGS, '--dump-dom', url], { reject: false, timeout: 120_000 });
  if (dump.exitCode !== 0) throw new Error(`chromium --dump-dom ${url} failed: ${dump.stderr}`);
  if (screenshot) {
    const shot = await execa(CHROMIUM, [...FLAGS, `--screenshot=${screenshot}`, '--window-size=1280,2400', '--hide-scrollbars', url], {
      reject: false,
      timeout: 120_000,
    });
    if (shot.exitCode !== 0) throw new Error(`chromium --screenshot ${url} failed: ${shot.stderr}`);
  }
  return { dom: String(dump.stdout), console: consoleLines(String(dump.stderr)) };
}
