import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  estimateIntensityMle,
  estimateIntensityRegression,
  estimateSigma,
  logitSigmaToProbability,
} from '../../../shared/pricing/estimation.ts';

describe('arrival intensity λ(δ) = A·e^{−kδ} (hand-computed)', () => {
  it('continuous MLE: k = n / Σ(δ − δ0), A = (n/T)·e^{kδ0}', () => {
    // distances 1¢, 2¢, 3¢ over 10 s: k = 3 / 0.06 = 50 per $, A = 3/10 = 0.3 per s
    const r = estimateIntensityMle([0.01, 0.02, 0.03], 10);
    expect(r?.k).toBeCloseTo(50, 9);
    expect(r?.arrivalRate).toBeCloseTo(0.3, 9);
    // δ0 = 1¢: k = 3 / (0 + 0.01 + 0.02) = 100, A = 0.3·e^{100·0.01} = 0.3·e = 0.815485
    const t = estimateIntensityMle([0.01, 0.02, 0.03], 10, { minDistance: 0.01 });
    expect(t?.k).toBeCloseTo(100, 9);
    expect(t?.arrivalRate).toBeCloseTo(0.3 * Math.E, 9);
  });

  it('tick MLE (geometric): ρ = S/(n + S), k = −ln ρ / tick', () => {
    // S = 1 + 2 + 3 = 6 ticks, n = 3: ρ = 6/9 = 2/3, k = ln(1.5)/0.01 = 40.5465
    const r = estimateIntensityMle([0.01, 0.02, 0.03], 10, { tick: 0.01 });
    expect(r?.k).toBeCloseTo(Math.log(1.5) / 0.01, 9);
  });

  it('log-linear regression on exact halving counts: k = ln 2 / 1¢, r² = 1', () => {
    // ≥0¢: 80, ≥1¢: 40, ≥2¢: 20, ≥3¢: 10 trades over 100 s → λ halves per cent
    const d = [
      ...Array(40).fill(0),
      ...Array(20).fill(0.01),
      ...Array(10).fill(0.02),
      ...Array(10).fill(0.03),
    ];
    const r = estimateIntensityRegression(d, 100, [0, 0.01, 0.02, 0.03]);
    expect(r?.k).toBeCloseTo(Math.LN2 / 0.01, 6);
    expect(r?.arrivalRate).toBeCloseTo(0.8, 9);
    expect(r?.r2).toBeCloseTo(1, 12);
  });

  it('too little data gives null, not a guess', () => {
    expect(estimateIntensityMle([0.01], 10)).toBeNull();
    expect(estimateIntensityMle([0, 0, 0], 10)).toBeNull();
    expect(estimateIntensityMle([0.01, 0.02], 0)).toBeNull();
    expect(estimateIntensityRegression([0.01], 10, [0, 0.01, 0.02])).toBeNull();
  });

  it('property: recovers k from simulated exponential distances (n = 4000) within 10%', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.double({ min: 10, max: 200, noNaN: true }),
        (seed, k) => {
          let s = seed;
          const rand = () => {
            // mulberry32: deterministic per seed
            s = (s + 0x6d2b79f5) | 0;
            let t = Math.imul(s ^ (s >>> 15), 1 | s);
            t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
            return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
          };
          const d = Array.from({ length: 4000 }, () => -Math.log(1 - rand()) / k);
          const mle = estimateIntensityMle(d, 1000);
          expect(Math.abs((mle?.k ?? 0) / k - 1)).toBeLessThan(0.1);
          expect(Math.abs((mle?.arrivalRate ?? 0) / 4 - 1)).toBeLessThan(1e-9);
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('σ from theo changes (hand-computed)', () => {
  it('probability space: Σ Δp² / Σ Δt', () => {
    // 0.50 → 0.51 → 0.49 over 200 s: (1e-4 + 4e-4)/200 = 2.5e-6 → σ = 0.00158114
    const samples = [
      { t: 0, p: 0.5 },
      { t: 100_000, p: 0.51 },
      { t: 200_000, p: 0.49 },
    ];
    expect(estimateSigma(samples)).toBeCloseTo(Math.sqrt(2.5e-6), 12);
    // unordered input is sorted first
    expect(estimateSigma([...samples].reverse())).toBeCloseTo(Math.sqrt(2.5e-6), 12);
  });

  it('EWMA half-life: the older interval weighs half', () => {
    // half-life 100 s, now = 200 s: weights 0.5 and 1 → (0.5·1e-4 + 4e-4)/(0.5·100 + 100) = 3e-6
    const samples = [
      { t: 0, p: 0.5 },
      { t: 100_000, p: 0.51 },
      { t: 200_000, p: 0.49 },
    ];
    expect(estimateSigma(samples, { halfLifeMs: 100_000 })).toBeCloseTo(Math.sqrt(3e-6), 12);
  });

  it('logit space and its local probability equivalent', () => {
    // logit(0.51) = −logit(0.49) = 0.0400053; Δx² = 0.00160043, 0.00640171 → /200 s
    const samples = [
      { t: 0, p: 0.5 },
      { t: 100_000, p: 0.51 },
      { t: 200_000, p: 0.49 },
    ];
    const x = Math.log(0.51 / 0.49);
    const sigma = estimateSigma(samples, { space: 'logit' }) as number;
    expect(sigma).toBeCloseTo(Math.sqrt((x * x + 4 * x * x) / 200), 12);
    expect(logitSigmaToProbability(sigma, 0.5)).toBeCloseTo(0.25 * sigma, 12);
  });

  it('invalid samples are dropped; too few give null', () => {
    expect(estimateSigma([{ t: 0, p: 0.5 }])).toBeNull();
    expect(
      estimateSigma([
        { t: 0, p: 0.5 },
        { t: 0, p: 0.6 },
      ]),
    ).toBeNull();
    expect(
      estimateSigma([
        { t: 0, p: 0.5 },
        { t: 50_000, p: Number.NaN },
        { t: 100_000, p: 1.2 },
        { t: 100_000, p: 0.51 },
      ]),
    ).toBeCloseTo(0.001, 12);
  });
});
