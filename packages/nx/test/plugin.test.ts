/**
 * The plugin's inference, called as Nx calls it (createNodesV2 with workspace-relative
 * config files), on workspaces written to a temp directory: projects, targets, inputs and
 * outputs per image, and the refusals a user would hit.
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { createDependencies, createNodesV2 } from '@dib/nx';
import { useTempDirs } from '../../core/test/helpers.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const FIXTURE = path.join(REPO, 'test/fixtures/nx-workspace');
const tempDir = useTempDirs();

type Projects = Record<
  string,
  { name: string; targets: Record<string, { inputs?: unknown[]; outputs?: string[]; command?: string; metadata?: { description?: string } }> }
>;

async function infer(workspaceRoot: string, files: string[], options: unknown = {}): Promise<Projects> {
  const [, createNodes] = createNodesV2;
  const results = await createNodes(files, options as never, { workspaceRoot, nxJsonConfiguration: {} });
  return Object.assign({}, ...results.map(([, r]) => r.projects)) as Projects;
}

/** The fixture's three images, in a fresh workspace. */
function workspace(): string {
  const dir = tempDir();
  cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

describe('@dib/nx: projects inferred from a config file', () => {
  it('makes one project per image under .dib/, with an image and an image-plan target', async () => {
    const projects = await infer(workspace(), ['images/dib.config.json']);
    expect(Object.keys(projects).sort()).toEqual(['images/.dib/api', 'images/.dib/db', 'images/.dib/web']);
    const web = projects['images/.dib/web'];
    expect(web.name).toBe('web');
    expect(web.targets.image.command).toBe('dib create web --config dib.config.json --json');
    expect(web.targets['image-plan'].command).toBe('dib create web --config dib.config.json --dry-run');
    expect(web.targets['image-plan'].inputs).toEqual([{ fileset: '{workspaceRoot}/images/dib.config.json' }]);
  });

  it("hashes a JSON config by the image's own entry, and each element it uses, and nothing of the others'", async () => {
    const projects = await infer(workspace(), ['images/dib.config.json']);
    const inputs = projects['images/.dib/api'].targets.image.inputs;
    expect(inputs).toContainEqual({ json: '{workspaceRoot}/images/dib.config.json', fields: ['images.api', 'elementsPath', 'logfile'] });
    expect(inputs).toContainEqual({ fileset: '{workspaceRoot}/images/elements/tiny-os/**/*' });
    expect(inputs).toContainEqual({ fileset: '{workspaceRoot}/images/elements/api-role/**/*' });
    expect(inputs).not.toContainEqual({ fileset: '{workspaceRoot}/images/elements/shared/**/*' });
    // No lockfile, so no npm package can be named; the empty list keeps Nx from hashing them all.
    expect(inputs).toContainEqual({ externalDependencies: [] });
    // A variable the shared element reads is an input of the images with it only; a script's loop variable is not.
    expect(projects['images/.dib/web'].targets.image.inputs).toContainEqual({ env: 'SHARED_GREETING' });
    expect(inputs).not.toContainEqual({ env: 'SHARED_GREETING' });
    expect(inputs).not.toContainEqual({ env: 'f' });
    expect(inputs).not.toContainEqual({ env: 'DIB_IMAGE_CACHE' });
    // dib create's own variables that make another image: ARCH=arm64, DIB_CHECKSUM=1, ...
    for (const name of ['ARCH', 'DIB_IMAGE_SIZE', 'DIB_CHECKSUM']) expect(inputs).toContainEqual({ env: name });
  });

  it('names dib and the element packages by their lockfile entries when there is a lockfile', async () => {
    const dir = workspace();
    writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify({ packages: { '': {}, 'node_modules/@dib/cli': {}, 'node_modules/@dib/core': {} } }));
    const projects = await infer(dir, ['images/dib.config.json']);
    expect(projects['images/.dib/web'].targets.image.inputs).toContainEqual({ externalDependencies: ['@dib/cli', '@dib/core'] });
  });

  it('hashes a YAML config whole (Nx reads fields of JSON only), and leaves an output outside the workspace uncached, saying so', async () => {
    const dir = tempDir();
    const outside = tempDir();
    cpSync(path.join(FIXTURE, 'images/elements'), path.join(dir, 'elements'), { recursive: true });
    writeFileSync(
      path.join(dir, 'dib.config.yaml'),
      `elementsPath: [elements]\nimages:\n  solo:\n    elements: [tiny-os]\n    skipBase: true\n    types: [tar]\n    output: ${outside}/solo\n`,
    );
    const projects = await infer(dir, ['dib.config.yaml'], { targetName: 'disk', projectPrefix: 'img-' });
    const solo = projects['.dib/solo'];
    expect(solo.name).toBe('img-solo');
    expect(solo.targets.disk.inputs).toContainEqual({ fileset: '{workspaceRoot}/dib.config.yaml' });
    expect(solo.targets.disk.outputs).toEqual([]);
    // A cache hit could not bring the image back, so the target is not cached at all.
    expect(solo.targets.disk.cache).toBe(false);
    expect(solo.targets.disk.metadata?.description).toContain(`not cached, since a cache could not restore ${outside}/solo.tar`);
  });

  it('hashes an element directory outside the workspace with a runtime digest that changes with its files', async () => {
    const dir = tempDir();
    const outside = tempDir();
    cpSync(path.join(FIXTURE, 'images/elements/tiny-os'), path.join(outside, 'tiny-os'), { recursive: true });
    writeFileSync(
      path.join(dir, 'dib.config.json'),
      JSON.stringify({ elementsPath: [outside], images: { solo: { elements: ['tiny-os'], skipBase: true, types: ['tar'] } } }),
    );
    const inputs = (await infer(dir, ['dib.config.json']))['.dib/solo'].targets.image.inputs as { runtime?: string }[];
    const runtime = inputs.find((i) => i.runtime)?.runtime;
    expect(runtime).toContain(`cd ${path.join(outside, 'tiny-os')} &&`);
    const digest = async () => (await execa('bash', ['-c', runtime!])).stdout;
    const first = await digest();
    expect(first).toMatch(/^[0-9a-f]{64}/);
    writeFileSync(path.join(outside, 'tiny-os/root.d/10-tiny'), '#!/bin/bash\ntrue\n');
    expect(await digest()).not.toBe(first);
  });

  it("plans with dib create's variable forms: DIB_CHECKSUM=1 adds the checksum files to the outputs", async () => {
    const dir = workspace();
    const saved = { ARCH: process.env.ARCH, DIB_CHECKSUM: process.env.DIB_CHECKSUM };
    process.env.DIB_CHECKSUM = '1';
    try {
      const web = (await infer(dir, ['images/dib.config.json']))['images/.dib/web'];
      expect(web.targets.image.outputs).toContain('{workspaceRoot}/images/out/web.tar.sha256');
    } finally {
      for (const [k, v] of Object.entries(saved))
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
    }
  });

  it('a config file without images gives no project', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'dib.config.json'), '{"images":{}}');
    expect(await infer(dir, ['dib.config.json'])).toEqual({});
  });
});

