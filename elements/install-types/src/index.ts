import { defineElement } from '@dib/core/element';

export default defineElement({
  name: 'install-types',
  description:
    'Links install.d/<prefix>-<type>-install/* into install.d for the install type chosen per prefix (DIB_INSTALLTYPE_<prefix>, else DIB_DEFAULT_INSTALLTYPE)',
});
