import { defineErrors } from '@dib/core/element';

export const ERRORS = defineErrors({
  DIB_E_PACKAGE_CONDITION_UNSET: {
    title: "A package's when: condition names a variable that is not set",
    hint: "Set the variable (export it, or put it in the config's environment), give it a default in an environment.d file of the element, or change the condition.",
  },
});
