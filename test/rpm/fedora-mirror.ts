/**
 * A release's image directory as Fedora's mirrors publish it: the Cloud Base qcow2, the
 * compose's CHECKSUM clearsigned by a test key, and an index page linking both.
 */
import { statSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import type { SigningKey } from '@dib/testing';

export async function publishFedoraCompose(dir: string, qcow2: string, key: SigningKey, release = '45', compose = '1.2') {
  const image = `Fedora-Cloud-Base-Generic-${release}-${compose}.x86_64.qcow2`;
  const checksum = `Fedora-Cloud-${release}-${compose}-x86_64-CHECKSUM`;
  await execa('mv', [qcow2, path.join(dir, image)]);
  const sha = (await execa('sha256sum', [path.join(dir, image)])).stdout.split(' ')[0];
  const body = path.join(dir, '.checksum-body');
  writeFileSync(body, `# ${image}: ${statSync(path.join(dir, image)).size} bytes\nSHA256 (${image}) = ${sha}\n`);
  await key.sign(body, { clear: path.join(dir, checksum) });
  rmSync(body);
  writeFileSync(path.join(dir, 'index.html'), `<html><body>\n<a href="${checksum}">${checksum}</a>\n<a href="${image}">${image}</a>\n</body></html>\n`);
}
