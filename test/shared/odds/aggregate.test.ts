import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ageWeight,
  computeTheo,
  computeTheos,
  DEFAULT_THEO_CONFIG,
  detectOddsFormat,
  probabilityToCents,
  probabilityToMicros,
  type Theo,
  TheoConfigSchema,
  type TheoResult,
} from '../../../shared/odds/aggregate.ts';
import { devigDecimal } from '../../../shared/odds/devig.ts';
import { type EventOdds, EventOddsSchema, OddsResponseSchema } from '../../../shared/odds/schemas.ts';

const load = (name: string): EventOdds[] =>
  OddsResponseSchema.parse(
    JSON.parse(readFileSync(new URL(`../../fixtures/odds/${name}`, import.meta.url), 'utf8')),
  );

const MIN = 60_000;
const asTheo = (r: TheoResult): Theo => {
  if (r.kind !== 'theo') throw new Error(`expected a theo, got no-theo ${r.reason}: ${r.detail}`);
  return r;
};
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('theo from the edge-case fixture (hand-built odds response)', () => {
  const events = load('theo_edge_cases.json');
  const asOf = Date.parse('2026-01-20T18:05:00Z');
  const { results, summary } = computeTheos(events, { asOf, oddsFormat: 'decimal' });

  it('drops each bad book of the event with its reason and keeps the good ones', () => {
    const theo = asTheo(results[0]!);
    expect(theo.books.used.map((b) => b.key)).toEqual(['betmgm', 'draftkings', 'fanduel', 'pinnacle']);
    const reasons = Object.fromEntries(theo.books.dropped.map((d) => [d.key, d.reason]));
    expect(reasons).toEqual({
      betonlineag: 'missing-outcome', // only the home side listed
      betrivers: 'stale', // 125 min old > 60 min
      betus: 'placeholder-price', // 1.01
      bovada: 'outlier', // 1.40 / 3.00 → fair 0.690 vs median 0.540: 0.64 logit away
      draftkings: 'duplicate-book', // listed twice: the second copy is dropped
      espnbet: 'unknown-outcome', // "Denver Nuggets" in a Bucks–Celtics game
      fanatics: 'no-timestamp',
      hardrockbet: 'overround-out-of-range', // 1.10 / 1.20 → 74 % margin
      kalshi: 'excluded', // our own market
      lowvig: 'duplicate-outcome',
      mybookieag: 'invalid-price', // 1.0 is not > 1
      williamhill_us: 'no-market', // spreads only
    });
    for (const d of theo.books.dropped) expect(d.detail.length).toBeGreaterThan(0);
  });

  it('weights Pinnacle heaviest, decays with age, and averages the Shin probabilities (by hand)', () => {
    // Shin 2-way = additive: p_home = (r_h − r_a + 1)/2.
    //   pinnacle   1.80/2.10: (0.5555556 − 0.4761905 + 1)/2 = 0.5396825   age 5 min  w = 3·2^(−0.5) = 2.1213203
    //   draftkings 1.80/2.05: (0.5555556 − 0.4878049 + 1)/2 = 0.5338753   age 5 min  w = 1·2^(−0.5) = 0.7071068
    //   fanduel    1.78/2.08: (0.5617978 − 0.4807692 + 1)/2 = 0.5405143   age 5 min  w = 0.7071068
    //   betmgm     1.83/2.00: (0.5464481 − 0.5000000 + 1)/2 = 0.5232240   age 35 min w = 2^(−3.5) = 0.0883883
    // Σw = 3.6239222; Σw·p = 1.1448396 + 0.3775069 + 0.3822013 + 0.0462469 = 1.9507947
    // theo_home = 1.9507947 / 3.6239222 = 0.5383103
    const theo = asTheo(results[0]!);
    expect(theo.outcomes.map((o) => o.name)).toEqual(['Milwaukee Bucks', 'Boston Celtics']);
    expect(theo.outcomes[0]!.probability).toBeCloseTo(0.5383103, 6);
    expect(theo.outcomes[1]!.probability).toBeCloseTo(1 - 0.5383103, 6);
    const w = Object.fromEntries(theo.books.used.map((b) => [b.key, b.weight]));
    expect(w.pinnacle).toBeCloseTo(2.1213203, 6);
    expect(w.draftkings).toBeCloseTo(Math.SQRT1_2, 6);
    expect(w.betmgm).toBeCloseTo(0.0883883, 6);
    expect(theo.anchorUsed).toBe(true);
    expect(theo.method).toBe('shin');
    expect(theo.threeWay).toBe(false);
    expect(theo.commenceTime).toBe('2026-01-21T01:00:00.000Z');
    expect(theo.asOf).toBe('2026-01-20T18:05:00.000Z');
  });

  it('two retail books without Pinnacle are not enough', () => {
    expect(results[1]).toMatchObject({ kind: 'no-theo', reason: 'insufficient-books' });
    expect(results[1]!.books.used.map((b) => b.key)).toEqual(['draftkings', 'fanduel']);
  });

  it('no theo once the game has started, nor for an event without books', () => {
    expect(results[2]).toMatchObject({ kind: 'no-theo', reason: 'event-started' });
    expect(results[3]).toMatchObject({ kind: 'no-theo', reason: 'no-books' });
  });

  it('a fresh Pinnacle alone is enough', () => {
    const theo = asTheo(results[4]!);
    expect(theo.books.used.map((b) => b.key)).toEqual(['pinnacle']);
    expect(theo.effectiveBooks).toBe(1);
    expect(theo.dispersion).toBe(0);
  });

  it('counts every reason in the summary', () => {
    expect(summary).toMatchObject({
      events: 5,
      theos: 2,
      noTheo: { 'insufficient-books': 1, 'event-started': 1, 'no-books': 1 },
    });
    expect(sum(Object.values(summary.droppedBooks))).toBe(12);
    expect(summary.droppedBooks.outlier).toBe(1);
  });

  it('outlier rejection is configurable and an anchor is exempt by default', () => {
    const off = TheoConfigSchema.parse({ outlierMaxLogitDistance: null });
    const t = asTheo(computeTheo(events[0]!, { asOf, oddsFormat: 'decimal', config: off }));
    expect(t.books.used.map((b) => b.key)).toContain('bovada');
    // Make Pinnacle the one far from the median: it stays (sharp books move first on news)...
    const moved = structuredClone(events[0]!);
    moved.bookmakers[0]!.markets[0]!.outcomes = [
      { name: 'Milwaukee Bucks', price: 1.4 },
      { name: 'Boston Celtics', price: 3.0 },
    ];
    const kept = asTheo(computeTheo(moved, { asOf, oddsFormat: 'decimal' }));
    expect(kept.books.used.map((b) => b.key)).toContain('pinnacle');
    // ...unless configured otherwise.
    const strict = TheoConfigSchema.parse({ exemptAnchorsFromOutliers: false });
    const r = computeTheo(moved, { asOf, oddsFormat: 'decimal', config: strict });
    expect(r.books.dropped.find((d) => d.key === 'pinnacle')?.reason).toBe('outlier');
  });

  it('a line stamped after asOf beyond the skew tolerance is dropped, within it counts as fresh', () => {
    const early = Date.parse('2026-01-20T17:58:30Z'); // lines are stamped 18:00:00: 90 s in the future
    const t = asTheo(
      computeTheo(events[4]!, { asOf: Date.parse('2026-01-20T17:54:00Z'), oddsFormat: 'decimal' }),
    );
    expect(t.books.used[0]!.ageMs).toBe(0);
    const r = computeTheo(events[0]!, { asOf: early - 10 * MIN, oddsFormat: 'decimal' });
    expect(r.books.dropped.filter((d) => d.reason === 'line-after-as-of').length).toBeGreaterThan(5);
  });
});

