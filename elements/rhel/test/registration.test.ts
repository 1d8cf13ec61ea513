/**
 * rhel's registration against a stand-in subscription-manager that records its command
 * lines: what each REG_* combination runs, that credentials appear only masked in what
 * the build prints (even traced), and that the image is unregistered at finalise. The
 * real scripts run in the fedora/rhel integration test, in an image.
 */
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { formatPlan, planToJson } from '@dib/core';
import { planBuild, stubCommands, type StubCommands } from '@dib/testing';
import { registrationProblem } from '../src/registration.js';

const REPO = path.resolve(import.meta.dirname, '../../..');
const REGISTER = path.resolve(import.meta.dirname, '../pre-install.d/00-rhel-registration');
const UNREGISTER = path.resolve(import.meta.dirname, '../finalise.d/60-rhel-unregister');
let stubs: StubCommands;
afterEach(() => stubs?.remove());

async function run(script: string, env: Record<string, string>) {
  stubs = stubCommands({ 'subscription-manager': ':', rpm: ':', uname: 'echo x86_64' });
  const r = await execa('bash', [script], { env: { PATH: `${stubs.dir}:${process.env.PATH}`, DIB_RELEASE: '9', ...env }, extendEnv: false, reject: false });
  return { ...r, output: r.stdout + r.stderr, calls: stubs.calls().filter((c) => !c.startsWith('uname')) };
}

describe('registration (pre-install)', () => {
  it('portal with user and password: registers, attaches the pool, enables only BaseOS and AppStream; the password is never printed, even traced', async () => {
    const r = await run(REGISTER, { REG_METHOD: 'portal', REG_USER: 'ops', REG_PASSWORD: 's3cret-pw', REG_POOL_ID: 'pool42', DIB_DEBUG_TRACE: '1' });
    expect(r.exitCode, r.output).toBe(0);
    expect(r.calls).toEqual([
      'subscription-manager register --username=ops --password=s3cret-pw',
      'subscription-manager attach --pool=pool42',
      'subscription-manager repos --disable=*',
      'subscription-manager repos --enable rhel-9-for-x86_64-baseos-rpms --enable rhel-9-for-x86_64-appstream-rpms',
    ]);
    expect(r.output).toContain('--username=ops --password=***');
    expect(r.output).not.toContain('s3cret-pw');
  });

  it('an activation key registers without attaching; the key is masked', async () => {
    const r = await run(REGISTER, { REG_METHOD: 'portal', REG_ACTIVATION_KEY: 'ak-123', REG_ORG: '4711', REG_USER: 'ignored' });
    expect(r.exitCode, r.output).toBe(0);
    expect(r.calls[0]).toBe('subscription-manager register --activationkey=ak-123 --org=4711');
    expect(r.calls.some((c) => c.includes(' attach'))).toBe(false);
    expect(r.output).toContain('--activationkey=*** --org=4711');
    expect(r.output).not.toContain('ak-123');
  });

  it('auto-attach with a pinned release uses the EUS repositories and sets the release; REG_REPOS replaces the defaults', async () => {
    const eus = await run(REGISTER, {
      REG_METHOD: 'portal',
      REG_USER: 'u',
      REG_PASSWORD: 'p',
      REG_AUTO_ATTACH: '1',
      REG_RELEASE: '9.4',
      REG_SERVICE_LEVEL: 'Premium',
    });
    expect(eus.calls[0]).toBe('subscription-manager register --auto-attach --servicelevel=Premium --release=9.4 --username=u --password=p');
    expect(eus.calls).toContain('subscription-manager repos --enable rhel-9-for-x86_64-baseos-eus-rpms --enable rhel-9-for-x86_64-appstream-eus-rpms');
    expect(eus.calls.at(-1)).toBe('subscription-manager release --set=9.4');
    const custom = await run(REGISTER, { REG_METHOD: 'portal', REG_USER: 'u', REG_PASSWORD: 'p', REG_REPOS: 'repo-a, repo-b ,' });
    expect(custom.calls).toContain('subscription-manager repos --enable repo-a --enable repo-b');
  });

  it("satellite installs the Satellite's consumer RPM first, then registers", async () => {
    const r = await run(REGISTER, { REG_METHOD: 'satellite', REG_SAT_URL: 'https://sat.example', REG_ACTIVATION_KEY: 'k', REG_ORG: 'o' });
    expect(r.exitCode, r.output).toBe(0);
    expect(r.calls.slice(0, 2)).toEqual([
      'rpm -Uvh https://sat.example/pub/katello-ca-consumer-latest.noarch.rpm',
      'subscription-manager register --activationkey=k --org=o',
    ]);
  });

  it('disable, or no REG_METHOD, runs nothing', async () => {
    for (const env of [{ REG_METHOD: 'disable' }, {}]) {
      const r = await run(REGISTER, env);
      expect(r.exitCode).toBe(0);
      expect(r.calls).toEqual([]);
    }
  });
});

