import { defineErrors } from '@dib/core/element';

export const ERRORS = defineErrors({
  DIB_E_INIT_SCRIPTS_INVALID: {
    title: "An element's init-scripts directory is not laid out by init system",
    hint: 'Put each file under init-scripts/systemd/, init-scripts/openrc/, init-scripts/sysv/ or init-scripts/upstart/ of the element.',
  },
  DIB_E_INIT_SCRIPTS_COLLISION: {
    title: 'Two elements ship the same init script',
    hint: 'Rename the file in one of the elements, or leave one of them out of the build: the image can hold only one file of that name.',
  },
});
