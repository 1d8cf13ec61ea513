/**
 * pre-install.d/04-pypi-mirror and post-install.d/99-pypi-mirror against a scratch root:
 * the pip configuration written for the mirrors, and the image's own put back byte for
 * byte (or removed when it had none).
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONFIGURE, RESTORE, runScript } from './scripts.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'dib-pypi-root-'));
  mkdirSync(path.join(root, 'etc'));
  mkdirSync(path.join(root, 'root'));
  mkdirSync(path.join(root, 'var/lib'), { recursive: true });
  mkdirSync(path.join(root, 'tmp/pypi'), { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const file = (rel: string) => path.join(root, rel);
const read = (rel: string) => readFileSync(file(rel), 'utf8');
const write = (rel: string, text: string, mode = 0o644) => {
  mkdirSync(path.dirname(file(rel)), { recursive: true });
  writeFileSync(file(rel), text);
  chmodSync(file(rel), mode);
};

/** Every path under the root with what identifies it: a link's target, a file's mode and text. */
function snapshot(dir = root): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    const rel = path.relative(root, p);
    const st = lstatSync(p);
    if (entry.isSymbolicLink()) out[rel] = `-> ${readlinkSync(p)}`;
    else if (entry.isDirectory()) Object.assign(out, { [rel]: 'dir' }, snapshot(p));
    else out[rel] = `${(st.mode & 0o777).toString(8)} ${readFileSync(p, 'utf8')}`;
  }
  return out;
}

async function configure(env: Record<string, string> = {}) {
  const r = await runScript(CONFIGURE, root, env);
  expect(r.exitCode, r.stderr).toBe(0);
  return r;
}
async function restore() {
  const r = await runScript(RESTORE, root);
  expect(r.exitCode, r.stderr).toBe(0);
  return r;
}

/** The lines of the [global] section pip gets from us, without our comment. */
const globalOf = (text: string) =>
  text
    .split('\n')
    .slice(text.split('\n').indexOf('[global]') + 1)
    .filter((l) => !l.startsWith('#'))
    .join('\n')
    .trim();

