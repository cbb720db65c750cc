/**
 * The truth is a probability: over many seeds with real volatility and news,
 * a side the truth prices at p (at any time) wins p of the time, bucket by
 * bucket within its standard error. The Itô drift and the news jump keep each
 * outcome's probability driftless.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { itoDrift2, itoDrift3, moveHome, newsJump, sigmoid } from '../../../sim/scenario/martingale.ts';
import { Rng } from '../../../sim/scenario/rng.ts';
import { parseScenario } from '../../../sim/scenario/schema.ts';
import { calibrationTable, calibrationZ } from '../../../sim/scenario/stats.ts';
import { TruthPath } from '../../../sim/scenario/truth.ts';
import { game, START } from '../traders/helpers.ts';

function parsed(g: Record<string, unknown>) {
  return parseScenario({
    name: 't',
    bookmakers: [{ key: 'pinnacle', title: 'P', region: 'eu', vig: 0.02 }],
    games: [game(g)],
  }).games[0]!;
}

/** Truth at a random time of the path, and whether that side won, for `seeds` seeds. */
function samples(g: ReturnType<typeof parsed>, seeds: number) {
  const out: { p: number; won: boolean }[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const path = new TruthPath(g, START, seed);
    const pick = Rng.derive(seed, 'test/when');
    const { openMs, endMs } = path.times;
    const at = openMs + pick.next() * (endMs - openMs);
    const p = path.at(at);
    // Both sides of the 2-way (or every outcome of a 3-way) are forecasts.
    out.push({ p: p.home, won: path.outcome === 'home' }, { p: p.away, won: path.outcome === 'away' });
    if (p.draw !== undefined) out.push({ p: p.draw, won: path.outcome === 'draw' });
  }
  return out;
}

describe('the truth is a martingale in probability', () => {
  // Thousands of truth paths: 20+ s of CPU at load 30, near vitest's 30 s.
  it('2-way, lively game with news: calibrated bucket by bucket over 2,500 seeds', () => {
    const g = parsed({
      openMinute: 0,
      startMinute: 40,
      durationMinutes: 120,
      truth: {
        home: 0.68,
        volatility: 0.4,
        inGameVolatility: 1.6,
        jumps: [{ atMinute: 30, deltaLogit: -1.4, label: 'star out' }],
      },
    });
    const s = samples(g, 2500);
    const table = calibrationTable(s);
    for (const row of table) if (row.n >= 50) expect(Math.abs(row.z!), JSON.stringify(row)).toBeLessThan(3.5);
    // Favourites (p > 0.6) are where a driftless log-odds walk overcharged: 63.8 % for a 0.72.
    const favourites = s.filter((x) => x.p > 0.6);
    expect(Math.abs(calibrationZ(favourites))).toBeLessThan(3);
    expect(Math.abs(calibrationZ(s))).toBeLessThan(3);
  }, 60_000);

  // Thousands of truth paths, as above.
  it('3-way (draw), every outcome calibrated over 1,500 seeds', () => {
    const g = parsed({
      outcomes: 3,
      home: { name: 'Arsenal', code: 'ARS' },
      away: { name: 'Chelsea', code: 'CFC' },
      openMinute: 0,
      startMinute: 30,
      durationMinutes: 110,
      truth: {
        home: 0.5,
        draw: 0.26,
        volatility: 0.3,
        inGameVolatility: 1.8,
        jumps: [{ atMinute: 20, deltaLogit: 0.8 }],
      },
    });
    const s = samples(g, 1500);
    for (const row of calibrationTable(s)) if (row.n >= 50) expect(Math.abs(row.z!)).toBeLessThan(3.5);
    expect(Math.abs(calibrationZ(s.filter((x) => x.p > 0.55)))).toBeLessThan(3);
  }, 60_000);

  it('the news goes the labelled way with the chance that keeps the expectation', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.02, max: 0.98, noNaN: true }),
        fc.double({ min: -3, max: 3, noNaN: true }),
        (p, delta) => {
          const j = newsJump(p, delta);
          expect(j.labelledChance).toBeGreaterThanOrEqual(0);
          expect(j.labelledChance).toBeLessThanOrEqual(1);
          const expected = j.labelledChance * j.labelled + (1 - j.labelledChance) * j.reversed;
          expect(expected).toBeCloseTo(p, 9);
        },
      ),
    );
  });

  it('moving home keeps the draw and away in ratio', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.double({ min: 0.02, max: 0.98, noNaN: true }),
        (h, d, to) => {
          const [h2, d2] = moveHome(h, d, to);
          const z = 1 + Math.exp(h2) + Math.exp(d2);
          expect(Math.exp(h2) / z).toBeCloseTo(to, 9);
          expect(d2).toBe(d); // draw against away unchanged
        },
      ),
    );
  });

  it('the Itô drifts cancel the curvature: one small step keeps each expected probability', () => {
    // E[p(x + μdt + v√dt Z)] − p(x) = O(dt²): checked by Gauss–Hermite quadrature on a tiny step.
    const nodes = [-2.0201828705, -0.9585724646, 0, 0.9585724646, 2.0201828705];
    const weights = [0.0199532421, 0.3936193232, 0.9453087205, 0.3936193232, 0.0199532421].map(
      (w) => w / Math.sqrt(Math.PI),
    );
    const dt = 1e-3;
    fc.assert(
      fc.property(
        fc.double({ min: -4, max: 4, noNaN: true }),
        fc.double({ min: 0.1, max: 3, noNaN: true }),
        (h, v) => {
          const mu = itoDrift2(h, v);
          let e = 0;
          nodes.forEach((x, i) => {
            e += weights[i]! * sigmoid(h + mu * dt + v * Math.sqrt(dt) * Math.SQRT2 * x);
          });
          expect(Math.abs(e - sigmoid(h))).toBeLessThan(20 * dt * dt * v ** 4);
        },
      ),
    );
    fc.assert(
      fc.property(
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.double({ min: 0.1, max: 2, noNaN: true }),
        (h, d, v) => {
          const [mh, md] = itoDrift3(h, d, v, 0.5 * v);
          const probs = (a: number, b: number) => {
            const z = 1 + Math.exp(a) + Math.exp(b);
            return [Math.exp(a) / z, Math.exp(b) / z];
          };
          const e = [0, 0];
          nodes.forEach((x, i) => {
            nodes.forEach((y, k) => {
              const [ph, pd] = probs(
                h + mh * dt + v * Math.sqrt(dt) * Math.SQRT2 * x,
                d + md * dt + 0.5 * v * Math.sqrt(dt) * Math.SQRT2 * y,
              );
              e[0]! += weights[i]! * weights[k]! * ph!;
              e[1]! += weights[i]! * weights[k]! * pd!;
            });
          });
          const [ph, pd] = probs(h, d);
          const tolerance = 50 * dt * dt * v ** 4;
          expect(Math.abs(e[0]! - ph!)).toBeLessThan(tolerance);
          expect(Math.abs(e[1]! - pd!)).toBeLessThan(tolerance);
        },
      ),
    );
  });

  it('rejects a drift (it would make the truth no probability)', () => {
    expect(() => parsed({ truth: { home: 0.6, driftPerHour: 0.2 } })).toThrow(/must be 0/);
  });
});
