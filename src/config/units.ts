// Durations ("500ms", "10s", "1m", "1h", "7d", or a number of milliseconds) and sizes ("512KiB",
// "1MiB", or a number of bytes): one grammar for the config file, the environment and `npm run token`.
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const SIZE = /^(\d+(?:\.\d+)?)(B|KiB|MiB|GiB)$/;
const BYTES = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 } as const;

export const DURATION_EXAMPLES = '500 (ms), "500ms", "10s" or "1m"';
export const SIZE_EXAMPLES = '1048576 (bytes), "512KiB" or "1MiB"';

/** Milliseconds, or undefined when `value` is not a duration. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const m = typeof value === 'string' ? DURATION.exec(value.trim()) : null;
  return m ? Number(m[1]) * MS[m[2] as keyof typeof MS] : undefined;
}

/** Bytes, or undefined when `value` is not a size. */
export function parseSize(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  const m = typeof value === 'string' ? SIZE.exec(value.trim()) : null;
  return m ? Math.round(Number(m[1]) * BYTES[m[2] as keyof typeof BYTES]) : undefined;
}