describe('unregistration (finalise)', () => {
  it('unregisters and cleans a registered image, unless REG_HALT_UNREGISTER', async () => {
    expect((await run(UNREGISTER, { REG_METHOD: 'portal' })).calls).toEqual(['subscription-manager unregister', 'subscription-manager clean']);
    expect((await run(UNREGISTER, { REG_METHOD: 'satellite', REG_HALT_UNREGISTER: '1' })).calls).toEqual([]);
    expect((await run(UNREGISTER, { REG_METHOD: 'disable' })).calls).toEqual([]);
  });
});

describe('before the build', () => {
  it('refuses registrations subscription-manager cannot make, naming what is missing', () => {
    expect(registrationProblem({ REG_METHOD: 'portal', REG_USER: 'u' })).toContain('needs REG_USER and REG_PASSWORD, or REG_ACTIVATION_KEY');
    expect(registrationProblem({ REG_METHOD: 'portal', REG_ACTIVATION_KEY: 'k' })).toContain('needs REG_ORG');
    expect(registrationProblem({ REG_METHOD: 'satellite', REG_ACTIVATION_KEY: 'k', REG_ORG: 'o' })).toContain('needs REG_SAT_URL');
    expect(registrationProblem({ REG_METHOD: 'portal', REG_USER: 'u', REG_PASSWORD: 'p' })).toBeUndefined();
    expect(registrationProblem({})).toBeUndefined();
  });

  it("refuses upstream's RHEL 6/7 DIB_RHSM_* registration, naming the REG_* variable for each, and never a value", () => {
    const problem = registrationProblem({ DIB_RHSM_USER: 'ops', DIB_RHSM_PASSWORD: 'legacy-pw-9', DIB_RHSM_POOL: 'p1' });
    expect(problem).toBe(
      "DIB_RHSM_USER, DIB_RHSM_PASSWORD, DIB_RHSM_POOL: upstream's RHEL 6/7 registration, not read by this element; set REG_USER, REG_PASSWORD, REG_POOL_ID instead, with REG_METHOD=portal or satellite",
    );
    expect(registrationProblem({ DIB_RHSM_REPOS: 'a b', REG_METHOD: 'portal', REG_USER: 'u', REG_PASSWORD: 'p' })).toContain('REG_REPOS (comma-separated)');
  });

  it('the plan, as text and as JSON, shows the password and the activation key as ***', async () => {
    const plan = await planBuild(['rhel'], {
      searchRoots: [REPO],
      env: { REG_METHOD: 'portal', REG_PASSWORD: 'hunter2-pw', REG_ACTIVATION_KEY: 'ak-secret', REG_USER: 'ops' },
      image: { environment: { REG_PASSWORD: 'hunter2-pw' } },
    });
    expect(plan.environment.REG_PASSWORD).toBe('hunter2-pw');
    const shown = formatPlan(plan) + JSON.stringify(planToJson(plan));
    expect(shown).not.toContain('hunter2-pw');
    expect(shown).not.toContain('ak-secret');
    expect(shown).toContain('REG_PASSWORD=***');
    expect(shown).toContain('REG_USER=ops');
  });
});
