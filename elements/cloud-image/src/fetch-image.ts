/**
 * A distribution's cloud image in the image cache, proved to be the one its publisher
 * signed: the checksum file and its signature are revalidated (If-Modified-Since) on
 * every online build and checked with gpgv against the distribution's key; the image
 * is hashed before every use, downloaded (or resumed) only when the cached copy does not
 * match, and renamed to its final name only once it does. One lock per cached image.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { cache, ElementError, type HostHookContext } from '@dib/core/element';
import { parseSha256Sums } from './checksums.js';
import { download } from './download.js';
import { ERRORS } from './errors.js';
import { verifiedText, type ChecksumSignature } from './signature.js';
import { byVersion } from './versions.js';

export interface CloudImageSource {
  /** For messages: "Ubuntu noble amd64". */
  title: string;
  /** Directory under DIB_IMAGE_CACHE/cloud-images. */
  cacheName: string;
  /** Where the files are published (DIB_CLOUD_IMAGES), without a trailing slash. */
  baseUrl: string;
  /**
   * The image's name there (BASE_IMAGE_FILE); or a pattern, when the name carries a
   * build number only the checksum file knows (Fedora's): the newest name it lists that matches.
   */
  file: string | RegExp;
  /** The checksum file's name there (SHA256SUMS, Fedora-Cloud-43-1.6-x86_64-CHECKSUM). */
  checksums: string;
  /** How the checksum file is signed. */
  signature: ChecksumSignature;
  /** Keyring shipped with the distribution's element; DIB_CLOUD_IMAGE_KEYRING replaces it. */
  keyring: string;
}

/** The verified image file: DIB_LOCAL_IMAGE as given, or the cached download. */
export async function provideCloudImage(ctx: HostHookContext, source: CloudImageSource): Promise<string> {
  const local = ctx.env.DIB_LOCAL_IMAGE;
  if (local) {
    if (!existsSync(local) || !statSync(local).isFile()) {
      throw new ElementError(ERRORS.DIB_E_CLOUD_IMAGE_LOCAL_MISSING, `DIB_LOCAL_IMAGE=${local}: no such file`);
    }
    ctx.log(`using DIB_LOCAL_IMAGE ${local} (your own file: not checked against a published checksum)`);
    return local;
  }
  const verifySignature = (ctx.env.DIB_CLOUD_IMAGE_VERIFY ?? 'signature') === 'signature';
  const keyring = ctx.env.DIB_CLOUD_IMAGE_KEYRING || source.keyring;
  if (verifySignature && !keyring) {
    throw new ElementError(
      ERRORS.DIB_E_CLOUD_IMAGE_KEYRING,
      `no keyring to check ${source.title}'s ${source.checksums} with: set DIB_CLOUD_IMAGE_KEYRING to your mirror's key, or DIB_CLOUD_IMAGE_VERIFY=checksum to trust the checksum file unsigned`,
    );
  }
  if (verifySignature && !existsSync(keyring)) {
    throw new ElementError(ERRORS.DIB_E_CLOUD_IMAGE_KEYRING, `the keyring ${keyring} to check ${source.checksums} with does not exist`);
  }
  const dir = path.join(ctx.imageCache, 'cloud-images', source.cacheName);
  mkdirSync(dir, { recursive: true });
  // Checksum files of different mirrors never stand in for each other.
  const prefix = path.join(dir, `${cache.keyOf(source.baseUrl)}-`);
  const detached = typeof source.signature === 'object' ? source.signature.detached : undefined;
  const files: ChecksumFiles = { sums: `${prefix}${source.checksums}`, signature: detached ? { name: detached, cached: `${prefix}${detached}` } : undefined };
  const url = (name: string) => `${source.baseUrl}/${name}`;
  const trust = verifySignature ? keyring : undefined;

  // Every image of one mirror (amd64, arm64, ...) shares its checksum file: a lock of its own.
  const sumsText = await cache.withLock(files.sums, () =>
    ctx.offline ? cachedChecksums(ctx, source, files, trust) : freshChecksums(ctx, source, files, url, trust),
  );
  const [name, expected] = listedImage(parseSha256Sums(sumsText), source.file) ?? [];
  if (!name || !expected) {
    throw new ElementError(ERRORS.DIB_E_CLOUD_IMAGE_NOT_LISTED, `${url(source.checksums)} lists no ${source.file} (${source.title})`);
  }
  const image = path.join(dir, name);
  return cache.withLock(image, async () => {
    if (existsSync(image)) {
      if ((await cache.sha256File(image)) === expected) {
        ctx.log(`using cached ${image}: it matches the ${trust ? 'signed ' : ''}checksum ${expected}`);
        return image;
      }
      ctx.log(`cached ${image} does not match the checksum ${expected}: fetching it again`);
      if (ctx.offline) {
        throw new ElementError(ERRORS.DIB_E_CLOUD_IMAGE_OFFLINE, `--offline, and the cached ${image} does not match its checksum ${expected}`);
      }
    } else if (ctx.offline) {
      throw new ElementError(ERRORS.DIB_E_CLOUD_IMAGE_OFFLINE, `--offline, and ${source.title} is not cached (${image})`);
    }
    await fetchVerified(ctx, url(name), image, expected);
    return image;
  });
}

