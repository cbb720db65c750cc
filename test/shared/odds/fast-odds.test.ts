import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { syntheticOddsResponse } from '../../../bench/odds-aggregation.ts';
import { fastEventOdds, parseOddsResponseFast } from '../../../shared/odds/fast-odds.ts';
import { EventOddsSchema, parseOddsResponseLenient } from '../../../shared/odds/schemas.ts';

// ---------------------------------------------------------------- generators

const isoTime = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2040-01-01T00:00:00Z'), noInvalidDate: true })
  .chain((d) =>
    fc.constantFrom(
      d.toISOString(),
      d.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      d.toISOString().replace(/Z$/, '+02:00'),
    ),
  );
/** Stamps zod accepts and some it refuses (no offset, a date only, garbage), and epoch seconds. */
const oddsTime = fc.oneof(
  { weight: 6, arbitrary: isoTime },
  {
    weight: 1,
    arbitrary: fc.constantFrom('2026-11-25T00:00:00', '2026-11-25', 'soon', '', '2026-02-30T00:00:00Z'),
  },
  { weight: 1, arbitrary: fc.oneof(fc.nat(), fc.integer({ min: -5, max: -1 }), fc.double()) },
);
const name = fc.oneof(fc.constantFrom('Home', 'Away', 'Draw'), fc.string({ maxLength: 6 }));
const extra = fc.dictionary(fc.constantFrom('sid', 'link', 'x', '__proto__', 'rotation'), fc.jsonValue(), {
  maxKeys: 2,
});

const outcome = fc
  .tuple(
    fc.record(
      {
        name,
        price: fc.oneof(fc.double({ min: 1, max: 20, noNaN: true }), fc.integer({ min: -500, max: 500 })),
        point: fc.double({ noNaN: true, noDefaultInfinity: true }),
        description: fc.string({ maxLength: 4 }),
      },
      { requiredKeys: ['name', 'price'] },
    ),
    extra,
  )
  .map(([o, x]) => ({ ...x, ...o }));
const market = fc
  .tuple(
    fc.record(
      {
        key: fc.constantFrom('h2h', 'spreads', ''),
        last_update: oddsTime,
        outcomes: fc.array(outcome, { maxLength: 3 }),
      },
      { requiredKeys: ['key', 'outcomes'] },
    ),
    extra,
  )
  .map(([m, x]) => ({ ...x, ...m }));
const bookmaker = fc.record(
  {
    key: fc.constantFrom('pinnacle', 'draftkings', 'fanduel', ''),
    title: fc.string({ maxLength: 5 }),
    last_update: oddsTime,
    markets: fc.array(market, { maxLength: 2 }),
  },
  { requiredKeys: ['key', 'title', 'markets'] },
);
const event = fc
  .tuple(
    fc.record(
      {
        id: fc.string({ minLength: 0, maxLength: 8 }),
        sport_key: fc.constantFrom('basketball_nba', 'soccer_epl'),
        sport_title: fc.string({ maxLength: 4 }),
        commence_time: oddsTime,
        home_team: fc.constantFrom('Home', ''),
        away_team: fc.constantFrom('Away'),
        bookmakers: fc.array(bookmaker, { maxLength: 4 }),
      },
      { requiredKeys: ['id', 'sport_key', 'commence_time', 'home_team', 'away_team', 'bookmakers'] },
    ),
    extra,
  )
  .map(([e, x]) => ({ ...x, ...e }));

/** Values a wrong field might hold, including ones JSON cannot carry. */
const junk = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(undefined, Number.NaN, Number.POSITIVE_INFINITY, -0, Object.create(null), new Date(0), [1]),
);

/** Replaces (or deletes) the value at a random path of a JSON-like value. */
function mutate(root: unknown, choices: number[], replacement: unknown, remove: boolean): unknown {
  const copy = structuredClone(root);
  let node: unknown = copy;
  for (const c of choices) {
    if (typeof node !== 'object' || node === null) break;
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const key = keys[c % keys.length]!;
    const child = (node as Record<string, unknown>)[key];
    // Stop here (and replace) on a coin flip, or at a leaf.
    if (typeof child !== 'object' || child === null || c % 3 === 0) {
      if (remove) delete (node as Record<string, unknown>)[key];
      else (node as Record<string, unknown>)[key] = replacement;
      return copy;
    }
    node = child;
  }
  return replacement;
}

/** Fast's promise: null, or exactly zod's output (same values, same keys in the same order). */
function expectFastAgreesWithZod(input: unknown): 'fast' | 'zod' {
  const fast = fastEventOdds(input);
  const zod = EventOddsSchema.safeParse(input);
  if (fast === null) return 'zod';
  expect(zod.success).toBe(true);
  expect(fast).toStrictEqual(zod.data);
  expect(JSON.stringify(fast)).toBe(JSON.stringify(zod.data));
  return 'fast';
}

// ---------------------------------------------------------------- properties

