import { defineElement } from '@dib/core/element';

export default defineElement({
  name: 'base',
  description: 'What every image gets: packages up to date, package-installs, and per-machine identity reset for first boot',
  dependencies: ['package-installs'],
  env: {
    DIB_AVOID_PACKAGES_UPDATE: { description: 'Skip upgrading the installed packages at install ("1")', default: '0' },
  },
});
