import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_QUOTING_PARAMS as P } from '../../../shared/pricing/params.ts';
import type { Contract } from '../../../shared/risk/payoff.ts';
import { type ModelStrikeQuoteInput, modelStrikeQuotes } from '../../../worker/engine/ladder-quotes.ts';
import type { StrikeQuoteInput } from '../../../worker/engine/ladder-theos.ts';
import type { LiveOrder, MarketBook } from '../../../worker/engine/ports.ts';

const cents = (n: number) => n * 10_000;
const contracts = new Map<string, Contract>([
  ['HOME', { kind: 'winner', side: 'home' }],
  ['AWAY', { kind: 'winner', side: 'away' }],
  ['SP3', { kind: 'spread', direction: 'over', threshold: 2.5 }],
  ['SP7', { kind: 'spread', direction: 'over', threshold: 6.5 }],
  ['TO220', { kind: 'total', direction: 'over', threshold: 220.5 }],
]);
const STRIKES = ['SP3', 'SP7', 'TO220'];
const markets = new Map(STRIKES.map((t) => [t, { contract: contracts.get(t)! }]));

const arbLevel = fc.record({
  price: fc.integer({ min: 1, max: 99 }).map(cents),
  size: fc.integer({ min: 1, max: 30 }).map((n) => n * 100),
});
const arbBook = (ticker: string) =>
  fc
    .record({
      bids: fc.array(arbLevel, { maxLength: 2 }),
      asks: fc.array(arbLevel, { maxLength: 2 }),
      valid: fc.boolean(),
    })
    .map(
      (b): MarketBook => ({
        ticker,
        bids: [...b.bids].sort((x, y) => y.price - x.price),
        asks: [...b.asks].sort((x, y) => x.price - y.price),
        valid: b.valid,
        updatedMs: 0,
      }),
    );
/** What moves between two requotes of the game: one thing at a time, as a book delta does. */
const arbMove = fc.oneof(
  fc.record({
    kind: fc.constant('bids' as const),
    at: fc.nat(2),
    levels: fc.array(arbLevel, { maxLength: 2 }),
  }),
  fc.record({
    kind: fc.constant('asks' as const),
    at: fc.nat(2),
    levels: fc.array(arbLevel, { maxLength: 2 }),
  }),
  fc.record({ kind: fc.constant('valid' as const), at: fc.nat(2), valid: fc.boolean() }),
  fc.record({
    kind: fc.constant('own' as const),
    at: fc.nat(2),
    side: fc.constantFrom('bid' as const, 'ask' as const),
    price: fc.integer({ min: 1, max: 99 }).map(cents),
  }),
  fc.record({
    kind: fc.constant('fill' as const),
    ticker: fc.constantFrom('HOME', ...STRIKES),
    position: fc.integer({ min: -20, max: 20 }).map((n) => n * 100),
    entry: fc.option(fc.integer({ min: 1, max: 99 }).map(cents), { nil: undefined }),
  }),
  fc.record({ kind: fc.constant('size' as const), size: fc.constantFrom(100, 300, 500) }),
  fc.record({ kind: fc.constant('limit' as const), limit: fc.constantFrom(2_000_000, 15_000_000) }),
  fc.record({ kind: fc.constant('none' as const) }),
);

describe('strike prices are kept per strike while their inputs stand', () => {
  it('a requote that reuses them quotes what pricing every strike afresh quotes', () => {
    const priced: StrikeQuoteInput[] = STRIKES.map((ticker, i) => ({
      ticker,
      probability: 0.3 + 0.2 * i,
      extraEdge: i === 1 ? 0.01 : 0,
      fittedFrom: [],
    }));
    fc.assert(
      fc.property(
        fc.tuple(...STRIKES.map(arbBook)),
        fc.array(arbMove, { minLength: 1, maxLength: 20 }),
        (start, moves) => {
          const books = new Map(start.map((b) => [b.ticker, b]));
          let own: LiveOrder[] = [];
          const positions = new Map<string, number>();
          const entries = new Map<string, number>();
          let size = 500;
          let limit = 15_000_000;
          for (const m of moves) {
            const t = 'at' in m ? STRIKES[m.at]! : '';
            if (m.kind === 'bids')
              books.set(t, { ...books.get(t)!, bids: [...m.levels].sort((x, y) => y.price - x.price) });
            if (m.kind === 'asks')
              books.set(t, { ...books.get(t)!, asks: [...m.levels].sort((x, y) => x.price - y.price) });
            if (m.kind === 'valid') books.set(t, { ...books.get(t)!, valid: m.valid });
            if (m.kind === 'own')
              own = [
                ...own,
                {
                  orderId: `o${own.length}`,
                  clientOrderId: null,
                  ticker: t,
                  side: m.side,
                  price: m.price,
                  remaining: 100,
                  state: 'resting',
                } as LiveOrder,
              ];
            if (m.kind === 'fill') {
              positions.set(m.ticker, m.position);
              if (m.entry === undefined) entries.delete(m.ticker);
              else entries.set(m.ticker, m.entry);
            }
            if (m.kind === 'size') size = m.size;
            if (m.kind === 'limit') limit = m.limit;
            const input = (p: readonly StrikeQuoteInput[]): ModelStrikeQuoteInput => ({
              priced: p,
              markets,
              books: new Map(books),
              own,
              payoff: { contracts, entryPrices: new Map(entries), limit, ties: false },
              positions: new Map(positions),
              params: P,
              size,
            });
            // the same strike inputs every requote (kept) against copies never seen (priced afresh)
            expect(modelStrikeQuotes(input(priced))).toEqual(
              modelStrikeQuotes(input(priced.map((p) => ({ ...p })))),
            );
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
