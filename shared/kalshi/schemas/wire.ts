/**
 * Wire primitives for Kalshi messages: zod *codecs*, so one schema both parses
 * wire JSON into internal units (`schema.parse`, `z.decode`) and encodes internal
 * values back into wire JSON (`z.encode`) — the simulator speaks the protocol
 * with the same definitions the client parses it with.
 *
 * The conversions are the ones of `shared/units.ts` (`dollarsToMicros`,
 * `countToCentis`): plain zod transforms cannot run backwards, so the unit
 * converters are wrapped here as codecs. Strings and JSON numbers are both
 * accepted on input; output is always the string form Kalshi emits.
 */
import * as z from 'zod';
import {
  type Centis,
  centisToCount,
  countToCentis,
  dollarsToMicros,
  MICROS_PER_CENT,
  type Micros,
  microsToDollars6,
  toFixedString,
} from '../../units.ts';

const wireNumber = z.union([z.string(), z.number()]);
const shown = (v: unknown) => JSON.stringify(v)?.slice(0, 40) ?? String(v);

/** A price in dollars ("0.5600", 0.56) ⇄ integer Micros; encodes with 4 decimals (what order requests accept). */
export const zPrice = z.codec(wireNumber, z.number().int(), {
  decode: (v, ctx): Micros => {
    const m = dollarsToMicros(v);
    if (m === null) {
      ctx.issues.push({ code: 'custom', message: `not a fixed-point dollar price: ${shown(v)}`, input: v });
      return z.NEVER;
    }
    return m;
  },
  // A price off the 4-decimal grid is emitted with 6 decimals rather than silently rounded.
  encode: (m: Micros) => (m % 100 === 0 ? toFixedString(m, 6, 4) : microsToDollars6(m)),
});

/** An amount of money in dollars ("0.043200") ⇄ integer Micros; encodes with 6 decimals. */
export const zMoney = z.codec(wireNumber, z.number().int(), {
  decode: (v, ctx): Micros => {
    const m = dollarsToMicros(v);
    if (m === null) {
      ctx.issues.push({ code: 'custom', message: `not a fixed-point dollar amount: ${shown(v)}`, input: v });
      return z.NEVER;
    }
    return m;
  },
  encode: (m: Micros) => microsToDollars6(m),
});

/** A contract count ("10.00", 10, "-5.00") ⇄ integer Centis; encodes with 2 decimals. */
export const zCountFp = z.codec(wireNumber, z.number().int(), {
  decode: (v, ctx): Centis => {
    const c = countToCentis(v);
    if (c === null) {
      ctx.issues.push({ code: 'custom', message: `not a fixed-point contract count: ${shown(v)}`, input: v });
      return z.NEVER;
    }
    return c;
  },
  encode: (c: Centis) => centisToCount(c),
});

/** A legacy integer-cents field (balance, portfolio_value) ⇄ Micros; encoding truncates toward zero, as Kalshi does. */
export const zCentsInt = z.codec(z.number().int(), z.number().int(), {
  decode: (c): Micros => c * MICROS_PER_CENT,
  encode: (m: Micros) => Math.trunc(m / MICROS_PER_CENT),
});

/** An ISO-8601 timestamp ⇄ epoch milliseconds. */
export const zIsoMs = z.codec(z.string(), z.number().int(), {
  decode: (s, ctx) => {
    const ms = Date.parse(s);
    if (!Number.isFinite(ms)) {
      ctx.issues.push({ code: 'custom', message: `not an ISO-8601 time: ${shown(s)}`, input: s });
      return z.NEVER;
    }
    return ms;
  },
  encode: (ms) => new Date(ms).toISOString(),
});

/** An optional ISO time where Kalshi sends "" or null for "not known yet" ⇄ epoch ms or null. */
export const zIsoMsOrNull = z.codec(z.string().nullable(), z.number().int().nullable(), {
  decode: (s, ctx) => {
    if (s === null || s === '') return null;
    const ms = Date.parse(s);
    if (!Number.isFinite(ms)) {
      ctx.issues.push({ code: 'custom', message: `not an ISO-8601 time: ${shown(s)}`, input: s });
      return z.NEVER;
    }
    return ms;
  },
  encode: (ms) => (ms === null ? null : new Date(ms).toISOString()),
});

/**
 * An enum Kalshi may extend: known values pass through, anything else becomes
 * `'unknown'` instead of rejecting a whole list response. Use only where an
 * unknown value is safe to treat as "not tradable" (market status, lifecycle events).
 */
export function zOpenEnum<const T extends readonly [string, ...string[]]>(values: T) {
  type Out = T[number] | 'unknown';
  const known = new Set<string>([...values, 'unknown']);
  return z.codec(
    z.string(),
    z.custom<Out>((v) => typeof v === 'string' && known.has(v), 'unexpected enum value'),
    {
      decode: (s): Out => (known.has(s) ? (s as Out) : 'unknown'),
      encode: (v: Out): string => v,
    },
  );
}

/** A `[price, count]` book level. */
export const zLevel = z.tuple([zPrice, zCountFp]);
export type Level = z.infer<typeof zLevel>;

export const zBookSide = z.enum(['bid', 'ask']);
export type BookSide = z.infer<typeof zBookSide>;
export const zOutcomeSide = z.enum(['yes', 'no']);
export type OutcomeSide = z.infer<typeof zOutcomeSide>;

/** Market ticker as Kalshi constrains it (AsyncAPI `^[A-Z0-9-]+$`; a few non-sports tickers carry `.`). */
export const zTicker = z.string().regex(/^[A-Za-z0-9._-]+$/, 'not a market ticker');

/** Encodes an internal value with a codec schema into wire JSON (pure; throws on a value the schema rejects). */
export function toWire<S extends z.ZodType>(schema: S, value: z.output<S>): z.input<S> {
  return z.encode(schema, value);
}

/** First issue of a zod error as `path: message`, naming the field. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}
