import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_QUOTING_PARAMS, type QuotingParams } from '../../../shared/pricing/params.ts';
import { gameQuoter } from '../../../worker/engine/adapters/quoter.ts';
import type { QuoteContext } from '../../../worker/engine/ports.ts';
import { A, at, B, c, T0 } from './two-way-game.ts';

type Q = ReturnType<ReturnType<typeof gameQuoter>>;
const price = (q: Q, ticker: string, side: 'bid' | 'ask') =>
  q.quotes.find((x) => x.ticker === ticker && x.side === side)?.price;
const sides = (q: Q) => q.quotes.map((x) => `${x.ticker === A ? 'A' : 'B'} ${x.side}`).sort();

const BASE: QuotingParams = { ...DEFAULT_QUOTING_PARAMS, toxicityTaper: false };
const LEAN: QuotingParams = { ...BASE, newsLean: 2 };

/** A sweep of both legs (our Boston bid hit, our Milwaukee ask lifted), then a decision at `later`. */
function swept(params: QuotingParams, later: QuoteContext): Q {
  const q = gameQuoter({ params });
  q(at(T0, 0, 0, T0));
  q(at(T0 + 1_000, 1_000, -1_000, T0));
  return q(later);
}

describe('gameQuoter sweep lean (newsLean)', () => {
  it('off by default; on, the held sides stay pulled and the other sides follow the price the sweep showed', () => {
    const later = at(T0 + 3_000, 1_000, -1_000, T0 + 3_000);
    const plain = swept(BASE, later);
    const lean = swept(LEAN, later);
    expect(sides(plain)).toEqual(['A ask', 'B bid']);
    expect(sides(lean)).toEqual(['A ask', 'B bid']);
    // Boston was sold to us by someone who knew: its ask comes down by 2 minimum edges (4¢), Milwaukee's bid up
    expect(price(lean, A, 'ask')).toBe(price(plain, A, 'ask')! - c(4));
    expect(price(lean, B, 'bid')).toBe(price(plain, B, 'bid')! + c(4));
    expect(swept(DEFAULT_QUOTING_PARAMS, later).quotes).toEqual(
      swept({ ...DEFAULT_QUOTING_PARAMS, newsLean: 0 }, later).quotes,
    );
  });

  it('the lean does not release its own hold, and it ends with the hold', () => {
    const q = gameQuoter({ params: { ...LEAN, newsHoldMs: 90_000 } });
    q(at(T0, 0, 0, T0));
    q(at(T0 + 1_000, 1_000, -1_000, T0));
    expect(sides(q(at(T0 + 60_000, 1_000, -1_000, T0 + 60_000)))).toEqual(['A ask', 'B bid']);
    const after = q(at(T0 + 91_000, 1_000, -1_000, T0 + 60_000));
    expect(sides(after)).toHaveLength(4);
    const fresh = gameQuoter({ params: BASE });
    fresh(at(T0, 1_000, -1_000, T0 + 60_000));
    expect(price(after, A, 'ask')).toBe(price(fresh(at(T0 + 91_000, 1_000, -1_000, T0 + 60_000)), A, 'ask'));
  });

  it('never moves a quote against the sweep and never adds a side (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_000, max: 150_000 }),
        fc.double({ min: 0.3, max: 0.7, noNaN: true }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        (dt, boston, w) => {
          const later = at(T0 + 1_000 + dt, 1_000, -1_000, T0 + dt, boston);
          const plain = swept(BASE, later);
          const lean = swept({ ...BASE, newsLean: w }, later);
          expect(sides(lean)).toEqual(sides(plain));
          for (const x of lean.quotes) {
            const p = price(plain, x.ticker, x.side)!;
            // Boston's truth is below: its quotes only come down; Milwaukee's only go up
            if (x.ticker === A) expect(x.price).toBeLessThanOrEqual(p);
            else expect(x.price).toBeGreaterThanOrEqual(p);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
