import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEngineConfig } from '../../../shared/config/engine-config.ts';
import { DEFAULT_QUOTING_PARAMS, type QuotingParams } from '../../../shared/pricing/params.ts';
import { gameQuoter, quoterSettings } from '../../../worker/engine/adapters/quoter.ts';
import { A, at, c, T0 } from './two-way-game.ts';

const sides = (q: ReturnType<ReturnType<typeof gameQuoter>>) =>
  q.quotes.map((x) => `${x.ticker === A ? 'A' : 'B'} ${x.side}`).sort();
/**
 * The news guard over the rules it was measured against (docs/STRATEGY-RESULTS.md §14): the per-leg sweep
 * guard released by any newer theo and the blind taper, so what is pulled here is the news guard's doing.
 */
const BASE: QuotingParams = {
  ...DEFAULT_QUOTING_PARAMS,
  sweepScope: 'leg',
  sweepRelease: 'theo-update',
  toxicityTaper: false,
};
const NEWS: QuotingParams = { ...BASE, newsSweepSize: 1_500 };

describe('gameQuoter news guard', () => {
  it("holds a game's swept direction on both legs through a refresh at the same theo, until the theo moves the fills' way", () => {
    const plain = gameQuoter({ params: { ...BASE, newsSweepSize: 0 } });
    const news = gameQuoter({ params: NEWS });
    for (const qt of [plain, news]) qt(at(T0, 0, 0, T0));
    // our Boston bid hit and our Milwaukee ask lifted, 10 contracts each: 20 long Boston within a second
    for (const qt of [plain, news])
      expect(sides(qt(at(T0 + 1_000, 1_000, -1_000, T0)))).toEqual(['A ask', 'B bid']);
    // the refresh answers at once with books that have not moved yet: the per-leg guard lets go, the news guard holds
    expect(sides(plain(at(T0 + 3_000, 1_000, -1_000, T0 + 3_000)))).toHaveLength(4);
    const held = news(at(T0 + 3_000, 1_000, -1_000, T0 + 3_000));
    expect(sides(held)).toEqual(['A ask', 'B bid']);
    expect(held.modes[`${A}|bid`]).toBe('off:swept');
    expect(held.reasons.some((r) => r.includes('news'))).toBe(true);
    // still held 60 s on, past the per-leg window, at a theo 1¢ down (less than the 2¢ minimum edge)
    expect(sides(news(at(T0 + 61_000, 1_000, -1_000, T0 + 60_000, 0.49)))).toEqual(['A ask', 'B bid']);
    // the theo falls 3¢ on Boston, the fills' way: quoting resumes on all four sides
    expect(sides(news(at(T0 + 62_000, 1_000, -1_000, T0 + 62_000, 0.47)))).toHaveLength(4);
  });

  it('lets go after newsHoldMs even if the theo never moves', () => {
    const news = gameQuoter({ params: { ...NEWS, newsHoldMs: 90_000 } });
    news(at(T0, 0, 0, T0));
    news(at(T0 + 1_000, 1_000, -1_000, T0));
    expect(sides(news(at(T0 + 90_000, 1_000, -1_000, T0 + 60_000)))).toEqual(['A ask', 'B bid']);
    expect(sides(news(at(T0 + 91_000, 1_000, -1_000, T0 + 60_000)))).toHaveLength(4);
  });

  it('one full quote taken (a retail taker) is no sweep: the refreshed theo releases it as before', () => {
    const news = gameQuoter({ params: NEWS });
    news(at(T0, 0, 0, T0));
    expect(sides(news(at(T0 + 1_000, 1_000, 0, T0)))).toEqual(['A ask', 'B ask', 'B bid']); // the per-leg guard
    expect(sides(news(at(T0 + 3_000, 1_000, 0, T0 + 3_000)))).toHaveLength(4);
  });

  it('leans the theo to the sharp book by sharpLean while the snapshot carries a lead', () => {
    const mid = (q: ReturnType<ReturnType<typeof gameQuoter>>) => {
      const bid = q.quotes.find((x) => x.ticker === A && x.side === 'bid')!.price;
      const ask = q.quotes.find((x) => x.ticker === A && x.side === 'ask')!.price;
      return (bid + ask) / 2;
    };
    const flat = gameQuoter({ params: BASE })(at(T0, 0, 0, T0, 0.5, 0.06));
    const leaned = gameQuoter({ params: { ...BASE, sharpLean: 1 } })(at(T0, 0, 0, T0, 0.5, 0.06));
    const at56 = gameQuoter({ params: BASE })(at(T0, 0, 0, T0, 0.56));
    expect(mid(flat)).toBe(c(50));
    expect(mid(leaned)).toBe(mid(at56)); // priced exactly as a theo of 0.56
  });

  it('is configured from the engine config; a bad value names its field', () => {
    const quoting = {
      newsSweepSize: 2_000,
      newsWindowMs: 8_000,
      newsHoldMs: 90_000,
      minEdge: 10_000,
      sharpLean: 0.5,
    };
    const s = quoterSettings({ params: parseEngineConfig({ quoting }).quoting });
    expect(s.newsRule).toEqual({ sweepSize: 2_000, windowMs: 8_000, holdMs: 90_000, releaseMove: 0.01 });
    expect(s.params.sharpLean).toBe(0.5);
    expect(() => parseEngineConfig({ quoting: { sharpLean: 2 } })).toThrow(/quoting\.sharpLean/);
    expect(() => parseEngineConfig({ quoting: { newsSweepSize: -1 } })).toThrow(/quoting\.newsSweepSize/);
  });

  it('only ever removes quotes (property)', () => {
    const step = fc.record({
      dt: fc.integer({ min: 1, max: 20_000 }),
      a: fc.integer({ min: -2_000, max: 2_000 }),
      b: fc.integer({ min: -2_000, max: 2_000 }),
      theo: fc.double({ min: 0.2, max: 0.8, noNaN: true }),
      refresh: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 12 }), (steps) => {
        const guarded = gameQuoter({ params: NEWS });
        const plain = gameQuoter({ params: { ...BASE, newsSweepSize: 0 } });
        let now = T0;
        let theoMs = T0;
        for (const s of steps) {
          now += s.dt;
          if (s.refresh) theoMs = now;
          const ctx = at(now, s.a, s.b, theoMs, s.theo);
          const g = guarded(ctx).quotes;
          const p = new Map(plain(ctx).quotes.map((q) => [`${q.ticker}|${q.side}`, q]));
          for (const q of g) expect(p.get(`${q.ticker}|${q.side}`)).toEqual(q);
        }
      }),
      { numRuns: 100 },
    );
  });
});
