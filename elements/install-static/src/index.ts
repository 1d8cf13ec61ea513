import { defineElement } from '@dib/core/element';

export default defineElement({
  name: 'install-static',
  description: 'Copies the static/ directory of every element of the build into the image, owned by root, modes and links kept',
  dependencies: ['package-installs'],
  // GNU tar does the copy; Debian and Ubuntu have it already (Essential), minimal images of other families may not.
  packages: { tar: null },
});
