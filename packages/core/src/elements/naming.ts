/**
 * Element shorthand -> npm package names, in the order they are tried:
 *   ubuntu           -> @dib/element-ubuntu, dib-element-ubuntu
 *   @acme/x          -> @acme/dib-element-x, @acme/x
 *   dib-element-x    -> dib-element-x
 *   @dib/element-x   -> @dib/element-x
 */
export function packageNamesFor(element: string): string[] {
  if (element.startsWith('@')) {
    const [scope, name = ''] = element.split('/');
    if (name.startsWith('dib-element-') || (scope === '@dib' && name.startsWith('element-'))) return [element];
    return [`${scope}/dib-element-${name}`, element];
  }
  if (element.startsWith('dib-element-')) return [element];
  return [`@dib/element-${element}`, `dib-element-${element}`];
}

/** The element name a package name stands for (inverse of packageNamesFor's first guess). */
export function elementNameOf(packageName: string): string {
  return packageName.replace(/^@dib\/element-/, '').replace(/^(@[^/]+\/)?dib-element-/, '$1');
}
