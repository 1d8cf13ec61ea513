import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const KEYS = fileURLToPath(new URL('../keys/', import.meta.url));

/**
 * Fedora's release keys, 41 to 47 (rsa4096, "Fedora (N) <fedora-N-primary@...>"), one
 * binary keyring for gpgv. Each release's CHECKSUM file is clearsigned with its key.
 */
export const FEDORA_KEYRING = path.join(KEYS, 'fedora-keyring.gpg');

/** The same keys armored, one file per release, as dnf's gpgkey= takes them (the packages are signed with them). */
export const fedoraRpmKeys = (): string[] =>
  readdirSync(KEYS)
    .filter((f) => /^RPM-GPG-KEY-fedora-\d+-primary$/.test(f))
    .sort()
    .map((f) => path.join(KEYS, f));
