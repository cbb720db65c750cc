import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GameState } from '../../../worker/engine/game-state.ts';
import {
  gameContracts,
  payoffLimitOf,
  quotedStrikes,
  strikeQuotes,
} from '../../../worker/engine/ladder-quotes.ts';
import type { MarketBook } from '../../../worker/engine/ports.ts';

const CENT = 10_000;

describe('strike quotes', () => {
  it('bid < theo − edge ≤ … on whole cents, never at or through the other side of the book', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.double({ min: 0, max: 0.05, noNaN: true }),
        fc.integer({ min: 0, max: 50_000 }),
        fc.integer({ min: 1, max: 98 }),
        fc.integer({ min: 1, max: 98 }),
        (probability, extraEdge, minEdge, b, spread) => {
          const bestBid = b * CENT;
          const bestAsk = Math.min(99, b + spread) * CENT;
          const book: MarketBook = {
            ticker: 'S',
            bids: [{ price: bestBid, size: 100 }],
            asks: [{ price: bestAsk, size: 100 }],
            valid: true,
            updatedMs: 0,
          };
          const qs = strikeQuotes(
            [{ ticker: 'S', probability, extraEdge, fittedFrom: [] }],
            new Map([['S', book]]),
            { minEdge, size: 500 },
          );
          const theo = probability * 1_000_000;
          const edge = minEdge + extraEdge * 1_000_000;
          for (const q of qs) {
            expect(q.price % CENT).toBe(0);
            expect(q.price).toBeGreaterThanOrEqual(CENT);
            expect(q.price).toBeLessThanOrEqual(99 * CENT);
            expect(q.size).toBe(500);
            if (q.side === 'bid') {
              expect(q.price).toBeLessThanOrEqual(theo - edge);
              expect(q.price).toBeLessThan(bestAsk);
            } else {
              expect(q.price).toBeGreaterThanOrEqual(theo + edge);
              expect(q.price).toBeGreaterThan(bestBid);
            }
          }
        },
      ),
    );
  });

  it('a strike whose book is not valid (or absent) is not quoted', () => {
    const input = [{ ticker: 'S', probability: 0.5, extraEdge: 0, fittedFrom: [] }];
    const book: MarketBook = { ticker: 'S', bids: [], asks: [], valid: false, updatedMs: 0 };
    expect(strikeQuotes(input, new Map([['S', book]]), { minEdge: 0, size: 100 })).toEqual([]);
    expect(strikeQuotes(input, new Map(), { minEdge: 0, size: 100 })).toEqual([]);
  });
});

const gameWith = (outcomes: string[], theo: string[] | null): GameState =>
  ({
    game: {
      eventTicker: 'E',
      homeTeam: 'Milwaukee',
      awayTeam: 'Boston',
      markets: outcomes.map((o) => ({ ticker: `E-${o}`, outcome: o })),
    },
    tickers: outcomes.map((o) => `E-${o}`),
    theo: theo ? { probabilities: Object.fromEntries(theo.map((o) => [o, 1 / theo.length])) } : null,
    ladder: {
      events: ['L'],
      mapped: [
        { ticker: 'T220', eventTicker: 'L', query: { kind: 'total', direction: 'over', threshold: 220.5 } },
      ],
      unmapped: [],
    },
  }) as unknown as GameState;

describe('the payoff join of a game with strikes', () => {
  it('winner markets are home/away, strikes their query', () => {
    const g = gameWith(['Boston', 'Milwaukee'], ['Boston', 'Milwaukee']);
    expect(gameContracts(g)).toEqual(
      new Map([
        ['E-Boston', { kind: 'winner', side: 'away' }],
        ['E-Milwaukee', { kind: 'winner', side: 'home' }],
        ['T220', { kind: 'total', direction: 'over', threshold: 220.5 }],
      ]),
    );
    expect(quotedStrikes(g)).toEqual(['T220']);
  });

  it('a TIE market pays on a draw (margin 0): its game quotes its strikes, the draw an outcome of its payoff', () => {
    const withTie = gameWith(['Boston', 'Milwaukee', 'Tie'], ['Boston', 'Milwaukee', 'Tie']);
    expect(gameContracts(withTie)?.get('E-Tie')).toEqual({ kind: 'draw' });
    expect(quotedStrikes(withTie)).toEqual(['T220']);
    // Listed without a draw in the theo, the TIE market still makes margin 0 an outcome (never understated).
    const tieNoDraw = gameWith(['Boston', 'Milwaukee', 'Tie'], ['Boston', 'Milwaukee']);
    expect(payoffLimitOf(tieNoDraw, gameContracts(tieNoDraw)!, new Map(), 1).ties).toBe(true);
    // Two markets that are neither team: not a game the payoff can read — no strikes.
    const odd = gameWith(['Boston', 'Milwaukee', 'Tie', 'Other'], ['Boston', 'Milwaukee', 'Tie', 'Other']);
    expect(gameContracts(odd)).toBeNull();
    expect(quotedStrikes(odd)).toEqual([]);
  });

  it('the limit is the Centis limit as dollars at risk; the draw counts when the theo has one or is missing', () => {
    const g = gameWith(['Boston', 'Milwaukee'], ['Boston', 'Milwaukee']);
    const p = payoffLimitOf(g, gameContracts(g)!, new Map(), 1_500);
    expect(p.limit).toBe(15_000_000);
    expect(p.ties).toBe(false);
    expect(
      payoffLimitOf(
        gameWith(['Boston', 'Milwaukee'], ['Boston', 'Milwaukee', 'Draw']),
        new Map(),
        new Map(),
        1,
      ).ties,
    ).toBe(true);
    expect(payoffLimitOf(gameWith(['Boston', 'Milwaukee'], null), new Map(), new Map(), 1).ties).toBe(true);
  });
});
