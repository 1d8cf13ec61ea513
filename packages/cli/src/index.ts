/** Programmatic entry: run the dib CLI with an argument list and get its exit code. */
export { main, USAGE } from './main.js';
export { planConfigImages } from './plan-config.js';
export { CONTENT_VARIABLE_FORMS } from './variable-forms.js';
