/**
 * Exact integer units for money and size. Kalshi sends prices as fixed-point
 * dollar strings (up to 6 decimals) and counts as fixed-point contract strings
 * (2 decimals), sometimes as JSON numbers. They are converted here, once, at the
 * edge; nothing inside the system holds money as a float.
 *
 * - Micros: integer millionths of a dollar. $1 = 1_000_000, 1¢ = 10_000.
 * - Centis: integer hundredths of a contract. 1 contract = 100.
 */
import * as z from 'zod';

export type Micros = number;
export type Centis = number;

export const MICROS_PER_DOLLAR = 1_000_000;
export const MICROS_PER_CENT = 10_000;
export const CENTIS_PER_CONTRACT = 100;

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/** Parses a decimal string exactly into an integer scaled by 10^scale; null if not exact. */
export function parseFixed(text: string, scale: number): number | null {
  const m = DECIMAL.exec(text.trim());
  if (!m) return null;
  const [, sign, whole = '0', frac = ''] = m;
  const kept = frac.slice(0, scale).padEnd(scale, '0');
  if (/[1-9]/.test(frac.slice(scale))) return null; // more precision than the unit holds
  const value = Number(whole) * 10 ** scale + Number(kept || '0');
  if (!Number.isSafeInteger(value)) return null;
  return sign ? -value : value;
}

function numberToDecimal(n: number): string | null {
  if (!Number.isFinite(n)) return null;
  // toFixed(8) then trim keeps binary noise (0.1+0.2) from leaking into the exact parse.
  return n.toFixed(8).replace(/\.?0+$/, '');
}

export function toFixedString(value: number, scale: number, decimals: number): string {
  const neg = value < 0;
  const abs = Math.abs(value);
  const unit = 10 ** scale;
  const whole = Math.floor(abs / unit);
  const frac = String(abs % unit)
    .padStart(scale, '0')
    .slice(0, decimals);
  return `${neg ? '-' : ''}${whole}${decimals > 0 ? `.${frac}` : ''}`;
}

/** Dollar string or number → Micros. */
export function dollarsToMicros(v: string | number): Micros | null {
  const text = typeof v === 'number' ? numberToDecimal(v) : v;
  return text === null ? null : parseFixed(text, 6);
}

/** Contract-count string or number → Centis. */
export function countToCentis(v: string | number): Centis | null {
  const text = typeof v === 'number' ? numberToDecimal(v) : v;
  return text === null ? null : parseFixed(text, 2);
}

/** Micros → the 4-decimal dollar string Kalshi accepts in requests ("0.5600"). */
export function microsToDollars(m: Micros): string {
  if (m % 100 !== 0) throw new RangeError(`price ${m} micros has more than 4 decimals`);
  return toFixedString(m, 6, 4);
}

/** Micros → a 6-decimal dollar string (responses, reports). */
export function microsToDollars6(m: Micros): string {
  return toFixedString(m, 6, 6);
}

/** Centis → Kalshi's 2-decimal count string ("10.00"). */
export function centisToCount(c: Centis): string {
  return toFixedString(c, 2, 2);
}

/** Value of `count` contracts at `price`: exact for whole contracts, rounded half away from zero otherwise. */
export function notionalMicros(price: Micros, count: Centis): Micros {
  const raw = (price * count) / CENTIS_PER_CONTRACT;
  return Math.sign(raw) * Math.round(Math.abs(raw));
}

/** zod: a dollar amount on the wire (string, or a number where Kalshi sends one) → Micros. */
export const zDollars = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const micros = dollarsToMicros(v);
  if (micros === null) {
    ctx.addIssue({
      code: 'custom',
      message: `not a fixed-point dollar amount: ${JSON.stringify(v).slice(0, 40)}`,
    });
    return z.NEVER;
  }
  return micros;
});

/** zod: a contract count on the wire → Centis. */
export const zCount = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const centis = countToCentis(v);
  if (centis === null) {
    ctx.addIssue({
      code: 'custom',
      message: `not a fixed-point contract count: ${JSON.stringify(v).slice(0, 40)}`,
    });
    return z.NEVER;
  }
  return centis;
});

/** zod: an integer number of cents (the few legacy fields) → Micros. */
export const zCents = z
  .number()
  .int()
  .transform((c) => c * MICROS_PER_CENT);
