import { defineErrors } from '@dib/core/element';

/** Why the source install type is refused, for the variable's schema and the error alike. */
export const SOURCE_REFUSED =
  "dib's pip-and-virtualenv installs only from distribution packages (package); the source install (get-pip.py over the packaged pip) is not supported";

export const ERRORS = defineErrors({
  DIB_E_PIP_AND_VIRTUALENV_SOURCE: {
    title: 'pip-and-virtualenv cannot install from source',
    hint: 'Set DIB_INSTALLTYPE_pip_and_virtualenv=package (the default), or remove the environment.d line that sets it to source; to get a newer pip, create a virtualenv and run its pip install -U pip.',
  },
});
