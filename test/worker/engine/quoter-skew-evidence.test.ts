import { describe, expect, it } from 'vitest';
import { parseEngineConfig } from '../../../shared/config/engine-config.ts';
import { DEFAULT_QUOTING_PARAMS, type QuotingParams } from '../../../shared/pricing/params.ts';
import { gameQuoter } from '../../../worker/engine/adapters/quoter.ts';
import type { GameQuotes } from '../../../worker/engine/ports.ts';
import { A, at, B, c, T0 } from './two-way-game.ts';

const price = (q: GameQuotes, ticker: string, side: 'bid' | 'ask') =>
  q.quotes.find((x) => x.ticker === ticker && x.side === side)?.price;
const priced = (q: GameQuotes) => q.quotes.map((x) => `${x.ticker} ${x.side} ${x.price} ${x.size}`).sort();

const OFF: QuotingParams = DEFAULT_QUOTING_PARAMS;
const ON: QuotingParams = { ...DEFAULT_QUOTING_PARAMS, skewEvidence: true };

describe('gameQuoter skewEvidence (evidence-skew.ts)', () => {
  it('is off by default and parsed from the config', () => {
    expect(parseEngineConfig({}).quoting.skewEvidence).toBe(false);
    expect(parseEngineConfig({ quoting: { skewEvidence: true } }).quoting.skewEvidence).toBe(true);
    expect(() => parseEngineConfig({ quoting: { skewEvidence: 'yes' } })).toThrow(/quoting\.skewEvidence/);
  });

  it('flat: the same quotes as without it (no inventory, nothing to skew)', () => {
    expect(priced(gameQuoter({ params: ON })(at(T0, 0, 0, T0)))).toEqual(
      priced(gameQuoter({ params: OFF })(at(T0, 0, 0, T0))),
    );
  });

  it('long 25 of 50 with no marked fills: only the lot floor of the skew, so the adding bid stays closer to theo', () => {
    // γ·p(1−p)·q = 0.004 · 0.25 · 25 = 2.5¢ of skew; with no evidence the lot floor 10/50 = 0.2 of it: 0.5¢
    const off = gameQuoter({ params: OFF })(at(T0, 2_500, 0, T0));
    const on = gameQuoter({ params: ON })(at(T0, 2_500, 0, T0));
    expect(price(on, A, 'bid')!).toBeGreaterThan(price(off, A, 'bid')!);
    expect(price(on, B, 'ask')!).toBeLessThan(price(off, B, 'ask')!);
    // never past the ceiling: theo − 2¢ minimum edge on the bid
    expect(price(on, A, 'bid')!).toBeLessThanOrEqual(c(48));
  });

  it('while a news hold stands the whole skew is back: the same quotes as without the switch', () => {
    const run = (params: QuotingParams) => {
      const qt = gameQuoter({ params });
      qt(at(T0, 0, 0, T0));
      // our Boston bid hit and our Milwaukee ask lifted, 10 contracts each within a second: a sweep
      qt(at(T0 + 1_000, 1_000, -1_000, T0));
      // a refresh at the same theo: the hold stands
      return qt(at(T0 + 3_000, 1_000, -1_000, T0 + 3_000));
    };
    const on = run(ON);
    expect(on.reasons.some((r) => r.includes('news'))).toBe(true);
    expect(priced(on)).toEqual(priced(run(OFF)));
    // without the news guard the same fills leave the skew at the floor: the switch would move the prices
    const noNews = (p: QuotingParams) => run({ ...p, newsSweepSize: 0, sweepSize: 100_000 });
    expect(priced(noNews(ON))).not.toEqual(priced(noNews(OFF)));
  });
});
