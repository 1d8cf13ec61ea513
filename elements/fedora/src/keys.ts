import { fileURLToPath } from 'node:url';

/**
 * Fedora's release keys, 41 to 47 (rsa4096, "Fedora (N) <fedora-N-primary@...>"), one
 * binary keyring for gpgv. Each release's CHECKSUM file is clearsigned with its key.
 */
export const FEDORA_KEYRING = fileURLToPath(new URL('../keys/fedora-keyring.gpg', import.meta.url));
