import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { initScript } from '../src/init-script.js';
import { binaryDeps, elementFiles } from '../src/ramdisk-files.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The hook tree's files as a host hook sees them: each element with the given files. */
function hookFiles(spec: Record<string, Record<string, string>>) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'dib-ramdisk-test-'));
  dirs.push(root);
  return Object.entries(spec).flatMap(([element, files]) =>
    Object.entries(files).map(([file, text]) => {
      const source = path.join(root, element, file);
      mkdirSync(path.dirname(source), { recursive: true });
      writeFileSync(source, text);
      return { dir: path.dirname(file), name: path.basename(file), element, source };
    }),
  );
}

describe('binary-deps.d', () => {
  it('takes whitespace-separated names, skips comments, and says which element and file named each', () => {
    const els = hookFiles({
      net: { 'binary-deps.d/net': '# tools\ncurl  wget\n\n/lib/udev/ata_id # by path\n' },
      disk: { 'binary-deps.d/disk-tools': 'sfdisk\n' },
    });
    expect(binaryDeps(els)).toEqual([
      { element: 'disk', list: 'disk-tools', binary: 'sfdisk' },
      { element: 'net', list: 'net', binary: 'curl' },
      { element: 'net', list: 'net', binary: 'wget' },
      { element: 'net', list: 'net', binary: '/lib/udev/ata_id' },
    ]);
  });
});

describe('/init', () => {
  const fragments = () =>
    elementFiles(
      hookFiles({
        x: { 'init.d/50-late': 'echo late-ran\n', 'init.d/10-first': 'echo first-ran\nexport SHARED=yes\n[ -n "$SKIP_REST" ] || return 0\necho not-reached\n' },
        y: { 'init.d/20-second': 'echo "second sees SHARED=$SHARED"\nfalse\necho after-false\n' },
      }),
      'init.d',
    );

  it('holds the fragments of every element in run-parts order, and is valid sh', async () => {
    const init = initScript(fragments());
    const at = (s: string) => init.indexOf(s);
    expect(at("dib_fragment '10-first (element x)'")).toBeLessThan(at("dib_fragment '20-second (element y)'"));
    expect(at("dib_fragment '20-second (element y)'")).toBeLessThan(at("dib_fragment '50-late (element x)'"));
    expect((await execa('sh', ['-n'], { input: init, reject: false })).exitCode).toBe(0);
  });

  it('return ends only its own fragment; the first failing command stops them all, names its fragment, and opens a shell', async () => {
    const init = initScript(fragments());
    // The real head mounts and starts udev; this one records what init does instead.
    const head = `dib_log() { echo "log: $*"; }
dib_fail() { echo "FAILED: $*"; exit 1; }
dib_fragment() { echo "$1" > "$STATE"; echo "run: $1"; }
dib_shell() { echo "shell: $1"; [ "$1" = "nothing more to run" ] && exit 0; }
`;
    const body = init.slice(init.indexOf('dib_init_d_1() {')).replace(/\/run\/dib-init-fragment/g, '"$STATE"');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dib-init-'));
    dirs.push(dir);
    const { stdout } = await execa('sh', ['-c', head + body], { env: { STATE: path.join(dir, 'fragment') } });
    expect(stdout.split('\n')).toEqual([
      'run: 10-first (element x)',
      'first-ran',
      'run: 20-second (element y)',
      'second sees SHARED=yes',
      'shell: init.d/20-second (element y) failed (status 1)',
      'shell: nothing more to run',
    ]);
  });
});