describe('a lagging anchor', () => {
  const H = 'Home Team';
  const A = 'Away Team';
  const asOf = Date.parse('2026-01-20T18:30:00Z');
  const book = (key: string, home: number, away: number, stamp: string) => ({
    key,
    title: key,
    last_update: stamp,
    markets: [
      {
        key: 'h2h',
        last_update: stamp,
        outcomes: [
          { name: H, price: home },
          { name: A, price: away },
        ],
      },
    ],
  });
  const event = (pinnacle: [number, number], pinStamp: string) =>
    EventOddsSchema.parse({
      id: 'lag',
      sport_key: 'basketball_nba',
      commence_time: '2026-01-21T00:00:00Z',
      home_team: H,
      away_team: A,
      bookmakers: [
        book('pinnacle', pinnacle[0], pinnacle[1], pinStamp),
        // Fresh retail books moved to ~58 % home (injury news after Pinnacle's stamp).
        book('draftkings', 1.65, 2.3, '2026-01-20T18:29:00Z'),
        book('fanduel', 1.66, 2.28, '2026-01-20T18:28:00Z'),
        book('betmgm', 1.64, 2.32, '2026-01-20T18:29:30Z'),
      ],
    });

  it('is demoted to a retail weight when fresher books moved away from it', () => {
    // Pinnacle 30 min old at 1.80 / 2.10 → 0.5397 home; fresh median ≈ 0.585: ≈ 0.18 logit away > 0.05.
    const t = asTheo(computeTheo(event([1.8, 2.1], '2026-01-20T18:00:00Z'), { asOf, oddsFormat: 'decimal' }));
    const pin = t.books.used.find((b) => b.key === 'pinnacle')!;
    expect(pin.role).toBe('demoted-anchor');
    expect(pin.baseWeight).toBe(1);
    expect(pin.weight).toBeCloseTo(2 ** -3, 12); // 30 min at a 10 min half-life
    expect(t.anchorUsed).toBe(false);
  });

  it('keeps its anchor weight when it is old but the fresher books agree with it', () => {
    const t = asTheo(
      computeTheo(event([1.65, 2.3], '2026-01-20T18:00:00Z'), { asOf, oddsFormat: 'decimal' }),
    );
    const pin = t.books.used.find((b) => b.key === 'pinnacle')!;
    expect(pin.role).toBe('anchor');
    expect(pin.baseWeight).toBe(3);
    expect(t.anchorUsed).toBe(true);
  });

  it('keeps its anchor weight while fresh, even when it disagrees (it moves first on news)', () => {
    const t = asTheo(computeTheo(event([1.8, 2.1], '2026-01-20T18:29:50Z'), { asOf, oddsFormat: 'decimal' }));
    expect(t.books.used.find((b) => b.key === 'pinnacle')!.role).toBe('anchor');
  });

  it('books older than a fresh anchor and far from it are lagging: a tenth of their weight', () => {
    // Pinnacle moved at 18:29:50 to 1.80/2.10 (0.540 home); the retail lines (≈ 0.585) are older
    // and ≈ 0.18 logit away (> 0.15): they have not caught up with the move.
    const t = asTheo(computeTheo(event([1.8, 2.1], '2026-01-20T18:29:50Z'), { asOf, oddsFormat: 'decimal' }));
    const retail = t.books.used.filter((b) => b.key !== 'pinnacle');
    expect(retail.map((b) => b.role)).toEqual(['lagging', 'lagging', 'lagging']);
    for (const b of retail) expect(b.baseWeight).toBeCloseTo(0.1, 12);
    const pin = t.books.used.find((b) => b.key === 'pinnacle')!;
    // Pinnacle now carries 3 / (3 + 3·0.1) ≈ 91 % of the weight: the theo sits near its 0.540.
    expect(Math.abs(t.outcomes[0]!.probability - pin.probabilities[0]!)).toBeLessThan(0.005);
    const off = TheoConfigSchema.parse({ laggingDriftLogit: null });
    const t2 = asTheo(
      computeTheo(event([1.8, 2.1], '2026-01-20T18:29:50Z'), { asOf, oddsFormat: 'decimal', config: off }),
    );
    expect(t2.books.used.every((b) => b.role !== 'lagging')).toBe(true);
  });

  it("carries the sharp book's lead over the consensus while books lag it, and none once they agree", () => {
    const t = asTheo(computeTheo(event([1.8, 2.1], '2026-01-20T18:29:50Z'), { asOf, oddsFormat: 'decimal' }));
    const pin = t.books.used.find((b) => b.key === 'pinnacle')!;
    expect(t.sharpLean).toHaveLength(2);
    t.outcomes.forEach((o, i) => {
      expect(t.sharpLean![i]).toBeCloseTo(pin.probabilities[i]! - o.probability, 12);
    });
    // the consensus still lags Pinnacle's fall on the home team: the lean points down on home, up on away
    expect(t.sharpLean![0]).toBeLessThan(0);
    expect(t.sharpLean![0]! + t.sharpLean![1]!).toBeCloseTo(0, 12);
    // the same books agreeing with Pinnacle: nothing lags, no lean
    const agree = asTheo(
      computeTheo(event([1.65, 2.3], '2026-01-20T18:29:50Z'), { asOf, oddsFormat: 'decimal' }),
    );
    expect(agree.sharpLean).toBeUndefined();
  });

  it('a book fresher than the anchor is never lagging, however far it is', () => {
    const t = asTheo(computeTheo(event([1.8, 2.1], '2026-01-20T18:28:30Z'), { asOf, oddsFormat: 'decimal' }));
    const roles = Object.fromEntries(t.books.used.map((b) => [b.key, b.role]));
    // draftkings (18:29:00) and betmgm (18:29:30) are fresher than Pinnacle; fanduel (18:28:00) is older.
    expect(roles).toEqual({ betmgm: 'book', draftkings: 'book', fanduel: 'lagging', pinnacle: 'anchor' });
  });

  it('can be switched off', () => {
    const config = TheoConfigSchema.parse({ anchorDriftLogit: null });
    const t = asTheo(
      computeTheo(event([1.8, 2.1], '2026-01-20T18:00:00Z'), { asOf, oddsFormat: 'decimal', config }),
    );
    expect(t.books.used.find((b) => b.key === 'pinnacle')!.role).toBe('anchor');
  });
});

