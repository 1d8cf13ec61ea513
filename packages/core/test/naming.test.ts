import { describe, expect, it } from 'vitest';
import { elementNameOf, packageNamesFor } from '@dib/core';

describe('packageNamesFor: element shorthand -> npm package names, in the order tried', () => {
  it('a plain name tries @dib/element-NAME, then dib-element-NAME', () => {
    expect(packageNamesFor('ubuntu')).toEqual(['@dib/element-ubuntu', 'dib-element-ubuntu']);
  });

  it("a scoped name tries the scope's dib-element- package, then the name itself", () => {
    expect(packageNamesFor('@acme/x')).toEqual(['@acme/dib-element-x', '@acme/x']);
  });

  it('full package names are used unchanged', () => {
    expect(packageNamesFor('dib-element-x')).toEqual(['dib-element-x']);
    expect(packageNamesFor('@dib/element-ubuntu')).toEqual(['@dib/element-ubuntu']);
    expect(packageNamesFor('@acme/dib-element-x')).toEqual(['@acme/dib-element-x']);
  });
});

describe('elementNameOf: package name -> element name', () => {
  it('strips @dib/element- and dib-element-, keeping a third-party scope', () => {
    expect(elementNameOf('@dib/element-ubuntu')).toBe('ubuntu');
    expect(elementNameOf('dib-element-x')).toBe('x');
    expect(elementNameOf('@acme/dib-element-x')).toBe('@acme/x');
  });

  it('is the inverse of the first package name packageNamesFor tries', () => {
    for (const name of ['ubuntu', 'debian-minimal', '@acme/x']) expect(elementNameOf(packageNamesFor(name)[0])).toBe(name);
  });

  it('leaves a package that is not named like an element unchanged', () => {
    expect(elementNameOf('left-pad')).toBe('left-pad');
    expect(elementNameOf('@acme/x')).toBe('@acme/x');
  });
});
