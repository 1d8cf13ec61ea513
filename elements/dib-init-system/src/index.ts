import { defineElement } from '@dib/core/element';
import { z } from 'zod';
import { collectInitScripts } from './collect-init-scripts.js';
import { ERRORS } from './errors.js';
import { INIT_SYSTEM_NAMES } from './init-systems.js';

export { collectInitScripts, INIT_SCRIPTS_DIR } from './collect-init-scripts.js';
export { INIT_SYSTEM_NAMES, isInitSystem, type InitSystem } from './init-systems.js';

export default defineElement({
  name: 'dib-init-system',
  description: "DIB_INIT_SYSTEM for the image's init system, and every element's init-scripts/<INIT_SYSTEM>/ files installed where that init system reads them",
  env: {
    // No default: the operating-system element says (debian-minimal: systemd); when nothing does, environment.d looks at the image.
    DIB_INIT_SYSTEM: {
      description: "The image's init system (systemd, openrc, sysv or upstart); set by the operating-system element, else detected from the image",
      schema: z.enum(INIT_SYSTEM_NAMES),
    },
  },
  errors: ERRORS,
  hooks: { 'extra-data': [{ name: '20-dib-init-system-scripts', run: collectInitScripts }] },
});