describe('hostile bookmaker keys', () => {
  it('keys like "constructor" or "__proto__" get the default weight, never NaN', () => {
    const stamp = '2026-01-20T18:00:00Z';
    const event = EventOddsSchema.parse({
      id: 'x',
      sport_key: 'basketball_nba',
      commence_time: '2026-01-21T00:00:00Z',
      home_team: 'A',
      away_team: 'B',
      bookmakers: ['constructor', '__proto__', 'toString', 'hasOwnProperty'].map((key, i) => ({
        key,
        title: key,
        last_update: stamp,
        markets: [
          {
            key: 'h2h',
            outcomes: [
              { name: 'A', price: 1.9 + i / 100 },
              { name: 'B', price: 1.9 },
            ],
          },
        ],
      })),
    });
    const t = asTheo(computeTheo(event, { asOf: Date.parse(stamp), oddsFormat: 'decimal' }));
    expect(t.books.used.map((b) => b.weight)).toEqual([1, 1, 1, 1]);
    for (const o of t.outcomes) expect(Number.isFinite(o.probability)).toBe(true);
  });
});

describe('inputs built in code, not from JSON', () => {
  const base = (price: number): EventOdds => ({
    id: 'n',
    sport_key: 'basketball_nba',
    commence_time: 1_768_960_800, // dateFormat=unix: 2026-01-21T02:00:00Z
    home_team: 'A',
    away_team: 'B',
    bookmakers: [
      {
        key: 'pinnacle',
        title: 'Pinnacle',
        last_update: 1_768_932_000, // 2026-01-20T18:00:00Z
        markets: [
          {
            key: 'h2h',
            outcomes: [
              { name: 'A', price },
              { name: 'B', price: 1.9 },
            ],
          },
        ],
      },
    ],
  });
  const asOf = Date.parse('2026-01-20T18:05:00Z');

  it('epoch-second times work like ISO times', () => {
    const t = asTheo(computeTheo(base(2.0), { asOf, oddsFormat: 'decimal' }));
    expect(t.commenceTime).toBe('2026-01-21T02:00:00.000Z');
    expect(t.books.used[0]!.ageMs).toBe(5 * MIN);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, -3, 0.5, 1])(
    'a price of %s drops the book as invalid-price',
    (price) => {
      const r = computeTheo(base(price), { asOf, oddsFormat: 'decimal' });
      expect(r).toMatchObject({ kind: 'no-theo', reason: 'insufficient-books' });
      expect(r.books.dropped).toEqual([
        { key: 'pinnacle', reason: 'invalid-price', detail: expect.stringContaining('"A"') },
      ]);
    },
  );

  it('times beyond what a Date can hold are unreadable, not a crash', () => {
    const far = { ...base(2.0), commence_time: 1e15 };
    expect(computeTheo(far, { asOf, oddsFormat: 'decimal' })).toMatchObject({
      kind: 'no-theo',
      reason: 'invalid-event',
    });
    const stamp = base(2.0);
    stamp.bookmakers[0]!.last_update = 1e15;
    expect(computeTheo(stamp, { asOf, oddsFormat: 'decimal' }).books.dropped[0]).toMatchObject({
      reason: 'no-timestamp',
    });
    expect(() => computeTheo(base(2.0), { asOf: Number.NaN, oddsFormat: 'decimal' })).toThrow(RangeError);
  });

  it('an American price between −100 and +100 is invalid', () => {
    const r = computeTheo(base(50), { asOf, oddsFormat: 'american' });
    expect(r.books.dropped[0]).toMatchObject({ reason: 'invalid-price' });
  });
});

