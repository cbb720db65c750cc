/**
 * The simulator keeps its own table of Kalshi's ladder series (the exchange's
 * knowledge, sim/kalshi/ladder-series.ts) apart from the product's mapping
 * (shared/mapping/strikes.ts). This test (which may import both) keeps them
 * from drifting apart silently: every series the simulated exchange lists is
 * one the product maps, with the same kind and the same sport.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_STRIKE_SERIES } from '../../../shared/mapping/strikes.ts';
import { ladderSeriesFor, SIM_LADDER_SERIES } from '../../../sim/kalshi/ladder-series.ts';

describe('the simulator’s ladder series', () => {
  it('lists some series (guards against a vacuous pass)', () => {
    expect(Object.keys(SIM_LADDER_SERIES).length).toBeGreaterThan(0);
  });

  it('every series the simulator lists is one the product maps, with the same kind and sport', () => {
    for (const [series, sim] of Object.entries(SIM_LADDER_SERIES)) {
      expect({ series, ...DEFAULT_STRIKE_SERIES[series] }).toEqual({ series, ...sim });
    }
  });

  it('at most one series per sport and kind, so a game’s ladder has one home', () => {
    const seen = new Set<string>();
    for (const s of Object.values(SIM_LADDER_SERIES)) {
      const key = `${s.sportKey}/${s.kind}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
    }
  });

  it('ladderSeriesFor finds a sport’s series by kind, and none where Kalshi lists none', () => {
    expect(ladderSeriesFor('basketball_nba', 'spread')).toBe('KXNBASPREAD');
    expect(ladderSeriesFor('americanfootball_nfl', 'total')).toBe('KXNFLTOTAL');
    expect(ladderSeriesFor('basketball_wnba', 'spread')).toBeUndefined();
    expect(ladderSeriesFor('icehockey_nhl', 'total')).toBeUndefined();
  });
});
