/**
 * Checksum files as distributions publish them: GNU coreutils lines
 * (`HASH *NAME` or `HASH  NAME`, Ubuntu's SHA256SUMS) and BSD-style lines
 * (`SHA256 (NAME) = HASH`, Fedora's CHECKSUM).
 */
export function parseSha256Sums(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split('\n')) {
    const gnu = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(line.trim());
    const bsd = /^SHA256 \((.+)\) = ([0-9a-fA-F]{64})$/.exec(line.trim());
    if (gnu) sums.set(gnu[2], gnu[1].toLowerCase());
    else if (bsd) sums.set(bsd[1], bsd[2].toLowerCase());
  }
  return sums;
}
