/**
 * The aggregation's fast path (memoised date formatting and parsing, Shin in
 * closed form for two outcomes and by bracketed Newton for more, no spreads
 * per book line) is the reference implementation it replaced (kept in
 * reference-aggregate.ts / reference-devig.ts, Shin by bisection): same
 * drops, same details, same theos — to the bit under multiplicative and power
 * de-vig (the weighted sums, dispersion and effective books add in the
 * reference's order), within 1e-9 under Shin (the solvers stop at different
 * points within their tolerance) — on random responses — decimal and American
 * prices, ISO and epoch stamps, stale, future and unreadable stamps, draws,
 * duplicate books and outcomes, placeholders and outliers — under every de-vig
 * method. Shin's iteration count is the solver's own and not compared.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeTheos, TheoConfigSchema } from '../../../shared/odds/aggregate.ts';
import { DEVIG_METHODS, devig } from '../../../shared/odds/devig.ts';
import type { EventOdds } from '../../../shared/odds/schemas.ts';
import * as reference from './reference-aggregate.ts';
import { devig as referenceDevig } from './reference-devig.ts';

/**
 * Paths where `actual` and `expected` differ: numbers by more than `tolerance`
 * (absolute; the values compared are probabilities, weights and solver
 * parameters of order 1), anything else by strict equality, same keys.
 */
function differences(actual: unknown, expected: unknown, tolerance: number, path = ''): string[] {
  if (typeof actual === 'number' && typeof expected === 'number') {
    if (Object.is(actual, expected) || Math.abs(actual - expected) <= tolerance) return [];
    return [`${path}: ${actual} vs ${expected}`];
  }
  if (typeof actual !== 'object' || typeof expected !== 'object' || actual === null || expected === null) {
    return Object.is(actual, expected) ? [] : [`${path}: ${String(actual)} vs ${String(expected)}`];
  }
  if (Array.isArray(actual) !== Array.isArray(expected)) return [`${path}: array vs not`];
  const a = actual as Record<string, unknown>;
  const e = expected as Record<string, unknown>;
  const keys = Object.keys(e);
  if (Object.keys(a).join() !== keys.join()) return [`${path}: keys ${Object.keys(a)} vs ${keys}`];
  return keys.flatMap((k) => differences(a[k], e[k], tolerance, `${path}.${k}`));
}

/** A de-vig result without Shin's iteration count (closed form: 0; Newton: ~5; bisection: ~45). */
function withoutIterations(r: ReturnType<typeof devig>): unknown {
  if (!r.ok || r.method !== 'shin') return r;
  const { iterations: _, ...rest } = r;
  return rest;
}

const AS_OF = Date.parse('2026-11-25T00:00:00Z');
const BOOKS = ['pinnacle', 'draftkings', 'fanduel', 'betmgm', 'caesars', 'kalshi', 'book7', 'constructor'];

