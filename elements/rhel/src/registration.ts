/**
 * The REG_* variables checked before anything is downloaded or built, so a registration
 * that cannot work fails in a second, not after the image was unpacked.
 */
import { ElementError, type HostHookContext } from '@dib/core/element';
import { ERRORS } from './errors.js';

/**
 * Upstream's RHEL 6 and 7 registration (rhel-common's 00-rhsm), which this element does
 * not run: the REG_* variable to set instead of each.
 */
const LEGACY_RHSM: Readonly<Record<string, string>> = {
  DIB_RHSM_USER: 'REG_USER',
  DIB_RHSM_PASSWORD: 'REG_PASSWORD',
  DIB_RHSM_POOL: 'REG_POOL_ID',
  DIB_RHSM_REPOS: 'REG_REPOS (comma-separated)',
  DIB_SAT_KEY: 'REG_ACTIVATION_KEY with REG_ORG',
  DIB_SAT_URL: 'REG_SAT_URL with REG_METHOD=satellite',
  DIB_REG_TYPE: 'REG_METHOD',
};

export function registrationProblem(env: Readonly<Record<string, string>>): string | undefined {
  // Refused rather than ignored: ignored, the build would go on unregistered.
  const legacy = Object.keys(LEGACY_RHSM).filter((name) => env[name]);
  if (legacy.length > 0) {
    return `${legacy.join(', ')}: upstream's RHEL 6/7 registration, not read by this element; set ${legacy.map((n) => LEGACY_RHSM[n]).join(', ')} instead, with REG_METHOD=portal or satellite`;
  }
  const method = env.REG_METHOD;
  if (method !== 'portal' && method !== 'satellite') return undefined;
  const byKey = !!env.REG_ACTIVATION_KEY;
  const byPassword = !!env.REG_USER && !!env.REG_PASSWORD;
  if (!byKey && !byPassword) return `REG_METHOD=${method} needs REG_USER and REG_PASSWORD, or REG_ACTIVATION_KEY`;
  if (byKey && !env.REG_ORG) return 'REG_ACTIVATION_KEY needs REG_ORG, the organisation the key belongs to';
  if (method === 'satellite' && !env.REG_SAT_URL) return 'REG_METHOD=satellite needs REG_SAT_URL, the Satellite to register with';
  return undefined;
}

export function checkRegistration(ctx: HostHookContext): void {
  const problem = registrationProblem(ctx.env);
  if (problem) throw new ElementError(ERRORS.DIB_E_RHEL_REGISTRATION, problem);
  if (ctx.env.REG_METHOD === 'portal' || ctx.env.REG_METHOD === 'satellite') {
    ctx.log(`rhel: the image will be registered (REG_METHOD=${ctx.env.REG_METHOD}) for the build and unregistered at finalise`);
  }
}