describe('fastEventOdds', () => {
  it('accepts only what EventOddsSchema accepts, and returns exactly its output', () => {
    const seen = { fast: 0, zod: 0 };
    fc.assert(
      fc.property(event, (e) => {
        seen[expectFastAgreesWithZod(e)]++;
      }),
      { numRuns: 3_000 },
    );
    // Not vacuous: most generated events carry some field zod refuses, yet hundreds take the fast path.
    expect(seen.fast).toBeGreaterThan(100);
    expect(seen.zod).toBeGreaterThan(100);
  });

  it('on events with one field mutated or removed, never accepts what zod refuses', () => {
    fc.assert(
      fc.property(
        event,
        fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
        junk,
        fc.boolean(),
        (e, path, value, remove) => {
          expectFastAgreesWithZod(mutate(e, path, value, remove));
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it('takes the fast path on a realistic poll (50 games × 40 books) and strips unknown keys', () => {
    const body = syntheticOddsResponse(50, 40, Date.parse('2026-11-25T00:00:00Z')) as Record<
      string,
      unknown
    >[];
    body[0]!['links'] = { self: 'x' };
    for (const e of body) expect(expectFastAgreesWithZod(e)).toBe('fast');
    expect(fastEventOdds(body[0])).not.toHaveProperty('links');
  });

  it('defers what it cannot vouch for to zod: epoch-second stamps, a present-but-undefined key', () => {
    const e = syntheticOddsResponse(1, 2, Date.parse('2026-11-25T00:00:00Z'))[0] as Record<string, unknown>;
    expect(fastEventOdds({ ...e, commence_time: 1_790_000_000 })).toBeNull();
    expect(EventOddsSchema.safeParse({ ...e, commence_time: 1_790_000_000 }).success).toBe(true);
    expect(fastEventOdds({ ...e, sport_title: undefined })).toBeNull();
    expect(
      fastEventOdds({ ...e, bookmakers: [{ key: 'b', title: 'B', markets: [], last_update: undefined }] }),
    ).toBeNull();
  });
});

describe('parseOddsResponseFast', () => {
  it('returns what parseOddsResponseLenient returns: the same events, the same rejections and messages', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            event,
            event.chain((e) =>
              fc
                .tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), junk, fc.boolean())
                .map(([p, v, r]) => mutate(e, p, v, r)),
            ),
          ),
          { maxLength: 6 },
        ),
        (body) => {
          expect(parseOddsResponseFast(body)).toStrictEqual(parseOddsResponseLenient(body));
        },
      ),
      { numRuns: 1_000 },
    );
    expect(parseOddsResponseFast({ message: 'x' })).toStrictEqual(parseOddsResponseLenient({ message: 'x' }));
  });
});

describe('parseOddsResponseFast on an owned body (the client hands over its own JSON.parse)', () => {
  it('returns exactly what zod returns, same keys in the same order, on generated and mutated bodies', () => {
    let kept = 0;
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            event,
            event.chain((e) =>
              fc
                .tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), junk, fc.boolean())
                .map(([p, v, r]) => mutate(e, p, v, r)),
            ),
          ),
          { maxLength: 6 },
        ),
        (generated) => {
          // As on the wire: JSON text (undefined keys vanish, `__proto__` becomes an own key) parsed afresh.
          const text = JSON.stringify(generated);
          if (text === undefined) return;
          const body: unknown = JSON.parse(text);
          const owned = parseOddsResponseFast(body, { owned: true });
          const zod = parseOddsResponseLenient(JSON.parse(text));
          expect(owned).toStrictEqual(zod);
          expect(JSON.stringify(owned)).toBe(JSON.stringify(zod));
          if (owned.ok && Array.isArray(body))
            kept += owned.value.events.filter((e) => (body as unknown[]).includes(e)).length;
        },
      ),
      { numRuns: 1_000 },
    );
    // Not vacuous: some events came back as the body's own objects.
    expect(kept).toBeGreaterThan(20);
  });

  it('hands a clean poll back without copying it, and copies only the parts zod would change', () => {
    const text = JSON.stringify(syntheticOddsResponse(50, 40, Date.parse('2026-11-25T00:00:00Z')));
    const body = JSON.parse(text) as Record<string, unknown>[];
    const owned = parseOddsResponseFast(body, { owned: true });
    if (!owned.ok) throw new Error(owned.error);
    expect(owned.value.events.length).toBe(50);
    owned.value.events.forEach((e, i) => {
      expect(e).toBe(body[i]);
    });

    // Not owned: every object is zod's fresh copy, so a caller may go on changing its body.
    const copied = parseOddsResponseFast(body);
    if (!copied.ok) throw new Error(copied.error);
    copied.value.events.forEach((e, i) => {
      expect(e).not.toBe(body[i]);
      expect(e).toStrictEqual(body[i]);
    });

    // An unknown key or another key order deep inside: that object and its parents are copied, the rest kept.
    const other = JSON.parse(text) as {
      bookmakers: { markets: { outcomes: Record<string, unknown>[] }[] }[];
    }[];
    const swapped = other[0]!.bookmakers[1]!.markets[0]!.outcomes;
    swapped[0] = { price: swapped[0]!['price'], name: swapped[0]!['name'] };
    (other[1]!.bookmakers[0]! as Record<string, unknown>)['link'] = 'x';
    const mixed = parseOddsResponseFast(other, { owned: true });
    if (!mixed.ok) throw new Error(mixed.error);
    const [e0, e1, e2] = mixed.value.events;
    expect(e0).not.toBe(other[0]);
    expect(e0!.bookmakers[0]).toBe(other[0]!.bookmakers[0]);
    expect(e0!.bookmakers[1]!.markets[0]!.outcomes[1]).toBe(swapped[1]);
    expect(Object.keys(e0!.bookmakers[1]!.markets[0]!.outcomes[0]!)).toEqual(['name', 'price']);
    expect(e1).not.toBe(other[1]);
    expect(e1!.bookmakers[0]).not.toHaveProperty('link');
    expect(e2).toBe(other[2]);
    expect(mixed).toStrictEqual(parseOddsResponseLenient(JSON.parse(JSON.stringify(other))));
  });
});