const stamp = fc.oneof(
  {
    arbitrary: fc.integer({ min: 0, max: 20 * 60 }).map((s) => new Date(AS_OF - s * 1000).toISOString()),
    weight: 6,
  },
  // ISO, with and without milliseconds, up to 90 min old or 5 min ahead
  fc.integer({ min: -5 * 60, max: 90 * 60 }).map((s) => new Date(AS_OF - s * 1000).toISOString()),
  fc
    .integer({ min: -5 * 60, max: 90 * 60 })
    .map((s) => new Date(AS_OF - s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')),
  fc.integer({ min: -5 * 60, max: 90 * 60 }).map((s) => Math.floor(AS_OF / 1000) - s),
  fc.constant('2026-02-30T00:00:00Z'),
  fc.constant(9e15),
);

/** A price near a fair probability with a book's vig (mostly sane), or junk. */
function priceArb(american: boolean, p: number): fc.Arbitrary<number> {
  const sane = fc
    .tuple(fc.double({ min: 1, max: 1.12, noNaN: true }), fc.double({ min: -0.03, max: 0.03, noNaN: true }))
    .map(([vig, noise]) => {
      const q = Math.min(0.97, Math.max(0.02, p + noise)) * vig;
      const decimal = Math.round((1 / q) * 100) / 100;
      if (!american) return decimal;
      return decimal >= 2 ? Math.round((decimal - 1) * 100) : Math.round(-100 / (decimal - 1));
    });
  const junk = american ? fc.constantFrom(0, 50, -99, 100) : fc.constantFrom(1, 1.001, 0, -3, 1e9);
  return fc.oneof({ arbitrary: sane, weight: 12 }, { arbitrary: junk, weight: 1 });
}

function eventArb(american: boolean): fc.Arbitrary<EventOdds> {
  return fc.double({ min: 0.05, max: 0.9, noNaN: true }).chain((pHome) => {
    const pDraw = 0.05;
    const outcomes = fc.oneof(
      {
        arbitrary: fc.tuple(priceArb(american, pHome), priceArb(american, 1 - pHome)).map(([h, a]) => [
          { name: 'Home', price: h },
          { name: 'Away', price: a },
        ]),
        weight: 10,
      },
      {
        arbitrary: fc
          .tuple(
            priceArb(american, pHome - pDraw),
            priceArb(american, 1 - pHome - pDraw),
            priceArb(american, pDraw),
          )
          .map(([h, a, d]) => [
            { name: 'Home', price: h },
            { name: 'Away', price: a },
            { name: 'Draw', price: d },
          ]),
        weight: 2,
      },
      {
        arbitrary: fc.array(
          fc.record({
            name: fc.constantFrom('Home', 'Away', 'Draw', 'Other'),
            price: priceArb(american, 0.5),
          }),
          { maxLength: 4 },
        ),
        weight: 1,
      },
    );
    const market = fc.record(
      { key: fc.constantFrom('h2h', 'h2h', 'h2h', 'h2h', 'spreads'), last_update: stamp, outcomes },
      { requiredKeys: ['key', 'outcomes'] },
    );
    const markets = fc.oneof(
      { arbitrary: market.map((m) => [m]), weight: 8 },
      { arbitrary: fc.array(market, { maxLength: 2 }), weight: 1 },
    );
    const book = (key: string) =>
      fc.record(
        { key: fc.constant(key), title: fc.constant('t'), last_update: stamp, markets },
        { requiredKeys: ['key', 'title', 'markets'] },
      );
    const books = fc
      .tuple(fc.subarray(BOOKS), fc.array(fc.constantFrom(...BOOKS), { maxLength: 1 }))
      .chain(([keys, dup]) => fc.tuple(...[...keys, ...dup].map(book)));
    return fc.record({
      id: fc.constant('evt'),
      sport_key: fc.constantFrom('basketball_nba', 'basketball_nba', 'soccer_epl'),
      commence_time: fc.oneof(
        { arbitrary: fc.constant(new Date(AS_OF + 3_600_000).toISOString()), weight: 8 },
        { arbitrary: stamp, weight: 1 },
      ),
      home_team: fc.oneof(
        { arbitrary: fc.constant('Home'), weight: 10 },
        { arbitrary: fc.constantFrom('Away', 'Draw'), weight: 1 },
      ),
      away_team: fc.constant('Away'),
      bookmakers: books,
    });
  });
}

describe('odds aggregation: fast path ≡ reference', () => {
  it('property: computeTheos returns what the reference returns (to the bit; Shin within 1e-9)', () => {
    fc.assert(
      fc.property(
        fc
          .boolean()
          .chain((american) =>
            fc.tuple(fc.constant(american), fc.array(eventArb(american), { minLength: 1, maxLength: 4 })),
          ),
        fc.constantFrom(...DEVIG_METHODS),
        fc.constantFrom(null, 0.05, 0.25),
        ([american, events], method, outlier) => {
          const config = TheoConfigSchema.parse({ method, outlierMaxLogitDistance: outlier });
          const input = { asOf: AS_OF, oddsFormat: american ? 'american' : 'decimal', config } as const;
          const diff = differences(
            computeTheos(events, input),
            reference.computeTheos(events, input),
            method === 'shin' ? 1e-9 : 0,
          );
          expect(diff).toEqual([]);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('property: Shin on two-way books (closed form, or Newton where it does not apply) is the reference within 1e-9', () => {
    // Any favourite from 0.1 % to 99.9 %, margins from none to 30 %, and the same with a looser
    // tolerance, where the reference's bisection stops up to that far from the root.
    fc.assert(
      fc.property(
        fc.double({ min: 0.001, max: 0.999, noNaN: true }),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.constantFrom(undefined, 1e-16, 1e-12, 1e-9),
        (p, margin, split, tolerance) => {
          const implied = [p + margin * split, 1 - p + margin * (1 - split)];
          const options = tolerance === undefined ? {} : { tolerance };
          const fast = devig(implied, 'shin', options);
          const ref = referenceDevig(implied, 'shin', options);
          const within = Math.max(1e-9, 10 * (tolerance ?? 0));
          expect(differences(withoutIterations(fast), withoutIterations(ref), within)).toEqual([]);
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('property: power and multiplicative de-vig return the reference result to the bit, Shin within 1e-9', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.01, max: 0.99, noNaN: true }), { minLength: 1, maxLength: 5 }),
        fc.constantFrom(...DEVIG_METHODS),
        (implied, method) => {
          const fast = devig(implied, method);
          const ref = referenceDevig(implied, method);
          if (method === 'shin')
            expect(differences(withoutIterations(fast), withoutIterations(ref), 1e-9)).toEqual([]);
          else expect(fast).toStrictEqual(ref);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
