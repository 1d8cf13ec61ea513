/** The datasource list as the element reads it, and the early check that it was given. */
import { ElementError, type HostHookContext } from '@dib/core/element';
import { ERRORS } from './errors.js';

/**
 * A cloud-init datasource name (its class name without "DataSource": Ec2, NoCloud,
 * ConfigDrive, OpenStack, None, ...), so the value can go into YAML unquoted.
 */
export const DATASOURCE_LIST = /^\s*[A-Za-z][A-Za-z0-9]*(\s*,\s*[A-Za-z][A-Za-z0-9]*)*\s*$/;

/**
 * root, before the base tree is made: a build without a list would fail only at install,
 * in the chroot, minutes later. ctx.env has every environment.d applied, so a list an
 * element exports there (simple-init exports "None") counts.
 */
export function checkDatasources(ctx: HostHookContext): void {
  const list = ctx.env.DIB_CLOUD_INIT_DATASOURCES ?? '';
  if (!list.trim()) {
    throw new ElementError(
      ERRORS.DIB_E_CLOUD_INIT_DATASOURCES_UNSET,
      'the cloud-init-datasources element needs DIB_CLOUD_INIT_DATASOURCES, and it is empty or unset',
    );
  }
  if (!DATASOURCE_LIST.test(list)) {
    throw new ElementError(
      ERRORS.DIB_E_CLOUD_INIT_DATASOURCES_INVALID,
      `DIB_CLOUD_INIT_DATASOURCES=${JSON.stringify(list)} (as environment.d left it) is not a comma-separated list of datasource names`,
    );
  }
  ctx.log(`cloud-init will query only: ${list.trim()}`);
}
