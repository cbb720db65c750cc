import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { devigShin } from '../../../shared/odds/devig.ts';
import {
  type BookLine,
  LineMarketSchema,
  LineOutcomeSchema,
  type LineReadOptions,
  readBookLines,
} from '../../../shared/odds/lines.ts';
import { type EventOdds, EventOddsSchema, OddsResponseSchema } from '../../../shared/odds/schemas.ts';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../fixtures/odds/${name}`, import.meta.url), 'utf8'));

const asOf = Date.parse('2026-01-20T18:05:00Z');
const options = (over: Partial<LineReadOptions> = {}): LineReadOptions => ({
  asOf,
  oddsFormat: 'decimal',
  method: 'shin',
  excludedBooks: ['kalshi', 'polymarket'],
  maxLineAgeMs: 3_600_000,
  futureToleranceMs: 120_000,
  placeholderMaxDecimal: 1.01,
  minOverround: -0.01,
  maxOverround: 0.25,
  ...over,
});

const event = (bookmakers: EventOdds['bookmakers']): EventOdds => ({
  id: 'e1',
  sport_key: 'basketball_nba',
  commence_time: '2026-01-21T00:40:00Z',
  home_team: 'Boston Celtics',
  away_team: 'Miami Heat',
  bookmakers,
});
const stamp = '2026-01-20T18:00:00Z';

describe('spread and total line schemas', () => {
  it('a line outcome needs a finite point; a line market takes only spread/total keys', () => {
    expect(LineOutcomeSchema.safeParse({ name: 'Over', price: 1.9, point: 220.5 }).success).toBe(true);
    expect(LineOutcomeSchema.safeParse({ name: 'Over', price: 1.9 }).success).toBe(false);
    const m = { key: 'alternate_totals', outcomes: [{ name: 'Over', price: 1.9, point: 220.5 }] };
    expect(LineMarketSchema.safeParse(m).success).toBe(true);
    expect(LineMarketSchema.safeParse({ ...m, key: 'h2h' }).success).toBe(false);
  });

  it('the saved per-event response with alternates parses with the shared event schema', () => {
    expect(EventOddsSchema.safeParse(fixture('basketball_nba_event_odds_alternates.json')).success).toBe(
      true,
    );
  });
});

describe('readBookLines', () => {
  const ev = EventOddsSchema.parse(fixture('basketball_nba_event_odds_alternates.json'));
  const { lines, dropped } = readBookLines(ev, options());
  const of = (book: string, kind: BookLine['kind'], strike: number) =>
    lines.find((l) => l.book === book && l.kind === kind && l.strike === strike);

  it('states every spread as "home margin > strike": home −7.5 is strike 7.5', () => {
    const raw = ev.bookmakers.find((b) => b.key === 'pinnacle')!.markets.find((m) => m.key === 'spreads')!;
    const home = raw.outcomes.find((o) => o.name === ev.home_team)!;
    const away = raw.outcomes.find((o) => o.name === ev.away_team)!;
    expect(home.point).toBe(-7.5);
    const line = of('pinnacle', 'spread', 7.5)!;
    expect(line.marketKey).toBe('spreads');
    expect(line.alternate).toBe(false);
    const fair = devigShin([1 / home.price, 1 / away.price]);
    expect(fair.ok && fair.probabilities[0]).toBeCloseTo(line.probability, 12);
    expect(line.impliedOver).toBeCloseTo(1 / home.price, 12);
    expect(line.overround).toBeCloseTo(1 / home.price + 1 / away.price - 1, 12);
  });

  it('reads main and alternate lines of both kinds, each book once per strike (main copy kept)', () => {
    const pin = lines.filter((l) => l.book === 'pinnacle');
    expect(pin.filter((l) => l.kind === 'spread').length).toBe(28);
    expect(pin.filter((l) => l.kind === 'total').length).toBe(15);
    // 7.5 is both the main line and an alternate: one line, the main one
    expect(pin.filter((l) => l.kind === 'spread' && l.strike === 7.5).map((l) => l.marketKey)).toEqual([
      'spreads',
    ]);
    const ids = lines.map((l) => `${l.book}/${l.kind}/${l.strike}`);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('lines fall with the strike within one book', () => {
    const spreads = lines.filter((l) => l.book === 'pinnacle' && l.kind === 'spread');
    const sorted = [...spreads].sort((a, b) => a.strike - b.strike);
    for (let i = 1; i < sorted.length; i++)
      expect(sorted[i]!.probability).toBeLessThan(sorted[i - 1]!.probability + 0.01);
  });

  it('reports an unpaired alternate and an excluded book, keeps the rest', () => {
    expect(dropped).toContainEqual(
      expect.objectContaining({ book: 'draftkings', strike: 21.5, reason: 'unpaired' }),
    );
    expect(dropped).toContainEqual(expect.objectContaining({ book: 'kalshi', reason: 'excluded' }));
    expect(lines.some((l) => l.book === 'kalshi')).toBe(false);
  });

  it('an integer line is de-vigged like any other (its push is refunded, so the prices split the rest)', () => {
    const line = of('fanduel', 'spread', 7)!;
    expect(line).toBeDefined();
    expect(line.probability).toBeGreaterThan(0.45);
    expect(line.probability).toBeLessThan(0.6);
  });

  it('American prices (NFL fixture)', () => {
    const events = OddsResponseSchema.parse(
      fixture('americanfootball_nfl_odds_h2h_spreads_totals_american.json'),
    );
    const r = readBookLines(events[0]!, options({ oddsFormat: 'american' }));
    expect(r.dropped).toEqual([]);
    expect(r.lines.length).toBe(8);
    for (const l of r.lines) {
      expect(l.overround).toBeGreaterThan(0);
      expect(l.overround).toBeLessThan(0.06);
    }
  });

  it('drops stale, future, placeholder, out-of-range and malformed lines with reasons', () => {
    const spread = (home: number, away: number, point = -3.5) => ({
      key: 'spreads',
      last_update: stamp,
      outcomes: [
        { name: 'Boston Celtics', price: home, point },
        { name: 'Miami Heat', price: away, point: -point },
      ],
    });
    const r = readBookLines(
      event([
        { key: 'a', title: 'A', markets: [{ ...spread(1.9, 1.9), last_update: '2026-01-20T16:00:00Z' }] },
        { key: 'b', title: 'B', markets: [{ ...spread(1.9, 1.9), last_update: '2026-01-20T18:30:00Z' }] },
        { key: 'c', title: 'C', markets: [spread(1.01, 12)] },
        { key: 'd', title: 'D', markets: [spread(1.2, 1.3)] },
        {
          key: 'e',
          title: 'E',
          markets: [{ key: 'totals', last_update: stamp, outcomes: [{ name: 'Over', price: 1.9 }] }],
        },
        {
          key: 'f',
          title: 'F',
          markets: [
            {
              key: 'totals',
              last_update: stamp,
              outcomes: [
                { name: 'Over', price: 1.9, point: 220.5 },
                { name: 'Under', price: 1.9, point: 220.5 },
                { name: 'Over', price: 1.8, point: 220.5 },
              ],
            },
          ],
        },
        { key: 'g', title: 'G', markets: [{ ...spread(1.9, 1.9), last_update: undefined }] },
        {
          key: 'h',
          title: 'H',
          markets: [
            {
              key: 'spreads',
              last_update: stamp,
              outcomes: [
                { name: 'Denver Nuggets', price: 1.9, point: -3.5 },
                { name: 'Miami Heat', price: 1.9, point: 3.5 },
              ],
            },
          ],
        },
      ]),
      options(),
    );
    expect(r.lines).toEqual([]);
    const reasons = Object.fromEntries([...r.dropped].reverse().map((d) => [d.book, d.reason])); // first per book
    expect(reasons).toEqual({
      a: 'stale',
      b: 'line-after-as-of',
      c: 'placeholder-price',
      d: 'overround-out-of-range',
      e: 'invalid-market',
      f: 'duplicate-line',
      g: 'no-timestamp',
      h: 'unknown-outcome',
    });
    // the unknown outcome leaves the other side alone, reported too
    expect(r.dropped.filter((d) => d.book === 'h').map((d) => d.reason)).toEqual([
      'unknown-outcome',
      'unpaired',
    ]);
  });
});
