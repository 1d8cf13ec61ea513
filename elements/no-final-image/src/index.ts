import { defineElement } from '@dib/core/element';

export default defineElement({
  name: 'no-final-image',
  description: 'Marks a build whose product some element makes itself: no disk format (raw, qcow2, ...) is made from the tree',
  noFinalImage: true,
});
