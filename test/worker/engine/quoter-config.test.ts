import { describe, expect, it } from 'vitest';
import { parseEngineConfig } from '../../../shared/config/engine-config.ts';
import { quoterSettings } from '../../../worker/engine/adapters/quoter.ts';

describe('the quoter is configured from the engine config (quoting params)', () => {
  it('defaults: 60 s competition memory, 10-contract / 30 s per-leg sweep guard released by a newer theo, the news guard across the game, markout-driven taper with the lot floor, flat minimum edge (STRATEGY-RESULTS §16)', () => {
    const s = quoterSettings({ params: parseEngineConfig({}).quoting });
    expect(s.competitionMemoryMs).toBe(60_000);
    expect(s.sweepRule).toMatchObject({ size: 1_000, windowMs: 30_000, release: 'theo-update' });
    expect(s.sweepScope).toBe('leg');
    expect(s.params.dispersionEdge).toBe(0);
    // the theo-age edge and the sweep lean are off (STRATEGY-RESULTS §17)
    expect(s.params).toMatchObject({ theoAgeEdge: 0, newsLean: 0 });
    // the news guard (docs/STRATEGY-RESULTS.md §14): 15 contracts one way across a game within 5 s, held ≤ 120 s
    expect(s.newsRule).toMatchObject({ sweepSize: 1_500, windowMs: 5_000, holdMs: 120_000 });
    expect(s.params).toMatchObject({ newsRefresh: true, sharpLean: 0 });
    expect(s.params).toMatchObject({ toxicityTaper: true, toxicityScope: 'game', toxicityTaperFloor: 'lot' });
  });

  it('a config file sets every memory length, switch and the theo-quality edge', () => {
    const quoting = {
      competitionMemoryMs: 20_000,
      sweepSize: 500,
      sweepWindowMs: 120_000,
      sweepScope: 'game',
      sweepRelease: 'theo-moved',
      minEdge: 10_000,
      dispersionEdge: 1,
      maxMinEdge: 40_000,
    };
    const s = quoterSettings({ params: parseEngineConfig({ quoting }).quoting });
    expect(s.competitionMemoryMs).toBe(20_000);
    expect(s.sweepRule).toEqual({ size: 500, windowMs: 120_000, release: 'theo-moved', releaseMove: 0.01 });
    expect(s.sweepScope).toBe('game');
    expect(s.params).toMatchObject({ dispersionEdge: 1, maxMinEdge: 40_000 });
  });

  it('a bad value names its field', () => {
    expect(() => parseEngineConfig({ quoting: { sweepScope: 'market' } })).toThrow(/quoting\.sweepScope/);
    expect(() => parseEngineConfig({ quoting: { sweepWindowMs: 0 } })).toThrow(/quoting\.sweepWindowMs/);
    expect(() => parseEngineConfig({ quoting: { dispersionEdge: -1 } })).toThrow(/quoting\.dispersionEdge/);
    expect(() => parseEngineConfig({ quoting: { toxicityTaperFloor: 'half' } })).toThrow(
      /quoting\.toxicityTaperFloor/,
    );
    expect(parseEngineConfig({ quoting: { toxicityTaperFloor: 'lot' } }).quoting.toxicityTaperFloor).toBe(
      'lot',
    );
  });
});
