/**
 * The pre-install apt-get update hook, run with the host's real apt against an apt
 * configuration of its own (APT_CONFIG): its lists and sources in a temp directory, the
 * mirror a closed port on loopback, as an unreachable mirror looks to a build.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa, execaSync } from 'execa';
import { afterEach, expect, it } from 'vitest';

const HOOK = path.resolve(import.meta.dirname, '../pre-install.d/05-apt-get-update');
const hasApt = (() => {
  try {
    return execaSync('apt-config', ['dump']).exitCode === 0;
  } catch {
    return false;
  }
})();
let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

/** An apt configuration whose only source is a closed port on 127.0.0.1. */
function unreachableMirror(): string {
  dir = mkdtempSync(path.join(os.tmpdir(), 'dib-apt-update-'));
  for (const d of ['lists/partial', 'cache/archives/partial', 'etc/sources.list.d', 'etc/apt.conf.d', 'etc/preferences.d'])
    mkdirSync(path.join(dir, d), { recursive: true });
  writeFileSync(path.join(dir, 'etc/sources.list'), 'deb [trusted=yes] http://127.0.0.1:9/debian bookworm main\n');
  const conf = path.join(dir, 'apt.conf');
  writeFileSync(
    conf,
    [
      `Dir::State::lists "${dir}/lists/";`,
      `Dir::Cache "${dir}/cache/";`,
      `Dir::Etc "${dir}/etc/";`,
      `Dir::Etc::sourcelist "${dir}/etc/sources.list";`,
      `Dir::Etc::sourceparts "${dir}/etc/sources.list.d";`,
      'Acquire::Retries "0";',
      '',
    ].join('\n'),
  );
  return conf;
}

const runHook = (env: Record<string, string>) =>
  execa('bash', [HOOK], {
    env: { PATH: process.env.PATH, DISTRO_NAME: 'debian', DIB_RELEASE: 'bookworm', ARCH: 'amd64', ...env },
    extendEnv: false,
    reject: false,
  });

it.runIf(hasApt && process.getuid?.() === 0)('stops the build when a list cannot be fetched, naming the release and what to check', async () => {
  const r = await runHook({ APT_CONFIG: unreachableMirror() });
  expect(r.exitCode).toBe(1);
  expect(r.stdout).toContain('W: Failed to fetch http://127.0.0.1:9/debian/dists/bookworm/InRelease');
  expect(r.stderr).toContain('dpkg: apt-get update could not fetch every package list for debian bookworm amd64');
  expect(r.stderr).toContain('DIB_DISTRIBUTION_MIRROR');
});

it.runIf(hasApt)('offline, with no lists in the tree and none cached, fails at once without touching the network', async () => {
  const r = await runHook({ APT_CONFIG: unreachableMirror(), DIB_OFFLINE: '1' });
  expect(r.exitCode).toBe(1);
  expect(r.stdout).not.toContain('127.0.0.1');
  expect(r.stderr).toContain('--offline (DIB_OFFLINE), but no package lists are cached for debian bookworm amd64');
});

it.runIf(hasApt)('offline, keeps the lists the tree already has', async () => {
  const conf = unreachableMirror();
  writeFileSync(path.join(dir!, 'lists', '127.0.0.1_debian_dists_bookworm_main_binary-amd64_Packages'), '');
  const r = await runHook({ APT_CONFIG: conf, DIB_OFFLINE: '1' });
  expect(r.exitCode, r.stderr).toBe(0);
  expect(r.stdout).toContain('offline: keeping the package lists already in the tree');
});