describe('configure', () => {
  it("with nothing set: the local mirror as an extra index after pip's default, a build-only cache, and a warning that the mirror is empty", async () => {
    const r = await configure({ DIB_IMAGE_CACHE: '/home/u/.cache/image-create' });
    expect(globalOf(read('etc/pip.conf'))).toBe('extra-index-url =\n    file:///tmp/pypi\ncache-dir = /tmp/dib-pypi-cache');
    expect(r.stderr).toContain('pypi: WARNING: the local mirror is empty (/home/u/.cache/image-create/pypi/mirror on the host)');
    expect(r.stdout).toContain('pypi: /etc/pip.conf points pip at the mirror');
    // Root has no pip.conf of its own: the global file applies, none is created.
    expect(existsSync(file('root/.config'))).toBe(false);
    expect(existsSync(file('root/.pip'))).toBe(false);
  });

  it('does not warn when the local mirror has content', async () => {
    write('tmp/pypi/index.html', '<html></html>');
    const r = await configure();
    expect(r.stderr).toBe('');
  });

  it('orders DIB_PYPI_MIRROR_URL then DIB_PYPI_MIRROR_URL_* by plain string sort, trusts plain-http hosts, and sets retries', async () => {
    await configure({
      DIB_PYPI_MIRROR_URL: 'http://mirror.example:8080/pypi/simple/',
      DIB_PYPI_MIRROR_URL_2: 'https://secure.example/simple/',
      DIB_PYPI_MIRROR_URL_10: 'http://user:pw@ten.example/simple',
      DIB_PYPI_MIRROR_URL_1: 'file:///tmp/pypi',
      DIB_PYPI_MIRROR_URL_3: '',
      DIB_PIP_RETRIES: '0',
    });
    expect(globalOf(read('etc/pip.conf'))).toBe(
      [
        'extra-index-url =',
        '    http://mirror.example:8080/pypi/simple/',
        '    file:///tmp/pypi',
        '    http://user:pw@ten.example/simple',
        '    https://secure.example/simple/',
        'trusted-host =',
        '    mirror.example:8080',
        '    ten.example',
        'retries = 0',
        'cache-dir = /tmp/dib-pypi-cache',
      ].join('\n'),
    );
  });

  it.each([{ DIB_NO_PYPI_PIP: '1' }, { DIB_OFFLINE: '1' }])('%o: the first mirror replaces the public index', async (env) => {
    await configure({ DIB_PYPI_MIRROR_URL: 'http://m.example/simple/', DIB_PYPI_MIRROR_URL_1: 'http://n.example/simple/', ...env });
    const conf = read('etc/pip.conf');
    expect(conf).toMatch(/^index-url = http:\/\/m\.example\/simple\/$/m);
    expect(conf).toContain('extra-index-url =\n    http://n.example/simple/\n');
  });

  it('uses the local mirror alone when offline and nothing is set', async () => {
    await configure({ DIB_OFFLINE: '1' });
    expect(globalOf(read('etc/pip.conf'))).toBe('index-url = file:///tmp/pypi\ncache-dir = /tmp/dib-pypi-cache');
  });

  it('ignores DIB_PYPI_MIRROR_URL_* without DIB_PYPI_MIRROR_URL, and says so', async () => {
    const r = await configure({ DIB_PYPI_MIRROR_URL_1: 'http://n.example/simple/' });
    expect(r.stderr).toContain('pypi: WARNING: DIB_PYPI_MIRROR_URL is empty, so DIB_PYPI_MIRROR_URL_1 are ignored');
    expect(read('etc/pip.conf')).not.toContain('n.example');
  });

  it('keeps the settings of an existing /etc/pip.conf and sets aside its index settings in every section', async () => {
    write(
      'etc/pip.conf',
      [
        "; the image's own",
        '[global]',
        'break-system-packages = true',
        'index-url = https://corp.example/simple',
        'extra_index_url =',
        '    https://a.example/simple',
        '',
        '    https://b.example/simple',
        'timeout = 60',
        '',
        '[install]',
        'Index-URL: https://install.example/simple',
        'no-index = true',
        'user = false',
        '',
      ].join('\n'),
    );
    await configure({ DIB_PYPI_MIRROR_URL: 'http://m.example/simple/', DIB_NO_PYPI_PIP: '1' });
    const conf = read('etc/pip.conf');
    expect(conf).not.toMatch(/corp\.example|a\.example|b\.example|install\.example|no-index/);
    expect(conf.split('\n')).toEqual(
      expect.arrayContaining(['[global]', 'index-url = http://m.example/simple/', 'break-system-packages = true', 'timeout = 60', '[install]', 'user = false']),
    );
    expect(conf.indexOf('index-url = http://m.example')).toBeGreaterThan(conf.indexOf('[global]'));
    expect(conf.indexOf('index-url = http://m.example')).toBeLessThan(conf.indexOf('[install]'));
  });

  it('adds a [global] section to a file that has none', async () => {
    write('etc/pip.conf', '[install]\nuser = false\n');
    await configure({ DIB_PYPI_MIRROR_URL: 'http://m.example/simple/' });
    expect(read('etc/pip.conf')).toMatch(/^\[global\]\n#[^\n]*\nextra-index-url =\n {4}http:\/\/m\.example\/simple\/\n[^]*\n\[install\]\nuser = false\n$/);
  });

  it.each([
    ['root/.config/pip/pip.conf', ['root/.config/pip/pip.conf']],
    ['root/.pip/pip.conf', ['root/.pip/pip.conf']],
  ])("merges into root's own %s too, which would override the global file", async (rel) => {
    write(rel, '[global]\nindex-url = https://corp.example/simple\n');
    await configure({ DIB_PYPI_MIRROR_URL: 'http://m.example/simple/', DIB_OFFLINE: '1' });
    expect(read(rel)).toContain('index-url = http://m.example/simple/');
    expect(read(rel)).not.toContain('corp.example');
    expect(read('etc/pip.conf')).toContain('index-url = http://m.example/simple/');
  });

  it("with both of root's files, merges into the XDG one pip reads last and leaves the legacy one", async () => {
    write('root/.pip/pip.conf', '[global]\ntimeout = 5\n');
    write('root/.config/pip/pip.conf', '[global]\ntimeout = 6\n');
    await configure({ DIB_PYPI_MIRROR_URL: 'http://m.example/simple/' });
    expect(read('root/.pip/pip.conf')).toBe('[global]\ntimeout = 5\n');
    expect(read('root/.config/pip/pip.conf')).toContain('http://m.example/simple/');
  });

  it.each([
    [{ DIB_PYPI_MIRROR_URL: 'ftp://m.example/simple/' }, 'mirror URL "ftp://m.example/simple/" is not http://, https:// or file://'],
    [{ DIB_PYPI_MIRROR_URL: 'http://m.example/', DIB_PYPI_MIRROR_URL_1: 'm.example' }, 'mirror URL "m.example" is not http://'],
    [{ DIB_PIP_RETRIES: 'many' }, 'DIB_PIP_RETRIES=many is not a whole number of retries'],
  ])('%o fails with a message and leaves /etc/pip.conf alone', async (env, message) => {
    write('etc/pip.conf', '[global]\ntimeout = 5\n');
    const r = await runScript(CONFIGURE, root, env);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`pypi: ${message}`);
    expect(read('etc/pip.conf')).toBe('[global]\ntimeout = 5\n');
  });
});