describe('theo from the reference samples', () => {
  it('decimal and American responses of the same lines give the same theo', () => {
    const dec = load('basketball_nba_odds_h2h_spreads_totals_decimal.json');
    const am = load('basketball_nba_odds_h2h_american.json');
    expect(detectOddsFormat(dec)).toBe('decimal');
    expect(detectOddsFormat(am)).toBe('american');
    const asOf = Date.parse('2026-01-20T18:15:00Z');
    const a = asTheo(computeTheo(am[0]!, { asOf, oddsFormat: 'american' }));
    const d = asTheo(computeTheo(dec.find((e) => e.id === am[0]!.id)!, { asOf, oddsFormat: 'decimal' }));
    expect(a.books.used.map((b) => b.key)).toEqual(d.books.used.map((b) => b.key));
    // American integers are rounded decimal prices, so allow a fraction of a cent.
    expect(Math.abs(a.outcomes[0]!.probability - d.outcomes[0]!.probability)).toBeLessThan(0.002);
  });

  it('soccer is priced 3-way with the draw; a book without the draw is dropped, never renormalised', () => {
    const epl = load('soccer_epl_odds_h2h_decimal.json');
    const asOf = Date.parse('2026-01-22T09:30:00Z');
    const t = asTheo(computeTheo(epl[0]!, { asOf, oddsFormat: 'decimal' }));
    expect(t.threeWay).toBe(true);
    expect(t.outcomes.map((o) => o.name)).toEqual(['Arsenal', 'Brighton and Hove Albion', 'Draw']);
    expect(sum(t.outcomes.map((o) => o.probability))).toBeCloseTo(1, 12);
    const broken = structuredClone(epl[0]!);
    const wh = broken.bookmakers.find((b) => b.key === 'williamhill')!;
    wh.markets[0]!.outcomes = wh.markets[0]!.outcomes.filter((o) => o.name !== 'Draw');
    const t2 = asTheo(computeTheo(broken, { asOf, oddsFormat: 'decimal' }));
    expect(t2.books.dropped).toContainEqual({
      key: 'williamhill',
      reason: 'missing-outcome',
      detail: 'no price for "Draw"',
    });
  });

  it('one rogue book with a Draw cannot make a US game 3-way', () => {
    const events = load('theo_edge_cases.json');
    const ev = structuredClone(events[0]!);
    const fd = ev.bookmakers.find((b) => b.key === 'fanduel')!;
    fd.markets[0]!.outcomes.push({ name: 'Draw', price: 15 });
    const t = asTheo(computeTheo(ev, { asOf: Date.parse('2026-01-20T18:05:00Z'), oddsFormat: 'decimal' }));
    expect(t.threeWay).toBe(false);
    expect(t.books.dropped).toContainEqual(
      expect.objectContaining({ key: 'fanduel', reason: 'unknown-outcome' }),
    );
    expect(t.books.used.map((b) => b.key)).toEqual(['betmgm', 'draftkings', 'pinnacle']);
  });

  it('exchange lay prices (h2h_lay) are not used as the back market', () => {
    const epl = load('soccer_epl_odds_h2h_decimal.json');
    const t = asTheo(
      computeTheo(epl[0]!, { asOf: Date.parse('2026-01-22T09:30:00Z'), oddsFormat: 'decimal' }),
    );
    const bf = t.books.used.find((b) => b.key === 'betfair_ex_uk')!;
    // Back prices 1.61 / 6.18 / 4.50 (h2h), not the lay prices 1.65 / 6.26 / 4.56 (h2h_lay).
    const back = devigDecimal([1.61, 6.18, 4.5], 'shin');
    expect(back.ok && back.probabilities).toEqual(bf.probabilities);
    expect(bf.overround).toBeCloseTo(1 / 1.61 + 1 / 6.18 + 1 / 4.5 - 1, 12);
  });
});

