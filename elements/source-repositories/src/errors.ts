import { CommandError, defineErrors } from '@dib/core/element';

export const ERRORS = defineErrors({
  DIB_E_SOURCE_REPOSITORY_INVALID: {
    title: 'A source repository entry cannot be read',
    hint: 'Write each line as "<name> <git|tar|file|package> <destination> <location> [<ref>]" with an absolute destination, and set every variable the line names.',
  },
  DIB_E_SOURCE_REPOSITORY_DUPLICATE: {
    title: 'Two sources want the same destination in the image',
    hint: 'Give one of them another destination (DIB_REPO* overrides cannot move it), or leave one of the elements out of the build.',
  },
  DIB_E_SOURCE_REPOSITORY_FETCH: {
    title: 'A source could not be fetched',
    hint: 'Check the location (or its DIB_REPOLOCATION_<name> override, DIB_GITREPOBASE) is reachable from this host; the command output above says why it failed.',
  },
  DIB_E_SOURCE_REPOSITORY_REF_MISSING: {
    title: 'The git reference of a source does not exist',
    hint: 'Give a branch, tag or commit the repository has, in the source-repository line or with DIB_REPOREF_<name>.',
  },
  DIB_E_SOURCE_REPOSITORY_OFFLINE: {
    title: 'A source is not in the cache and the build is offline',
    hint: 'Build once without DIB_OFFLINE (or --offline) to fill the cache under DIB_IMAGE_CACHE/source-repositories, then build offline.',
  },
  DIB_E_SOURCE_REPOSITORY_TAR_PATH: {
    title: 'The directory a tar source names is not in the archive',
    hint: 'Use "." for the whole archive, "*" for the contents of its top-level directories, or a directory the archive has (tar -tf shows them).',
  },
});

/** A failed command's message with the last lines it printed, for errors that wrap it. */
export const failureText = (e: unknown): string => (e instanceof CommandError ? `${e.message}; ${e.tailText}` : (e as Error).message);
