/**
 * install.d/05-cloud-init-datasources against a scratch root standing in for the image,
 * and the root hook that refuses a build without a list before anything is made.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadElement, planBuild, runElementHook } from '@dib/testing';

const ELEMENT = path.resolve(import.meta.dirname, '..');
const REPO = path.resolve(ELEMENT, '../..');
const SCRIPT = path.join(ELEMENT, 'install.d/05-cloud-init-datasources');

let root: string;
const cfgDir = () => path.join(root, 'etc/cloud/cloud.cfg.d');
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'dib-cloud-init-root-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function run(list: string | undefined, withCloudInit = true) {
  if (withCloudInit) mkdirSync(cfgDir(), { recursive: true });
  const env: Record<string, string> = { PATH: process.env.PATH!, CLOUD_INIT_DATASOURCES_ROOT: root };
  if (list !== undefined) env.DIB_CLOUD_INIT_DATASOURCES = list;
  return execa('bash', [SCRIPT], { env, extendEnv: false, reject: false });
}
const read = (name: string) => readFileSync(path.join(cfgDir(), name), 'utf8');

describe('install.d/05-cloud-init-datasources', () => {
  it("writes the list, then None, in the line diskimage-builder's writes", async () => {
    const r = await run('NoCloud, ConfigDrive');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(read('91-dib-cloud-init-datasources.cfg')).toBe('datasource_list: [  NoCloud, ConfigDrive, None ]\n');
    expect(parse(read('91-dib-cloud-init-datasources.cfg'))).toEqual({ datasource_list: ['NoCloud', 'ConfigDrive', 'None'] });
    expect(existsSync(path.join(cfgDir(), '92-ec2-datasource.cfg'))).toBe(false);
    expect(r.stdout).toContain('cloud-init-datasources: datasource_list NoCloud ConfigDrive None');
  });

  it('trims spaces, drops empty entries and repeats, and keeps one None at the end', async () => {
    const r = await run(' OpenStack,,None ,ConfigDrive,OpenStack ');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(parse(read('91-dib-cloud-init-datasources.cfg'))).toEqual({ datasource_list: ['OpenStack', 'ConfigDrive', 'None'] });
  });

  it('writes only None when asked for None (as simple-init asks)', async () => {
    const r = await run('None');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(read('91-dib-cloud-init-datasources.cfg')).toBe('datasource_list: [  None ]\n');
  });

  it('tells cloud-init to use Ec2 without identifying the cloud as AWS when Ec2 is listed', async () => {
    const r = await run('Ec2');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(parse(read('91-dib-cloud-init-datasources.cfg'))).toEqual({ datasource_list: ['Ec2', 'None'] });
    const ec2 = read('92-ec2-datasource.cfg');
    expect(ec2.split('\n')[0]).toBe('#cloud-config');
    expect(parse(ec2)).toEqual({ datasource: { Ec2: { strict_id: false } } });
  });

  it('does not take a name that only contains Ec2 for Ec2, and removes an old Ec2 file', async () => {
    mkdirSync(cfgDir(), { recursive: true });
    writeFileSync(path.join(cfgDir(), '92-ec2-datasource.cfg'), 'old');
    const r = await run('Ec2Like');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(existsSync(path.join(cfgDir(), '92-ec2-datasource.cfg'))).toBe(false);
  });

  it('writes nothing, and succeeds, when the image has no cloud-init', async () => {
    const r = await run('Ec2', false);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(existsSync(path.join(root, 'etc/cloud'))).toBe(false);
    expect(r.stdout).toContain('no /etc/cloud/cloud.cfg.d (no cloud-init); nothing written');
  });

  it.each([[undefined], [''], [' , ']])('fails with a clear message when the list is %o', async (list) => {
    const r = await run(list);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('DIB_CLOUD_INIT_DATASOURCES is empty; set it to a comma-separated list');
    expect(existsSync(path.join(cfgDir(), '91-dib-cloud-init-datasources.cfg'))).toBe(false);
  });
});

describe('the build', () => {
  const hook = async (env: Record<string, string>) =>
    runElementHook(await loadElement('cloud-init-datasources', { searchRoots: [REPO] }), 'root', '01-cloud-init-datasources', { targetRoot: root, env });

  it('refuses, at root, a build without DIB_CLOUD_INIT_DATASOURCES', async () => {
    await expect(hook({})).rejects.toMatchObject({ code: 'DIB_E_CLOUD_INIT_DATASOURCES_UNSET' });
    await expect(hook({ DIB_CLOUD_INIT_DATASOURCES: '  ' })).rejects.toMatchObject({ code: 'DIB_E_CLOUD_INIT_DATASOURCES_UNSET' });
  });

  it('refuses a list an environment.d fragment spoiled, and logs a good one', async () => {
    await expect(hook({ DIB_CLOUD_INIT_DATASOURCES: 'Ec2; rm -rf /' })).rejects.toMatchObject({
      code: 'DIB_E_CLOUD_INIT_DATASOURCES_INVALID',
      message: expect.stringContaining('"Ec2; rm -rf /"'),
    });
    const run = await hook({ DIB_CLOUD_INIT_DATASOURCES: 'ConfigDrive, OpenStack' });
    rmSync(run.outputDir, { recursive: true, force: true });
    expect(run.log.join('\n')).toContain('cloud-init will query only: ConfigDrive, OpenStack');
  });

  it('refuses a value that is not a list of names when the plan is made', async () => {
    await expect(planBuild(['cloud-init-datasources'], { searchRoots: [REPO], env: { DIB_CLOUD_INIT_DATASOURCES: '[Ec2]' } })).rejects.toMatchObject({
      code: 'DIB_E_ENV_INVALID',
      message: expect.stringContaining('comma-separated list of cloud-init datasource names'),
    });
  });

  it('checks first at root, and writes after the packages of install (cloud-init among them)', async () => {
    const plan = await planBuild(['cloud-init-datasources', 'debian'], { searchRoots: [REPO], env: { DIB_CLOUD_INIT_DATASOURCES: 'Ec2' } });
    expect(plan.hooks.phases.root.map((h) => h.name)[0]).toBe('01-cloud-init-datasources');
    const install = plan.hooks.phases.install.map((h) => h.name);
    expect(install.indexOf('05-cloud-init-datasources')).toBeGreaterThan(install.indexOf('01-package-installs'));
    expect(plan.environment.DIB_CLOUD_INIT_DATASOURCES).toBe('Ec2');
  });
});