describe('restore', () => {
  it("removes the files of an image that had none, with the state and the build's pip cache", async () => {
    const before = snapshot();
    await configure({ DIB_PYPI_MIRROR_URL: 'http://m.example/simple/' });
    write('tmp/dib-pypi-cache/http/x', 'a cached download');
    const r = await restore();
    expect(r.stdout).toContain('pypi: /etc/pip.conf removed (the image had none)');
    expect(snapshot()).toEqual(before);
  });

  it('puts back every original byte for byte, with its mode, and a symlinked /etc/pip.conf as the link', async () => {
    write('etc/xdg/pip/pip.conf', '[global]\nindex-url = https://corp.example/simple\n', 0o600);
    symlinkSync('xdg/pip/pip.conf', file('etc/pip.conf'));
    write('root/.config/pip/pip.conf', '[global]\nextra-index-url = https://x.example/simple\n', 0o640);
    const before = snapshot();
    await configure({ DIB_PYPI_MIRROR_URL: 'http://m.example/simple/', DIB_PIP_RETRIES: '2' });
    // The link was replaced, not written through: its target is as it was.
    expect(lstatSync(file('etc/pip.conf')).isSymbolicLink()).toBe(false);
    expect(read('etc/xdg/pip/pip.conf')).toBe('[global]\nindex-url = https://corp.example/simple\n');
    const r = await restore();
    expect(r.stdout).toContain('pypi: /etc/pip.conf restored');
    expect(r.stdout).toContain('pypi: /root/.config/pip/pip.conf restored');
    expect(snapshot()).toEqual(before);
  });

  it('keeps a change another script made during the build, with only the mirror settings taken out', async () => {
    write('etc/pip.conf', '[global]\nindex-url = https://corp.example/simple\n');
    await configure({ DIB_PYPI_MIRROR_URL: 'http://m.example/simple/', DIB_PIP_RETRIES: '3' });
    writeFileSync(file('etc/pip.conf'), `${read('etc/pip.conf')}break-system-packages = true\n`);
    const r = await restore();
    expect(r.stderr).toContain('pypi: WARNING: /etc/pip.conf was changed during the build; kept with the mirror settings');
    expect(read('etc/pip.conf')).toBe('[global]\nbreak-system-packages = true\n');
    expect(existsSync(file('var/lib/dib-pypi'))).toBe(false);
  });

  it('succeeds with a message when configure never ran', async () => {
    const r = await restore();
    expect(r.stdout).toContain('pypi: no pip configuration of this element to restore');
  });

  it('after configure ran twice, still restores the original', async () => {
    write('etc/pip.conf', '[global]\ntimeout = 5\n');
    const before = snapshot();
    await configure({ DIB_PYPI_MIRROR_URL: 'http://m.example/simple/' });
    const again = await configure({ DIB_PYPI_MIRROR_URL: 'http://n.example/simple/' });
    expect(again.stdout).toContain('an earlier configure was not restored; restoring it first');
    expect(read('etc/pip.conf')).not.toContain('m.example');
    await restore();
    expect(snapshot()).toEqual(before);
  });
});
