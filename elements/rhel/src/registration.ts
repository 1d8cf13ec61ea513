/**
 * The REG_* variables checked before anything is downloaded or built, so a registration
 * that cannot work fails in a second, not after the image was unpacked.
 */
import { ElementError, type HostHookContext } from '@dib/core/element';
import { ERRORS } from './errors.js';

export function registrationProblem(env: Readonly<Record<string, string>>): string | undefined {
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
