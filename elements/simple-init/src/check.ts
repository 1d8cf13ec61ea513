/** What simple-init supports, checked at root once every environment.d has run. */
import { ElementError, type HostHookContext } from '@dib/core/element';
import { distroFromEnv } from '@dib/element-pkg-map';
import { ERRORS } from './errors.js';

/** Variables of diskimage-builder's glean install: accepted, and said to be unused. */
const GLEAN_VARIABLES = ['DIB_INSTALLTYPE_simple_init', 'DIB_REPOLOCATION_glean', 'DIB_REPOREF_glean'];
const isGleanVariable = (name: string) => GLEAN_VARIABLES.includes(name) || name.startsWith('DIB_SIMPLE_INIT_GLEAN_');

/** The backend install.d/50-simple-init will set up, or an ElementError when it cannot. */
export function backendFor(env: Readonly<Record<string, string | undefined>>): 'ifupdown' | 'networkmanager' {
  const init = env.DIB_INIT_SYSTEM;
  if (init !== undefined && init !== 'systemd') {
    throw new ElementError(ERRORS.DIB_E_SIMPLE_INIT_UNSUPPORTED, `DIB_INIT_SYSTEM=${init}: simple-init starts from a systemd unit only`);
  }
  if ((env.DIB_SIMPLE_INIT_NETWORKMANAGER ?? '0') !== '0') return 'networkmanager';
  const { distro, family } = distroFromEnv(env as Record<string, string>);
  if (family !== 'debian') {
    throw new ElementError(
      ERRORS.DIB_E_SIMPLE_INIT_UNSUPPORTED,
      `DIB_SIMPLE_INIT_NETWORKMANAGER=0 asks for ifupdown, which ${distro || 'this distribution'} (family ${family || 'unknown'}) does not have`,
    );
  }
  return 'ifupdown';
}

export function checkSimpleInit(ctx: HostHookContext): void {
  const backend = backendFor(ctx.env);
  for (const name of Object.keys(ctx.env).filter(isGleanVariable).sort()) {
    ctx.log(`${name} is set: it chooses how glean is installed, and dib's simple-init uses no glean; ignored`);
  }
  ctx.log(`the network will be configured at boot with ${backend === 'ifupdown' ? 'ifupdown' : 'NetworkManager'}`);
}
