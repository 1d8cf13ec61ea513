import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ManifestSchema, resolveEnvironment, type ElementManifestInput, type ResolvedElement } from '@dib/core';
import { dibError } from './helpers.js';

/** A resolved element made from a manifest (no files needed: the environment reads manifests only). */
const element = (manifest: Omit<ElementManifestInput, 'description'>): ResolvedElement => ({
  name: manifest.name,
  manifest: ManifestSchema.parse({ description: `${manifest.name} element`, ...manifest }),
  directory: `/nonexistent/${manifest.name}`,
  source: { kind: 'directory', path: `/nonexistent/${manifest.name}` },
  reasons: ['requested'],
});

const myos = element({
  name: 'myos',
  env: {
    MY_VAR: { description: 'A documented variable', default: 'from-default' },
    MY_OTHER: { description: 'Documented, no default' },
    MY_RELEASE: { description: 'Release codename', default: 'stable', schema: z.string().regex(/^[a-z]+$/, 'a lower-case codename') },
  },
});

describe('resolveEnvironment', () => {
  it('passes DIB_* and documented variables from the caller, drops everything else', () => {
    const { values } = resolveEnvironment([myos], {}, { FOO: 'dropped', HOME: '/root', DIB_X: 'kept', MY_OTHER: 'kept too', ELEMENTS_PATH: '/x' });
    expect(values).toEqual({ MY_VAR: 'from-default', MY_RELEASE: 'stable', DIB_X: 'kept', MY_OTHER: 'kept too' });
    expect(values).not.toHaveProperty('FOO');
    expect(values).not.toHaveProperty('HOME');
  });

  it('passes proxy settings and TERM through', () => {
    const { values } = resolveEnvironment([], {}, { http_proxy: 'http://p:3128', HTTPS_PROXY: 'http://q', no_proxy: 'localhost', TERM: 'xterm', PATH: '/bin' });
    expect(values).toEqual({ http_proxy: 'http://p:3128', HTTPS_PROXY: 'http://q', no_proxy: 'localhost', TERM: 'xterm' });
  });

  it('a variable documented by no element in the build is dropped even if another element would document it', () => {
    const { values } = resolveEnvironment([element({ name: 'plain' })], {}, { MY_VAR: 'x' });
    expect(values).toEqual({});
  });

  it('precedence: element default < config file < caller environment, and says where each value came from', () => {
    const onlyDefault = resolveEnvironment([myos], {}, {});
    expect(onlyDefault.values.MY_VAR).toBe('from-default');
    expect(onlyDefault.origins.MY_VAR).toBe('element default');

    const fromConfig = resolveEnvironment([myos], { MY_VAR: 'from-config' }, {});
    expect(fromConfig.values.MY_VAR).toBe('from-config');
    expect(fromConfig.origins.MY_VAR).toBe('config file');

    const fromCaller = resolveEnvironment([myos], { MY_VAR: 'from-config' }, { MY_VAR: 'from-caller' });
    expect(fromCaller.values.MY_VAR).toBe('from-caller');
    expect(fromCaller.origins.MY_VAR).toBe('environment');
  });

  it("the first element in build order sets a shared variable's default", () => {
    const a = element({ name: 'a', env: { SHARED: { description: 'shared', default: 'from-a' } } });
    const b = element({ name: 'b', env: { SHARED: { description: 'shared', default: 'from-b' } } });
    expect(resolveEnvironment([a, b], {}, {}).values.SHARED).toBe('from-a');
    expect(resolveEnvironment([b, a], {}, {}).values.SHARED).toBe('from-b');
  });

  it("a value the variable's schema rejects is DIB_E_ENV_INVALID naming the variable, its origin and the element", async () => {
    const err = await dibError(() => resolveEnvironment([myos], {}, { MY_RELEASE: 'Not-Valid' }));
    expect(err.code).toBe('DIB_E_ENV_INVALID');
    expect(err.message).toBe('MY_RELEASE="Not-Valid" (from environment): a lower-case codename');
    expect(err.location).toEqual({ element: 'myos', key: 'MY_RELEASE' });
    expect(err.hint).toContain('Release codename');
    expect(err.hint).toContain('Fix or unset MY_RELEASE');
    expect(err.format()).toContain('at: element myos, key MY_RELEASE');
  });

  it('a bad value from the config file is reported with origin "config file"', async () => {
    const err = await dibError(() => resolveEnvironment([myos], { MY_RELEASE: '123' }, {}));
    expect(err.code).toBe('DIB_E_ENV_INVALID');
    expect(err.message).toMatch(/^MY_RELEASE="123" \(from config file\): /);
  });

  it('a valid value passes the schema', () => {
    expect(resolveEnvironment([myos], {}, { MY_RELEASE: 'trixie' }).values.MY_RELEASE).toBe('trixie');
  });
});