describe('@dib/nx: refusals', () => {
  it('two config files with an image of the same name: both files named, and the way out', async () => {
    const dir = workspace();
    mkdirSync(path.join(dir, 'more'));
    cpSync(path.join(dir, 'images/dib.config.json'), path.join(dir, 'more/dib.config.json'));
    cpSync(path.join(dir, 'images/elements'), path.join(dir, 'more/elements'), { recursive: true });
    await expect(infer(dir, ['images/dib.config.json', 'more/dib.config.json'])).rejects.toThrow(
      /the image "web" of more\/dib.config.json and the one of images\/dib.config.json would both be the project "web".*projectPrefix/,
    );
  });

  it('a config naming an element that does not exist: the file, the error code and the element', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'dib.config.json'), '{"images":{"x":{"elements":["no-such-element"],"skipBase":true}}}');
    await expect(infer(dir, ['dib.config.json'])).rejects.toThrow(/^@dib\/nx: dib.config.json: DIB_E_ELEMENT_NOT_FOUND: .*no-such-element/);
  });

  it("options that are not the plugin's: named, with the key", async () => {
    await expect(infer(workspace(), ['images/dib.config.json'], { target: 'x' })).rejects.toThrow(
      /@dib\/nx: the plugin's options in nx.json are not valid: .*"target"/,
    );
  });
});

describe('@dib/nx: dependencies', () => {
  it('an image depends on the workspace projects of the element packages it uses', async () => {
    const deps = await createDependencies({}, {
      projects: {
        web: { root: 'images/.dib/web', metadata: { dib: { elementPackageRoots: ['elements/hello'] } } },
        'dib-element-hello': { root: 'elements/hello' },
      },
      externalNodes: {},
      nxJsonConfiguration: {},
      fileMap: { projectFileMap: {}, nonProjectFiles: [] },
      filesToProcess: { projectFileMap: {}, nonProjectFiles: [] },
      workspaceRoot: '/w',
    } as never);
    expect(deps).toEqual([{ source: 'web', target: 'dib-element-hello', type: 'implicit' }]);
  });
});
