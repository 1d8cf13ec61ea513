import { defineElement } from '@dib/core/element';
import { ERRORS } from './errors.js';
import { fetchSources } from './fetch-sources.js';

export { cacheEntry, CACHE_DIR } from './cache-entry.js';
export { DESTINATIONS_FILE } from './fetch-sources.js';
export { parseLine, rebase, variableName, withOverrides, type Source, type SourceType } from './source.js';

export default defineElement({
  name: 'source-repositories',
  description:
    'Fetches the git repositories, tarballs and files elements declare (source-repository-* files, sourceRepositories) into the image, cached under the image cache',
  dependencies: ['cache-url', 'manifests', 'package-installs'],
  env: {
    DIB_GITREPOBASE: { description: 'Base URL that replaces scheme://host/ of every git location not overridden by DIB_REPOLOCATION_<name>' },
    NO_SOURCE_REPOSITORIES: { description: 'Non-empty: fetch nothing (an element may set it in environment.d where fetching is not allowed)' },
  },
  // Scripts that build from the fetched trees (pbr, pip install of a clone) need git in the image.
  packages: { git: null },
  pkgMap: { family: { redhat: { git: 'git-core' }, suse: { git: 'git-core' }, gentoo: { git: 'dev-vcs/git' } } },
  hostTools: [
    { anyOf: ['git'], apt: 'git', why: 'cloning git sources into the cache and the image' },
    { anyOf: ['tar'], apt: 'tar', why: 'extracting tar sources' },
  ],
  errors: ERRORS,
  hooks: { 'extra-data': [{ name: '98-source-repositories', run: fetchSources }] },
});
