/** The install type the build ends up with, checked once every environment.d has run. */
import { ElementError, type HostHookContext } from '@dib/core/element';
import { ERRORS, SOURCE_REFUSED } from './errors.js';

/**
 * root, before the base tree is made. The variable's schema refuses "source" from the
 * caller; this catches an environment.d fragment setting it (as diskimage-builder's own
 * test elements do), which would otherwise leave the image without pip, silently.
 */
export function checkInstallType(ctx: HostHookContext): void {
  const type = ctx.env.DIB_INSTALLTYPE_pip_and_virtualenv ?? 'package';
  if (type !== 'package') {
    throw new ElementError(
      ERRORS.DIB_E_PIP_AND_VIRTUALENV_SOURCE,
      `DIB_INSTALLTYPE_pip_and_virtualenv=${JSON.stringify(type)} after environment.d: ${SOURCE_REFUSED}`,
    );
  }
  ctx.log('pip and virtualenv come from distribution packages');
}
