import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
  it("takes an element's default for the build's architecture over its plain default", () => {
    const console = element({
      name: 'console',
      env: { MY_CONSOLE: { description: 'Serial console', default: 'ttyS0,115200', defaultByArch: { arm64: 'ttyAMA0,115200' } } },
    });
    expect(resolveEnvironment([console], {}, {}, 'arm64').values.MY_CONSOLE).toBe('ttyAMA0,115200');
    expect(resolveEnvironment([console], {}, {}, 'amd64').values.MY_CONSOLE).toBe('ttyS0,115200');
    expect(resolveEnvironment([console], {}, { MY_CONSOLE: 'hvc0' }, 'arm64').values.MY_CONSOLE).toBe('hvc0');
  });

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

describe('caller variables a classic element reads', () => {
  /** A classic element directory whose files are written now, so the scan has something to read. */
  const classic = (name: string, files: Record<string, string>): ResolvedElement => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dib-reads-'));
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
    }
    return { ...element({ name }), directory: dir, source: { kind: 'directory', path: dir } };
  };
  const rhelLike = classic('rhel-like', {
    'pre-install.d/00-register':
      '#!/bin/bash\nset -u\nif [ -n "${REG_USER:-}" ]; then\n  subscription-manager register --username "$REG_USER"\nfi\necho $HOME $PATH\n',
    'extra-data.d/10-mirror':
      '#!/usr/bin/python3\nimport os\nurls = [k for k in os.environ if k.startswith("PYPI_MIRROR_URL")]\nbase = os.environ.get("BASE_IMAGE_FILE")\n',
    'package-installs.yaml': 'ipa-extra:\n  when: IPA_FAMILY = debian\n',
  });
  const host = {
    REG_USER: 'alice',
    BASE_IMAGE_FILE: 'noble.squashfs',
    PYPI_MIRROR_URL: 'http://127.0.0.1:8080/simple',
    PYPI_MIRROR_URL_1: 'http://127.0.0.1:8081/simple',
    IPA_FAMILY: 'debian',
    AWS_SECRET_ACCESS_KEY: 'not for images',
    REG: 'a shorter name nobody reads',
    HOME: '/root',
    PATH: '/usr/bin',
  };

  it('reach the hooks: names in scripts, python os.environ reads, prefixes scanned for, when: conditions', () => {
    const { values, origins } = resolveEnvironment([rhelLike], {}, host);
    expect(values).toMatchObject({
      REG_USER: 'alice',
      BASE_IMAGE_FILE: 'noble.squashfs',
      PYPI_MIRROR_URL: 'http://127.0.0.1:8080/simple',
      PYPI_MIRROR_URL_1: 'http://127.0.0.1:8081/simple',
      IPA_FAMILY: 'debian',
    });
    expect(origins.REG_USER).toBe('environment');
  });

  it('a host variable no element names stays out, and so do the shell variables scripts mention ($HOME, $PATH)', () => {
    const { values } = resolveEnvironment([rhelLike], {}, host);
    expect(values).not.toHaveProperty('AWS_SECRET_ACCESS_KEY');
    expect(values).not.toHaveProperty('REG');
    expect(values).not.toHaveProperty('HOME');
    expect(values).not.toHaveProperty('PATH');
  });

  it('only classic elements in the build count: without the element, its variables stay out', () => {
    const { values } = resolveEnvironment([element({ name: 'plain' })], {}, host);
    expect(values).toEqual({});
  });
});