describe('display conversion', () => {
  it('probability → Micros and cents', () => {
    expect(probabilityToMicros(0.5383125)).toBe(538_313);
    expect(probabilityToCents(0.5383125)).toBe(54);
    expect(probabilityToMicros(0)).toBe(0);
    expect(probabilityToMicros(1)).toBe(1_000_000);
    expect(() => probabilityToMicros(Number.NaN)).toThrow(/not finite/);
  });
});

// --- properties --------------------------------------------------------------

const BOOK_KEYS = [
  'pinnacle',
  'draftkings',
  'fanduel',
  'betmgm',
  'betrivers',
  'bovada',
  'lowvig',
  'betonlineag',
];
const HOME = 'Home Team';
const AWAY = 'Away Team';
const AS_OF = Date.parse('2026-01-20T18:00:00Z');

interface BookSpec {
  key: string;
  fair: number[];
  margin: number;
  ageMin: number;
  reversed: boolean;
}

const bookSpec = (key: string, threeWay: boolean) =>
  fc
    .record({
      w: fc.array(fc.double({ min: 0.08, max: 1, noNaN: true }), {
        minLength: threeWay ? 3 : 2,
        maxLength: threeWay ? 3 : 2,
      }),
      margin: fc.double({ min: 0, max: 0.08, noNaN: true }),
      ageMin: fc.double({ min: 0, max: 59, noNaN: true }),
      reversed: fc.boolean(),
    })
    .map(({ w, margin, ageMin, reversed }): BookSpec => {
      const s = sum(w);
      return { key, fair: w.map((x) => x / s), margin, ageMin, reversed };
    });

