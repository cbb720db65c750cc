/**
 * The oracle reference: exactly our quoting rules, fed the scenario's true
 * probability where ours is fed the theo.
 */
import { describe, expect, it } from 'vitest';
import { oracleQuoter } from '../../../scripts/paper/oracle.ts';
import { DEFAULT_QUOTING_PARAMS } from '../../../shared/pricing/params.ts';
import { gameQuoter } from '../../../worker/engine/adapters/quoter.ts';
import type { QuoteContext } from '../../../worker/engine/ports.ts';

function ctx(theo: number): QuoteContext {
  return {
    game: {
      eventTicker: 'E',
      seriesTicker: 'S',
      sport: 'nba',
      title: 't',
      oddsEventId: 'o',
      markets: [{ ticker: 'A', outcome: 'Home' }],
      kalshiStartMs: 3_600_000,
      oddsCommenceMs: 3_600_000,
    },
    theo: { oddsEventId: 'o', probabilities: { Home: theo }, updatedMs: 0, books: 3 },
    books: new Map([['A', { ticker: 'A', bids: [], asks: [], valid: true, updatedMs: 0 }]]),
    positions: new Map([['A', 0]]),
    entryPrices: new Map(),
    ownOrders: [],
    limit: 5_000,
    stopAtMs: 3_540_000,
    now: 1_000,
  };
}

describe('oracle reference strategy', () => {
  it('quotes what our rules quote when the theo equals the truth', () => {
    const truthQuotes = oracleQuoter(DEFAULT_QUOTING_PARAMS, () => () => 0.62)(ctx(0.4));
    const ourQuotesAtTruth = gameQuoter({ params: DEFAULT_QUOTING_PARAMS })(ctx(0.62));
    expect(truthQuotes.quotes).toEqual(ourQuotesAtTruth.quotes);
    expect(truthQuotes.quotes.length).toBeGreaterThan(0);
    const atTheo = gameQuoter({ params: DEFAULT_QUOTING_PARAMS })(ctx(0.4));
    expect(truthQuotes.quotes).not.toEqual(atTheo.quotes);
  });

  it('quotes nothing before the truth is bound', () => {
    expect(oracleQuoter(DEFAULT_QUOTING_PARAMS, () => null)(ctx(0.5)).quotes).toEqual([]);
  });
});
