/**
 * One file over HTTP(S) with curl, as the host's other tools fetch (it honours
 * http_proxy/https_proxy and ~/.curlrc): retries, a stalled-transfer limit, resume
 * of an interrupted download, If-Modified-Since revalidation. The caller checks what
 * arrived before giving it its final name, and holds the cache entry's lock.
 */
import { existsSync, rmSync } from 'node:fs';
import { CommandError, ElementError, type HostHookContext } from '@dib/core/element';
import { ERRORS } from './errors.js';

export interface DownloadOptions {
  /** Where the body goes. */
  to: string;
  /** Send If-Modified-Since with this file's time (when it exists); a 304 writes nothing. */
  ifNewerThan?: string;
  /** Continue what an interrupted download left in `to` instead of starting over. */
  resume?: boolean;
}

/** curl exit statuses users meet, in words. */
const CURL_REASONS: Record<number, string> = {
  6: 'the host name did not resolve',
  7: 'the server refused the connection or is unreachable',
  22: 'the server answered with an HTTP error',
  28: 'the transfer timed out (no progress)',
  33: 'the server cannot resume a download (no byte ranges)',
  35: 'the TLS handshake failed',
  60: "the server's TLS certificate is not trusted",
};

export async function download(ctx: HostHookContext, url: string, options: DownloadOptions): Promise<'downloaded' | 'not-modified'> {
  const partial = options.to;
  if (!options.resume) rmSync(partial, { force: true });
  const args = ['--fail', '--location', '--silent', '--show-error', '--remote-time'];
  // Bounded: an unreachable or stalled mirror fails in minutes, not never.
  args.push('--retry', '3', '--retry-delay', '2', '--retry-connrefused', '--connect-timeout', '30', '--speed-limit', '1024', '--speed-time', '60');
  if (options.ifNewerThan && existsSync(options.ifNewerThan)) args.push('--time-cond', options.ifNewerThan);
  if (options.resume && existsSync(partial)) args.push('--continue-at', '-');
  args.push('--write-out', '%{http_code}', '--output', partial, url);
  let status: string;
  try {
    status = (await ctx.run('curl', args)).stdout.trim();
  } catch (e) {
    if (!(e instanceof CommandError)) throw e;
    const reason = (e.exitCode !== undefined && CURL_REASONS[e.exitCode]) || e.message;
    throw new ElementError(ERRORS.DIB_E_CLOUD_IMAGE_DOWNLOAD, `could not download ${url}: ${reason}`, { cause: e });
  }
  if (status === '304') {
    rmSync(partial, { force: true });
    return 'not-modified';
  }
  return 'downloaded';
}
