/** boot-test's default architecture: what the image's build recorded in IMAGE.d/dib-packages. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { recordedArch } from '../src/recorded-arch.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** An image file with the manifest directory a build writes beside it. */
function image(name: string, packages?: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dib-recorded-arch-'));
  dirs.push(dir);
  const file = path.join(dir, name);
  writeFileSync(file, '');
  if (packages !== undefined) {
    const manifests = path.join(dir, `${path.basename(name, path.extname(name))}.d`);
    mkdirSync(manifests);
    writeFileSync(path.join(manifests, 'dib-packages'), packages);
  }
  return file;
}

describe('recordedArch', () => {
  it("reads a Debian build's packages: the architecture most of them have, never 'all'", () => {
    const file = image(
      'web-arm.qcow2',
      'adduser\tall\t3.134\t686\nbash\tarm64\t5.2\t7000\nlinux-image-arm64\tarm64\t6.1\t10\ntzdata\tall\t2024\t1\ncoreutils\tall\t9\t1\n',
    );
    expect(recordedArch(file)).toEqual({ arch: 'arm64', source: path.join(path.dirname(file), 'web-arm.d', 'dib-packages') });
  });

  it("maps an RPM build's architectures to dib's, past noarch", () => {
    expect(recordedArch(image('f.raw', 'bash\taarch64\t5.2\t1\nkernel-core\taarch64\t6.11\t1\ntzdata\tnoarch\t2024\t1\n'))?.arch).toBe('arm64');
    expect(recordedArch(image('g.qcow2', 'bash\tx86_64\t5.2\t1\nglibc\ti686\t2.40\t1\nkernel\tx86_64\t6\t1\n'))?.arch).toBe('amd64');
    expect(recordedArch(image('h.qcow2', 'bash\tarmv7hl\t5.2\t1\n'))?.arch).toBe('armhf');
  });

  it('knows nothing of an image without a manifest directory, or with packages of no architecture', () => {
    expect(recordedArch(image('plain.qcow2'))).toBeUndefined();
    expect(recordedArch(image('empty.qcow2', 'tzdata\tall\t2024\t1\n'))).toBeUndefined();
  });
});
