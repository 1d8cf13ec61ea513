import { execa } from 'execa';

/** Paths in a tar/tgz output, as tar lists them ("./etc/os-release"). */
export async function listTar(file: string): Promise<string[]> {
  const { stdout } = await execa('tar', ['--list', '--file', file], { maxBuffer: 512 * 1024 * 1024 });
  return stdout.split('\n').filter(Boolean);
}

/** Contents of one file inside a tar/tgz output. */
export async function readTarFile(file: string, member: string): Promise<string> {
  const name = member.startsWith('./') ? member : `./${member.replace(/^\//, '')}`;
  const { stdout } = await execa('tar', ['--extract', '--to-stdout', '--file', file, name]);
  return stdout;
}
