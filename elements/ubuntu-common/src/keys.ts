/**
 * Ubuntu's public signing keys, shipped with the package so a build trusts only them:
 * the cloud images' checksum key ("UEC Image Automatic Signing Key",
 * D2EB44626FDDC30B513D5BB71A5D6C4C7DB87C81) and the archive key (2018,
 * F6ECB3762474EDA9D21B7022871920D1991BC93C). Binary keyrings, as gpgv and apt read them.
 */
import path from 'node:path';

const KEYS = path.resolve(import.meta.dirname, '../keys');
export const UBUNTU_CLOUD_IMAGE_KEYRING = path.join(KEYS, 'ubuntu-cloudimage-keyring.gpg');
export const UBUNTU_ARCHIVE_KEYRING = path.join(KEYS, 'ubuntu-archive-keyring.gpg');
