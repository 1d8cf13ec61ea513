/**
 * Sizes as DIB writes them: a number of bytes, or a number with a unit. KiB/MiB/GiB/TiB
 * (and K/M/G/T) are binary; KB/MB/GB/TB are decimal. "NN%" is a share of what remains.
 */
const UNITS: Record<string, number> = {
  '': 1,
  B: 1,
  K: 1024,
  KIB: 1024,
  M: 1024 ** 2,
  MIB: 1024 ** 2,
  G: 1024 ** 3,
  GIB: 1024 ** 3,
  T: 1024 ** 4,
  TIB: 1024 ** 4,
  KI: 1024,
  MI: 1024 ** 2,
  GI: 1024 ** 3,
  TI: 1024 ** 4,
  KB: 1000,
  MB: 1000 ** 2,
  GB: 1000 ** 3,
  TB: 1000 ** 4,
};

export const SIZE_PATTERN = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]i?B?|B)?\s*$/i;

/** Bytes for an absolute size, or undefined when the text is not one. */
export function parseSize(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) && text >= 0 ? Math.floor(text) : undefined;
  const m = SIZE_PATTERN.exec(text);
  if (!m) return undefined;
  const unit = (m[2] ?? '').toUpperCase();
  const factor = UNITS[unit];
  return factor === undefined ? undefined : Math.floor(Number(m[1]) * factor);
}

export type PartitionSize = { bytes: number } | { percent: number };

export function parsePartitionSize(text: string | number): PartitionSize | undefined {
  if (typeof text === 'string') {
    const pct = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(text);
    if (pct) {
      const percent = Number(pct[1]);
      return percent > 0 && percent <= 100 ? { percent } : undefined;
    }
  }
  const bytes = parseSize(text);
  return bytes === undefined || bytes === 0 ? undefined : { bytes };
}

export const MiB = 1024 ** 2;
export const alignUp = (n: number, to: number) => Math.ceil(n / to) * to;
export const formatBytes = (n: number) => (n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(2)} GiB` : `${(n / MiB).toFixed(1)} MiB`);
