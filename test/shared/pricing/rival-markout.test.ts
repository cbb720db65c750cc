import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RIVAL_RULE,
  EMPTY_RIVAL_MARKOUTS,
  informedness,
  poolTallies,
  type RivalMarkouts,
  rivalLeanedTheo,
  rivalView,
  stepRivalMarkouts,
  warnedSide,
} from '../../../shared/pricing/rival-markout.ts';

const RULE = DEFAULT_RIVAL_RULE;
const lvl = (cents: number, size = 1_000) => ({ price: cents * 10_000, size });

/**
 * A market where, every `sampleMs`, the others' middle sits `gap` from our theo and the theo then
 * moves `follow × gap` by the horizon: a rival the theo follows (1), ignores (0) or leaves (−1).
 */
function history(follow: number, gap: number, steps: number, theo0 = 0.5): RivalMarkouts {
  let m = EMPTY_RIVAL_MARKOUTS;
  let theo = theo0;
  for (let k = 0; k < steps; k++) {
    const now = k * RULE.sampleMs;
    // The theo moves towards (or away from) where the rival was one horizon ago.
    const lag = k * RULE.sampleMs - RULE.horizonMs;
    theo = lag >= 0 ? theo0 + follow * gap : theo0;
    m = stepRivalMarkouts(m, now, theo, theo0 + gap, RULE);
  }
  return m;
}

describe('rivalView', () => {
  it('the middle of a narrow two-sided quote; nothing for one side, a small level, a wide or crossed book', () => {
    expect(rivalView(lvl(48), lvl(52), 100, 0.1)).toBeCloseTo(0.5, 12);
    expect(rivalView(lvl(48), null, 100, 0.1)).toBeNull();
    expect(rivalView(lvl(48, 50), lvl(52), 100, 0.1)).toBeNull();
    expect(rivalView(lvl(3), lvl(97), 100, 0.1)).toBeNull();
    expect(rivalView(lvl(52), lvl(52), 100, 0.1)).toBeNull();
  });
});

describe('stepRivalMarkouts / informedness', () => {
  it('a rival the theo follows is informed (β near 1 after enough samples); one it ignores or leaves is not', () => {
    const right = informedness(history(1, 0.03, 200).tally, RULE);
    const noise = informedness(history(0, 0.03, 200).tally, RULE);
    const behind = informedness(history(-1, 0.03, 200).tally, RULE);
    expect(right).toBeGreaterThan(0.8);
    expect(noise).toBe(0);
    expect(behind).toBe(0);
  });

  it('shrunk by the prior: a few right samples are not yet trust', () => {
    // 14 samples: two marked (the horizon is 12 samples long) — below trust
    const early = informedness(history(1, 0.01, 14).tally, RULE);
    expect(early).toBeGreaterThan(0);
    expect(early).toBeLessThan(RULE.trust);
  });

  it('ignores tick-size gaps and samples at most once per sampleMs', () => {
    let m = stepRivalMarkouts(EMPTY_RIVAL_MARKOUTS, 0, 0.5, 0.502, RULE);
    expect(m).toBe(EMPTY_RIVAL_MARKOUTS);
    m = stepRivalMarkouts(m, 0, 0.5, 0.52, RULE);
    expect(m.pending).toHaveLength(1);
    expect(stepRivalMarkouts(m, RULE.sampleMs - 1, 0.5, 0.53, RULE).pending).toHaveLength(1);
    expect(stepRivalMarkouts(m, RULE.sampleMs, 0.5, 0.53, RULE).pending).toHaveLength(2);
  });

  it('bounded memory: pending never past maxPending; unmarkable samples (no theo) dropped after twice the horizon', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            dt: fc.integer({ min: 0, max: 60_000 }),
            theo: fc.option(fc.double({ min: 0.05, max: 0.95, noNaN: true }), { nil: null }),
            view: fc.option(fc.double({ min: 0.05, max: 0.95, noNaN: true }), { nil: null }),
          }),
          { maxLength: 200 },
        ),
        (steps) => {
          let m = EMPTY_RIVAL_MARKOUTS;
          let now = 0;
          for (const s of steps) {
            now += s.dt;
            m = stepRivalMarkouts(m, now, s.theo, s.view, RULE);
            expect(m.pending.length).toBeLessThanOrEqual(RULE.maxPending);
            for (const p of m.pending) expect(now - p.t).toBeLessThan(2 * RULE.horizonMs);
            const b = informedness(m.tally, RULE);
            expect(b).toBeGreaterThanOrEqual(0);
            expect(b).toBeLessThanOrEqual(1);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('decays: with no new evidence β fades towards the prior’s 0', () => {
    const m = history(1, 0.03, 200);
    const later = poolTallies([m.tally], m.tally.atMs + 10 * RULE.halfLifeMs, RULE.halfLifeMs);
    expect(informedness(later, RULE)).toBeLessThan(informedness(m.tally, RULE));
  });
});

describe('rivalLeanedTheo / warnedSide', () => {
  it('leans towards the view by β × gap, never past maxShift nor past the view, inside (0, 1) (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 0.1, noNaN: true }),
        (theo, view, beta, maxShift) => {
          const p = rivalLeanedTheo(theo, view, beta, maxShift);
          expect(p).toBeGreaterThan(0);
          expect(p).toBeLessThan(1);
          expect(Math.abs(p - theo)).toBeLessThanOrEqual(maxShift + 1e-12);
          // towards the view, never beyond it
          if (view >= theo) expect(p).toBeGreaterThanOrEqual(Math.min(theo, 0.999) - 1e-12);
          else expect(p).toBeLessThanOrEqual(Math.max(theo, 0.001) + 1e-12);
          expect(Math.abs(p - theo)).toBeLessThanOrEqual(Math.abs(view - theo) + 1e-12);
        },
      ),
    );
    expect(rivalLeanedTheo(0.5, null, 1, 0.02)).toBe(0.5);
    expect(rivalLeanedTheo(0.5, 0.45, 0, 0.02)).toBe(0.5);
    expect(rivalLeanedTheo(0.5, 0.45, 0.5, 0.02)).toBeCloseTo(0.49, 12);
  });

  it('an informed rival valuing below our theo warns our bid, above it our ask; not below trust or within minGap', () => {
    expect(warnedSide(0.5, 0.47, 0.5, RULE)).toBe('bid');
    expect(warnedSide(0.5, 0.53, 0.5, RULE)).toBe('ask');
    expect(warnedSide(0.5, 0.47, RULE.trust - 0.01, RULE)).toBeNull();
    expect(warnedSide(0.5, 0.502, 1, RULE)).toBeNull();
    expect(warnedSide(0.5, null, 1, RULE)).toBeNull();
  });
});