const eventArb = fc.boolean().chain((threeWay) =>
  fc
    .subarray(BOOK_KEYS, { minLength: 1 })
    .chain((keys) => fc.tuple(...keys.map((k) => bookSpec(k, threeWay))))
    .map((specs) => toEvent(specs, threeWay)),
);

function toEvent(specs: BookSpec[], threeWay: boolean): EventOdds {
  const names = threeWay ? [HOME, AWAY, 'Draw'] : [HOME, AWAY];
  return EventOddsSchema.parse({
    id: 'e'.repeat(32),
    sport_key: threeWay ? 'soccer_epl' : 'basketball_nba',
    commence_time: '2026-01-21T00:00:00Z',
    home_team: HOME,
    away_team: AWAY,
    bookmakers: specs.map((s) => {
      const outcomes = names.map((name, i) => ({
        name,
        price: 1 / Math.min(0.95, s.fair[i]! * (1 + s.margin)),
      }));
      if (s.reversed) outcomes.reverse();
      const stamp = new Date(AS_OF - s.ageMin * MIN).toISOString();
      return {
        key: s.key,
        title: s.key,
        last_update: stamp,
        markets: [{ key: 'h2h', last_update: stamp, outcomes }],
      };
    }),
  });
}

const relaxed = TheoConfigSchema.parse({ minBooks: 1, outlierMaxLogitDistance: null });

