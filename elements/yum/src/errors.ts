import { defineErrors } from '@dib/core/element';

export const ERRORS = defineErrors({
  DIB_E_YUM_REPO_CONF: {
    title: 'A repository file named by DIB_YUM_REPO_CONF cannot be used',
    hint: 'DIB_YUM_REPO_CONF is a space-separated list of .repo files on the build host; check each path exists and ends in .repo.',
  },
});
