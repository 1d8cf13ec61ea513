/**
 * What the two tests that build an image of everyday elements share (upstream's copies in
 * test/upstream-elements, dib's packages in test/everyday-elements): the variables of a
 * typical build line, the image's files unpacked, and a boot on a bigger disk.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { bootImage, type BootOptions, type BootResult } from '@dib/testing';

/** The variables both builds set for devuser, pip-and-virtualenv, modprobe and cloud-init-datasources. */
export const everydayVariables = (work: string): Record<string, string> => ({
  DIB_INSTALLTYPE_pip_and_virtualenv: 'package',
  DIB_DEV_USER_USERNAME: 'devtester',
  DIB_DEV_USER_AUTHORIZED_KEYS: path.join(work, 'devkey.pub'),
  DIB_DEV_USER_PWDLESS_SUDO: '1',
  DIB_MODPROBE_BLACKLIST: 'floppy',
  DIB_CLOUD_INIT_DATASOURCES: 'NoCloud, ConfigDrive',
});

/** Unpacks OUTPUT.tar into WORK/tree; returns the tree. */
export async function unpackTree(output: string, work: string): Promise<string> {
  const tree = path.join(work, 'tree');
  mkdirSync(tree);
  await execa('tar', ['-xf', `${output}.tar`, '-C', tree]);
  return tree;
}

/** Boots OUTPUT.qcow2 through a 6 GiB overlay in WORK (growroot has room to grow); the result and the image's own size. */
export async function bootOnBiggerDisk(output: string, work: string, options: Omit<BootOptions, 'image'>): Promise<{ result: BootResult; builtBytes: number }> {
  const grown = path.join(work, 'grown.qcow2');
  await execa('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', `${output}.qcow2`, grown, '6G']);
  const builtBytes = JSON.parse((await execa('qemu-img', ['info', '--output=json', `${output}.qcow2`])).stdout)['virtual-size'] as number;
  return { result: await bootImage({ image: grown, ...options }), builtBytes };
}
