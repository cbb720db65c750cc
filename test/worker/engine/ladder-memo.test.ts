import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventOddsSchema } from '../../../shared/odds/schemas.ts';
import { strikeTheoRecordFromGame } from '../../../shared/pricing/strike-record.ts';
import { computeGameStrikeTheo } from '../../../shared/pricing/strike-theo.ts';
import type { GameState } from '../../../worker/engine/game-state.ts';
import { payoffExposure } from '../../../worker/engine/ladder-exposure.ts';
import type { LadderMarket } from '../../../worker/engine/ladder-markets.ts';
import { gameContracts, payoffLimitOf, strikeInputsOf } from '../../../worker/engine/ladder-quotes.ts';
import { gameWorstLoss } from '../../../worker/engine/ladder-risk.ts';
import { strikeQuoteInputs } from '../../../worker/engine/ladder-theos.ts';

// What a ladder requote recomputed on every book change and now keeps per listing and per fit (issue #20).

const event = EventOddsSchema.parse(
  JSON.parse(
    readFileSync(
      new URL('../../fixtures/odds/basketball_nba_event_odds_alternates.json', import.meta.url),
      'utf8',
    ),
  ),
);
const AS_OF = Date.parse('2026-01-20T18:05:00Z');
const recordAt = (asOf: number) =>
  strikeTheoRecordFromGame(computeGameStrikeTheo(event, { asOf, oddsFormat: 'decimal' }), {
    commenceTime: Date.parse(event.commence_time as string),
    asOf,
    source: 'poll',
  });
const MAX_AGE = 15 * 60_000;
const market = (ticker: string, kind: 'spread' | 'total', direction: 'over' | 'under', threshold: number) =>
  ({ ticker, eventTicker: 'E', query: { kind, direction, threshold } }) satisfies LadderMarket;
const ladder = [
  market('S3', 'spread', 'over', 3.5),
  market('S-MIA3', 'spread', 'under', -3.5),
  market('T220', 'total', 'over', 220.5),
];

describe('strike inputs kept per fit and listing', () => {
  it('the same answer as strikeQuoteInputs, computed once while the fit and the listing are the same', () => {
    const record = recordAt(AS_OF);
    const first = strikeInputsOf(record, ladder, AS_OF + 1_000, MAX_AGE);
    expect(first).toEqual(strikeQuoteInputs(record, ladder, AS_OF + 1_000, MAX_AGE));
    expect(first.priced.length).toBeGreaterThan(0);
    expect(strikeInputsOf(record, ladder, AS_OF + 60_000, MAX_AGE)).toBe(first);
    // A new fit or a new listing is priced afresh.
    const newer = recordAt(AS_OF + 120_000);
    expect(strikeInputsOf(newer, ladder, AS_OF + 121_000, MAX_AGE)).not.toBe(first);
    const relisted = ladder.slice(0, 2);
    const r = strikeInputsOf(record, relisted, AS_OF + 1_000, MAX_AGE);
    expect(r.priced.map((p) => p.ticker)).toEqual(['S3', 'S-MIA3']);
  });

  it('a fit that went stale is stale, whatever was kept while it was fresh', () => {
    const record = recordAt(AS_OF);
    expect(strikeInputsOf(record, ladder, AS_OF + 1_000, MAX_AGE).priced.length).toBe(3);
    const stale = strikeInputsOf(record, ladder, AS_OF + MAX_AGE + 1, MAX_AGE);
    expect(stale.priced).toEqual([]);
    expect(stale.idle.map((i) => i.reason)).toEqual(['theo-stale', 'theo-stale', 'theo-stale']);
    expect(strikeInputsOf(null, ladder, AS_OF, MAX_AGE).idle.map((i) => i.reason)).toEqual([
      'no-strike-theo',
      'no-strike-theo',
      'no-strike-theo',
    ]);
  });
});

describe("a game's contracts, one map per listing", () => {
  const gameOf = (strikes: LadderMarket[]) =>
    ({
      game: {
        eventTicker: 'E',
        homeTeam: 'Milwaukee',
        awayTeam: 'Boston',
        markets: [
          { ticker: 'E-Boston', outcome: 'Boston' },
          { ticker: 'E-Milwaukee', outcome: 'Milwaukee' },
        ],
      },
      tickers: ['E-Boston', 'E-Milwaukee'],
      theo: null,
      ladder: { events: ['L'], mapped: strikes, unmapped: [] },
    }) as unknown as GameState;

  it("the same map until the game or its ladder is replaced, then the new listing's", () => {
    const g = gameOf(ladder);
    const first = gameContracts(g);
    expect(gameContracts(g)).toBe(first);
    expect([...first!.keys()]).toEqual(['E-Boston', 'E-Milwaukee', 'S3', 'S-MIA3', 'T220']);
    g.ladder = { ...g.ladder!, mapped: [...ladder, market('T230', 'total', 'over', 230.5)] };
    expect(gameContracts(g)?.get('T230')).toEqual({ kind: 'total', direction: 'over', threshold: 230.5 });
    g.game = { ...g.game, homeTeam: 'Boston', awayTeam: 'Milwaukee' };
    expect(gameContracts(g)?.get('E-Boston')).toEqual({ kind: 'winner', side: 'home' });
  });
});

describe("a game's worst case from its positions, its split kept between fills", () => {
  it('reads what the split built afresh reads, through fills, entries and a new listing', () => {
    const TICKERS = ['E-Boston', 'E-Milwaukee', 'S3', 'S-MIA3', 'T220'];
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            ticker: fc.constantFrom(...TICKERS),
            position: fc.integer({ min: -40, max: 40 }).map((n) => n * 100),
            entry: fc.option(
              fc.integer({ min: 1, max: 99 }).map((n) => n * 10_000),
              { nil: undefined },
            ),
            relist: fc.boolean(),
          }),
          { minLength: 1, maxLength: 15 },
        ),
        (fills) => {
          const g = {
            game: {
              eventTicker: 'E',
              homeTeam: 'Milwaukee',
              awayTeam: 'Boston',
              markets: [
                { ticker: 'E-Boston', outcome: 'Boston' },
                { ticker: 'E-Milwaukee', outcome: 'Milwaukee' },
              ],
            },
            tickers: ['E-Boston', 'E-Milwaukee'],
            theo: null,
            ladder: { events: ['L'], mapped: ladder, unmapped: [] },
          } as unknown as GameState;
          const positions = new Map<string, number>();
          const entries = new Map<string, number>();
          const inventory = {
            positions: (ts: readonly string[]) =>
              new Map(ts.filter((t) => positions.has(t)).map((t) => [t, positions.get(t)!])),
            entries: (ts: readonly string[]) =>
              new Map(ts.filter((t) => entries.has(t)).map((t) => [t, entries.get(t)!])),
          };
          for (const f of fills) {
            positions.set(f.ticker, f.position);
            if (f.entry === undefined) entries.delete(f.ticker);
            else entries.set(f.ticker, f.entry);
            if (f.relist) g.ladder = { ...g.ladder!, mapped: [...ladder] };
            const contracts = gameContracts(g)!;
            const payoff = payoffLimitOf(g, contracts, inventory.entries(TICKERS), 0);
            const fresh = gameWorstLoss({ ...payoff, positions: inventory.positions(TICKERS), orders: [] });
            expect(payoffExposure(inventory, g)).toBe(Math.ceil(fresh / 10_000));
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