describe('theo properties', () => {
  it('outcomes lie in (0,1) and sum to 1', () => {
    fc.assert(
      fc.property(eventArb, (ev) => {
        const t = asTheo(computeTheo(ev, { asOf: AS_OF, oddsFormat: 'decimal', config: relaxed }));
        for (const o of t.outcomes) {
          expect(o.probability).toBeGreaterThan(0);
          expect(o.probability).toBeLessThan(1);
        }
        expect(Math.abs(sum(t.outcomes.map((o) => o.probability)) - 1)).toBeLessThan(1e-12);
      }),
    );
  });

  it('theo lies within the range of the used books’ fair probabilities', () => {
    fc.assert(
      fc.property(
        eventArb,
        fc.constantFrom(...(['shin', 'power', 'multiplicative'] as const)),
        (ev, method) => {
          const config = { ...relaxed, method };
          const t = asTheo(computeTheo(ev, { asOf: AS_OF, oddsFormat: 'decimal', config }));
          t.outcomes.forEach((o, i) => {
            const ps = t.books.used.map((b) => b.probabilities[i]!);
            expect(o.probability).toBeGreaterThanOrEqual(Math.min(...ps) - 1e-12);
            expect(o.probability).toBeLessThanOrEqual(Math.max(...ps) + 1e-12);
          });
        },
      ),
    );
  });

  it('is invariant under permutations of books and outcomes', () => {
    fc.assert(
      fc.property(
        eventArb.chain((ev) =>
          fc.tuple(fc.constant(ev), fc.shuffledSubarray(ev.bookmakers, { minLength: ev.bookmakers.length })),
        ),
        ([ev, shuffledBooks]) => {
          const shuffled = {
            ...ev,
            bookmakers: shuffledBooks.map((b) => ({
              ...b,
              markets: b.markets.map((m) => ({ ...m, outcomes: [...m.outcomes].reverse() })),
            })),
          };
          const input = { asOf: AS_OF, oddsFormat: 'decimal' as const, config: DEFAULT_THEO_CONFIG };
          expect(computeTheo(shuffled, input)).toEqual(computeTheo(ev, input));
        },
      ),
    );
  });

  it('age weight is 1 when fresh, halves each half-life and never increases with age', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e8, noNaN: true }),
        fc.double({ min: 0, max: 1e8, noNaN: true }),
        fc.double({ min: 1, max: 1e7, noNaN: true }),
        (a, b, h) => {
          const [young, old] = a <= b ? [a, b] : [b, a];
          expect(ageWeight(old, h)).toBeLessThanOrEqual(ageWeight(young, h));
          expect(ageWeight(young, h)).toBeLessThanOrEqual(1);
          expect(ageWeight(young, h)).toBeGreaterThanOrEqual(0);
        },
      ),
    );
    expect(ageWeight(0, 10 * MIN)).toBe(1);
    expect(ageWeight(10 * MIN, 10 * MIN)).toBe(0.5);
    expect(ageWeight(-5, 10 * MIN)).toBe(1);
  });

  it('an older line never gets more weight in the theo than the same line fresher', () => {
    fc.assert(
      fc.property(eventArb, fc.double({ min: 0.1, max: 30, noNaN: true }), (ev, extraMin) => {
        const input = { asOf: AS_OF, oddsFormat: 'decimal' as const, config: relaxed };
        const before = asTheo(computeTheo(ev, input));
        const aged = structuredClone(ev);
        const b0 = aged.bookmakers[0]!;
        const stamp = new Date(Date.parse(String(b0.markets[0]!.last_update)) - extraMin * MIN).toISOString();
        b0.last_update = stamp;
        b0.markets[0]!.last_update = stamp;
        const after = computeTheo(aged, input);
        const wBefore = before.books.used.find((b) => b.key === b0.key)!.weight;
        const wAfter = after.books.used.find((b) => b.key === b0.key)?.weight ?? 0;
        expect(wAfter).toBeLessThanOrEqual(wBefore);
      }),
    );
  });

  it('each used book’s probabilities are exactly its own de-vig', () => {
    fc.assert(
      fc.property(eventArb, (ev) => {
        const t = asTheo(computeTheo(ev, { asOf: AS_OF, oddsFormat: 'decimal', config: relaxed }));
        for (const used of t.books.used) {
          const book = ev.bookmakers.find((b) => b.key === used.key)!;
          const prices = t.outcomes.map(
            (o) => book.markets[0]!.outcomes.find((x) => x.name === o.name)!.price,
          );
          const r = devigDecimal(prices, 'shin');
          expect(r.ok && r.probabilities).toEqual(used.probabilities);
        }
      }),
    );
  });
});