/** The listed name and checksum: the name itself, or the newest name matching the pattern. */
function listedImage(sums: Map<string, string>, file: string | RegExp): [string, string] | undefined {
  if (typeof file === 'string') return sums.has(file) ? [file, sums.get(file)!] : undefined;
  const newest = [...sums.keys()]
    .filter((n) => file.test(n))
    .sort(byVersion)
    .at(-1);
  return newest === undefined ? undefined : [newest, sums.get(newest)!];
}

/** The cached checksum file, and its detached signature (its name on the mirror, its cached copy) when there is one. */
type ChecksumFiles = { sums: string; signature?: { name: string; cached: string } };

/**
 * Downloads (or resumes) into IMAGE.partial and renames it once its hash is `expected`.
 * A resume that fails (a server without ranges) or gives a file that does not match is
 * tried once more from the start.
 */
async function fetchVerified(ctx: HostHookContext, url: string, image: string, expected: string): Promise<void> {
  const partial = `${image}.partial`;
  let resume = existsSync(partial);
  for (;;) {
    ctx.log(resume ? `resuming the download of ${url}` : `downloading ${url}`);
    try {
      await download(ctx, url, { to: partial, resume });
    } catch (e) {
      rmSync(partial, { force: true });
      if (!resume) throw e;
      ctx.log(`resuming failed (${(e as Error).message}): downloading it from the start`);
      resume = false;
      continue;
    }
    const actual = await cache.sha256File(partial);
    if (actual === expected) {
      renameSync(partial, image);
      return;
    }
    rmSync(partial, { force: true });
    if (!resume) {
      throw new ElementError(ERRORS.DIB_E_CLOUD_IMAGE_CHECKSUM, `${url} has sha256 ${actual}, but its signed checksum is ${expected}`);
    }
    ctx.log(`the resumed download does not match the checksum: downloading it from the start`);
    resume = false;
  }
}

/**
 * Online: the checksum file revalidated with If-Modified-Since; a new one (and its
 * signature) is cached only once verified, and the bytes verified are the ones used. A
 * cached pair that no longer verifies after a 304 is fetched again in full.
 */
async function freshChecksums(ctx: HostHookContext, source: CloudImageSource, files: ChecksumFiles, url: (n: string) => string, keyring?: string) {
  const sumsNew = `${files.sums}.new-${process.pid}`;
  const signature = files.signature;
  const signatureNew = signature && `${signature.cached}.new-${process.pid}`;
  try {
    // A detached signature must be cached too before a 304 can stand for both.
    const revalidate = !keyring || !signature || existsSync(signature.cached);
    if ((await download(ctx, url(source.checksums), { to: sumsNew, ifNewerThan: revalidate ? files.sums : undefined })) === 'not-modified') {
      ctx.log(`${source.checksums} not modified since it was cached (304): using the cached copy`);
      try {
        return await cachedChecksums(ctx, source, files, keyring);
      } catch (e) {
        if ((e as { code?: string }).code !== ERRORS.DIB_E_CLOUD_IMAGE_SIGNATURE.code) throw e;
        ctx.log(`the cached ${source.checksums} does not verify: fetching it again`);
        await download(ctx, url(source.checksums), { to: sumsNew });
      }
    }
    let text: string;
    if (keyring) {
      if (signature && signatureNew) await download(ctx, url(signature.name), { to: signatureNew });
      text = await verifiedText(ctx, keyring, sumsNew, signatureNew);
      ctx.log(`${source.checksums} is signed by a key in ${keyring}`);
      if (signature && signatureNew) renameSync(signatureNew, signature.cached);
    } else {
      text = readFileSync(sumsNew, 'utf8');
      ctx.log(`DIB_CLOUD_IMAGE_VERIFY=checksum: ${source.checksums} is used without checking its signature`);
      // A signature of an older checksum file must not be paired with this one later.
      if (signature) rmSync(signature.cached, { force: true });
    }
    renameSync(sumsNew, files.sums);
    return text;
  } finally {
    rmSync(sumsNew, { force: true });
    if (signatureNew) rmSync(signatureNew, { force: true });
  }
}

/** Offline (or after a 304): the cached checksum file, its signature checked again. */
async function cachedChecksums(ctx: HostHookContext, source: CloudImageSource, files: ChecksumFiles, keyring?: string) {
  const missing = [files.sums, ...(keyring && files.signature ? [files.signature.cached] : [])].filter((f) => !existsSync(f));
  if (missing.length) {
    throw new ElementError(ERRORS.DIB_E_CLOUD_IMAGE_OFFLINE, `--offline, and the cache has no ${missing.join(' or ')} for ${source.title}`);
  }
  if (!keyring) return readFileSync(files.sums, 'utf8');
  try {
    return await verifiedText(ctx, keyring, files.sums, files.signature?.cached);
  } catch (e) {
    // Never trusted again: the next online build fetches it afresh.
    rmSync(files.sums, { force: true });
    if (files.signature) rmSync(files.signature.cached, { force: true });
    throw e;
  }
}
