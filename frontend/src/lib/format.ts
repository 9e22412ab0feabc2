/**
 * Number, money and time formatting. Everything goes through Intl with the browser's locale,
 * so a plant in Germany sees `1.234,5 kWh` and one in the US `1,234.5 kWh`; times are always
 * shown in the factory's time zone, not the browser's, because shifts and tariffs follow
 * the plant's clock.
 */

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function numberFormat(options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `n${JSON.stringify(options)}`;
  let format = cache.get(key) as Intl.NumberFormat | undefined;
  if (!format) {
    format = new Intl.NumberFormat(undefined, options);
    cache.set(key, format);
  }
  return format;
}

function dateFormat(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d${JSON.stringify(options)}`;
  let format = cache.get(key) as Intl.DateTimeFormat | undefined;
  if (!format) {
    format = new Intl.DateTimeFormat(undefined, options);
    cache.set(key, format);
  }
  return format;
}

export const NO_VALUE = '—';

/**
 * Readings with as many decimals as they deserve: 12,346 kWh, 230.4 V, 49.98 Hz, 0.932.
 * Meters report far more digits than anyone can read off a screen.
 */
export function formatNumber(value: number | null | undefined, maximumFractionDigits?: number): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NO_VALUE;
  const abs = Math.abs(value);
  const digits =
    maximumFractionDigits ?? (abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 1 ? 2 : abs === 0 ? 0 : 3);
  return numberFormat({ maximumFractionDigits: digits }).format(value);
}

/** A reading with its unit, e.g. `12.5 kW`; a unitless value (power factor) stands alone. */
export function formatValue(
  value: number | null | undefined,
  unit?: string | null,
  maximumFractionDigits?: number,
): string {
  const text = formatNumber(value, maximumFractionDigits);
  if (text === NO_VALUE || !unit) return text;
  return unit === '%' ? `${text}%` : `${text} ${unit}`;
}

export function formatCurrency(value: number | null | undefined, currency: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NO_VALUE;
  try {
    return numberFormat({ style: 'currency', currency }).format(value);
  } catch {
    // An unknown code must not take the page down; show the amount with the code.
    return `${formatNumber(value, 2)} ${currency}`;
  }
}

export function formatPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return NO_VALUE;
  return numberFormat({ style: 'percent', maximumFractionDigits: 0 }).format(ratio);
}

function toDate(value: string | number | Date): Date {
  return value instanceof Date ? value : new Date(value);
}

/** Date and time in the factory's zone, e.g. `Mar 4, 2026, 14:05:09`. */
export function formatDateTime(value: string | number | Date, timeZone: string, seconds = false): string {
  return dateFormat({
    timeZone,
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: seconds ? '2-digit' : undefined,
    hourCycle: 'h23',
  }).format(toDate(value));
}

export function formatDate(value: string | number | Date, timeZone: string): string {
  return dateFormat({ timeZone, year: 'numeric', month: 'short', day: 'numeric' }).format(toDate(value));
}

export function formatTime(value: string | number | Date, timeZone: string, seconds = false): string {
  return dateFormat({
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    second: seconds ? '2-digit' : undefined,
    hourCycle: 'h23',
  }).format(toDate(value));
}

const HOUR = 3600;
const DAY = 24 * HOUR;

/**
 * Tick labels for a time axis spanning `spanSeconds`: clock times within a day, weekday and
 * time over a few days, dates beyond.
 */
export function formatAxisTime(value: number, timeZone: string, spanSeconds: number): string {
  if (spanSeconds <= 2 * 60) return formatTime(value, timeZone, true);
  if (spanSeconds <= 1.5 * DAY) return formatTime(value, timeZone);
  if (spanSeconds <= 3 * DAY) {
    return dateFormat({
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(value);
  }
  return dateFormat({ timeZone, month: 'short', day: 'numeric' }).format(value);
}

/** Whole seconds into `12 s`, `5 min`, `3 h 20 min`, `4 d`. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  if (s < 60) return `${s} s`;
  if (s < HOUR) return `${Math.floor(s / 60)} min`;
  if (s < DAY) {
    const minutes = Math.floor((s % HOUR) / 60);
    return minutes ? `${Math.floor(s / HOUR)} h ${minutes} min` : `${Math.floor(s / HOUR)} h`;
  }
  return `${Math.floor(s / DAY)} d`;
}

/** `just now`, `42 s ago`, `5 min ago`, … ; `never` for a device that never reported. */
export function formatAgo(value: string | number | Date | null | undefined, now: number = Date.now()): string {
  if (value === null || value === undefined) return 'never';
  const seconds = (now - toDate(value).getTime()) / 1000;
  // A clock a little ahead of ours is still "now", not "in 2 s".
  if (seconds < 5) return 'just now';
  return `${formatDuration(seconds)} ago`;
}

export function titleCase(text: string): string {
  return text
    .split('_')
    .map((word, i) => (i === 0 ? word.charAt(0).toUpperCase() + word.slice(1) : word))
    .join(' ');
}
