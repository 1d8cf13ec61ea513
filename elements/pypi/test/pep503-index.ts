/**
 * A PyPI mirror for tests, with no network and no build tools: a pure-python wheel made
 * by hand, laid out as a PEP 503 "simple" index directory, and a loopback HTTP server for
 * it. The directory works as a file:// index too (pip reads a directory's index.html),
 * so it can also be copied to DIB_IMAGE_CACHE/pypi/mirror for a real build.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { serveDirectory } from '@dib/testing';

export interface WheelSpec {
  /** Distribution name as users type it (`dib-probe`). */
  name: string;
  version: string;
  /** Importable module name; the normalized name with `_` by default. */
  module?: string;
  /** Source of `MODULE/__init__.py`. */
  source?: string;
}

export interface BuiltIndex {
  /** The index root: `index.html` and one directory per project. Point pip at it (file://, or serveIndex). */
  dir: string;
  /** Wheel files, by project, as written under `dir/PROJECT/`. */
  wheels: Record<string, string>;
}

/** PEP 503's normalized project name. */
export const normalizeName = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

const b64sha256 = (data: Buffer) => createHash('sha256').update(data).digest('base64url');

/** Writes one wheel into `dir` and returns its path. */
export function buildWheel(dir: string, spec: WheelSpec): string {
  const dist = normalizeName(spec.name).replace(/-/g, '_');
  const module = spec.module ?? dist;
  const info = `${dist}-${spec.version}.dist-info`;
  const files: [string, Buffer][] = [
    [`${module}/__init__.py`, Buffer.from(spec.source ?? `VERSION = ${JSON.stringify(spec.version)}\n`)],
    [`${info}/METADATA`, Buffer.from(`Metadata-Version: 2.1\nName: ${spec.name}\nVersion: ${spec.version}\n`)],
    [`${info}/WHEEL`, Buffer.from('Wheel-Version: 1.0\nGenerator: dib-pep503-index\nRoot-Is-Purelib: true\nTag: py3-none-any\n')],
  ];
  const record = [...files.map(([n, d]) => `${n},sha256=${b64sha256(d)},${d.length}`), `${info}/RECORD,,`, ''].join('\n');
  files.push([`${info}/RECORD`, Buffer.from(record)]);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${dist}-${spec.version}-py3-none-any.whl`);
  writeFileSync(file, storedZip(files));
  return file;
}

/** Builds a wheel per spec and the index pages for them under `dir`. */
export function buildIndex(dir: string, specs: WheelSpec[]): BuiltIndex {
  const wheels: Record<string, string> = {};
  const byProject = new Map<string, WheelSpec[]>();
  for (const s of specs) byProject.set(normalizeName(s.name), [...(byProject.get(normalizeName(s.name)) ?? []), s]);
  const page = (title: string, links: string[]) =>
    `<!DOCTYPE html>\n<html><head><meta name="pypi:repository-version" content="1.0"><title>${title}</title></head><body>\n${links.join('\n')}\n</body></html>\n`;
  for (const [project, versions] of byProject) {
    const projectDir = path.join(dir, project);
    const links = versions.map((s) => {
      const file = buildWheel(projectDir, s);
      wheels[project] = file;
      const name = path.basename(file);
      return `<a href="${name}#sha256=${createHash('sha256').update(readFileSync(file)).digest('hex')}">${name}</a>`;
    });
    writeFileSync(path.join(projectDir, 'index.html'), page(`Links for ${project}`, links));
  }
  writeFileSync(
    path.join(dir, 'index.html'),
    page(
      'Simple index',
      [...byProject.keys()].map((p) => `<a href="${p}/">${p}</a>`),
    ),
  );
  return { dir, wheels };
}

export interface ServedIndex {
  /** The index URL, with a trailing slash: `http://127.0.0.1:PORT/simple/` for a directory named simple. */
  url: string;
  /** Paths requested so far, in order (`/simple/dib-probe/`). */
  requests: string[];
  close(): Promise<void>;
}

/** Serves an index directory read-only at http://127.0.0.1:RANDOM/<its name>/ (a directory answers with its index.html). */
export async function serveIndex(dir: string): Promise<ServedIndex> {
  const server = await serveDirectory(path.dirname(dir));
  return {
    url: server.hostUrl(`${path.basename(dir)}/`),
    get requests() {
      return server.requests.map((r) => `/${r}`);
    },
    close: () => server.close(),
  };
}

/** A zip archive of `files`, uncompressed (method 0): all a wheel needs. */
function storedZip(files: [string, Buffer][]): Buffer {
  const DOS_DATE_1980_01_01 = 0x21;
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of files) {
    const nameBytes = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(DOS_DATE_1980_01_01, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x0314, 4); // made by: unix, 2.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(DOS_DATE_1980_01_01, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // external attributes: a regular file, rw-r--r--
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}
