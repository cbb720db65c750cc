import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QuotingReason } from '../../../shared/liveness/quoting-state.ts';
import {
  batchMeansCi,
  effectEnd,
  eligibleSides,
  FEED_EFFECT_MAX_MS,
  type FeedSample,
  feedEffectEnd,
  type GameSample,
  isQuotable,
  livenessViolations,
  percentile,
  studentT975,
  UptimeTracker,
} from '../../../sim/scenario/uptime.ts';

const s = (game: string, reason: GameSample['reason'], resting: number, eligible = 4): GameSample => ({
  game,
  reason,
  eligibleSides: eligible,
  restingSides: resting,
});

describe('quoting uptime', () => {
  it('counts only quotable time, and only time with every eligible side resting as up', () => {
    const t = new UptimeTracker();
    t.observe(0, [s('G', 'quoting', 4), s('H', 'no-theo', 0)]);
    t.observe(60_000, [s('G', 'quoting', 3), s('H', 'no-theo', 0)]);
    t.observe(70_000, [s('G', 'at-limit', 0), s('H', 'no-theo', 0)]);
    t.observe(100_000, [s('G', 'quoting', 4), s('H', 'no-theo', 0)]);
    const r = t.report();
    const g = r.games.find((x) => x.game === 'G')!;
    expect(g.quotableMs).toBe(70_000);
    expect(g.restingMs).toBe(60_000);
    expect(r.games.find((x) => x.game === 'H')!.uptime).toBe(1); // never quotable: not judged
    expect(r.msByReason['no-theo']).toBe(100_000);
    expect(r.lastByReason).toEqual({ quoting: 1, 'no-theo': 1 });
  });

  it('leaves fault windows out and measures the recovery after each', () => {
    const t = new UptimeTracker();
    t.fault(10_000, 20_000);
    t.observe(0, [s('G', 'quoting', 4)]);
    t.observe(10_000, [s('G', 'feed-down', 0)]);
    t.observe(25_000, [s('G', 'group-tripped', 0)]);
    t.observe(32_000, [s('G', 'quoting', 4)]);
    t.observe(60_000, [s('G', 'quoting', 4)]);
    const r = t.report();
    // 10 s before the fault + 5 s down after it + 7 s tripped + 28 s up
    expect(r.games[0]!.quotableMs).toBe(50_000);
    expect(r.games[0]!.restingMs).toBe(38_000);
    expect(r.recoveriesMs).toEqual([12_000]);
    expect(r.recoveryP99Ms).toBe(12_000);
    expect(r.unrecovered).toBe(0);
    expect(livenessViolations(r, { uptime: 0.95, recoveryP99Ms: 30_000, minQuotableMs: 0 })).toEqual([
      'uptime: G rested every eligible side 76.0 % of its quotable time outside fault windows (< 95 %)',
    ]);
  });

  it('a fault never followed by resting quotes is unrecovered; a slow recovery breaks the p99 bound', () => {
    const t = new UptimeTracker();
    t.fault(0, 1_000);
    t.fault(100_000, 101_000);
    t.observe(0, [s('G', 'quoting', 0)]);
    t.observe(41_000, [s('G', 'quoting', 4)]);
    t.observe(150_000, [s('G', 'writes-refused', 0)]);
    const r = t.report();
    expect(r.recoveriesMs).toEqual([40_000]);
    expect(r.unrecovered).toBe(1);
    expect(livenessViolations(r).some((v) => v.startsWith('recovery:'))).toBe(true);
  });

  it('a fault end never recovered counts in the p99 for at least as long as it has waited, not as nothing', () => {
    const t = new UptimeTracker();
    t.fault(0, 1_000);
    t.fault(2_000, 3_000);
    t.observe(0, [s('G', 'quoting', 0)]);
    t.observe(1_500, [s('G', 'quoting', 4)]); // the first recovered in 0.5 s
    t.observe(3_000, [s('G', 'quoting', 0)]);
    t.observe(60_000, [s('G', 'quoting', 0)]); // the second never: 57 s and counting
    const r = t.report();
    expect(r.recoveriesMs).toEqual([500]);
    expect(r.unrecovered).toBe(1);
    expect(r.recoveryP99Ms).toBe(57_000); // was 500: the unrecovered end was left out of the p99
    expect(livenessViolations(r).some((v) => v.startsWith('recovery:'))).toBe(true);
  });

  it("a recovery is timed outside fault windows: a second fault before quotes rest again does not run the first one's clock", () => {
    const t = new UptimeTracker();
    t.fault(0, 10_000);
    t.fault(12_000, 40_000); // begins before the first fault's recovery
    t.observe(0, [s('G', 'feed-down', 0)]);
    t.observe(10_000, [s('G', 'quoting', 2)]);
    t.observe(12_000, [s('G', 'feed-down', 0)]);
    t.observe(40_000, [s('G', 'quoting', 2)]);
    t.observe(43_000, [s('G', 'quoting', 4)]);
    const r = t.report();
    // First fault: 33 s from its end, of which 28 s inside the second fault: 5 s of ours. Second: 3 s.
    expect(r.recoveriesMs).toEqual([5_000, 3_000]);
    expect(r.unrecovered).toBe(0);
  });

  it("a feed fault's effect (until the worker has a new connection) is left out of the uptime; its recovery is still timed from the injection", () => {
    const t = new UptimeTracker();
    t.fault(10_000, 10_000, 13_000); // a one-shot socket drop; the worker connected again 3 s later
    t.observe(0, [s('G', 'quoting', 4)]);
    t.observe(10_000, [s('G', 'feed-down', 0)]);
    t.observe(13_000, [s('G', 'quoting', 0)]); // connected, not yet requoted: that second is ours
    t.observe(14_000, [s('G', 'quoting', 4)]);
    t.observe(20_000, [s('G', 'quoting', 4)]);
    const r = t.report();
    expect(r.games[0]!.quotableMs).toBe(17_000); // 10 s before + 1 s after the reconnect + 6 s
    expect(r.games[0]!.restingMs).toBe(16_000);
    expect(r.recoveriesMs).toEqual([4_000]); // from the drop, the reconnect included
    expect(() => t.fault(5_000, 6_000, 5_500)).toThrow(RangeError);
  });

  it("a socket fault's effect lasts until the worker's feed is up again — on a new connection after a one-shot — and never past the cap", () => {
    const up = (atMs: number, sinceMs: number): FeedSample => ({ atMs, up: true, sinceMs });
    const down = (atMs: number, sinceMs: number): FeedSample => ({ atMs, up: false, sinceMs });
    // A one-shot drop at 10 s: the next sample still shows the old connection (the worker had not noticed).
    const feed = [up(9_000, 0), up(10_000, 0), down(11_000, 10_200), up(12_000, 11_600), up(13_000, 11_600)];
    expect(feedEffectEnd({ startMs: 10_000, endMs: 10_000, oneShot: true }, feed)).toBe(12_000);
    // A durational fault ending at 11.5 s: the first sample after it with the feed up.
    expect(feedEffectEnd({ startMs: 5_000, endMs: 11_500, oneShot: false }, feed)).toBe(12_000);
    // Connected through the whole window: the effect ends with the injection's first sample after it.
    expect(feedEffectEnd({ startMs: 1_000, endMs: 9_000, oneShot: false }, feed)).toBe(9_000);
    // Never reconnected (or no fresh sample): the cap, and the rest is ours.
    expect(feedEffectEnd({ startMs: 10_000, endMs: 10_000, oneShot: true }, feed.slice(0, 3))).toBe(
      10_000 + FEED_EFFECT_MAX_MS,
    );
    expect(feedEffectEnd({ startMs: 10_000, endMs: 10_000, oneShot: true }, feed, 1_500)).toBe(11_500);
  });

  it('a burst of queued REST errors lasts until the exchange has served the last of them', () => {
    const left = [5, 5, 2, 0, 0].map((n, i) => ({ atMs: 1_000 * i, left: n }));
    expect(effectEnd(1_000, left, (x) => x.left === 0)).toBe(3_000);
    expect(effectEnd(1_000, left.slice(0, 3), (x) => x.left === 0, 5_000)).toBe(6_000);
  });

  it('a side the quoter turned off by design is not eligible; an internal refusal and a game not quoting are', () => {
    const markets = [
      { ticker: 'A', modeBid: 'join', modeAsk: 'off:at-limit' },
      { ticker: 'B', modeBid: 'off:swept', modeAsk: 'off:invalid-input' },
      { ticker: 'C', modeBid: null, modeAsk: 'off:no-edge' },
    ];
    expect(eligibleSides('quoting', markets)).toEqual(['A|bid', 'B|ask']);
    expect(eligibleSides('warming', markets)).toEqual(['A|bid', 'A|ask', 'B|bid', 'B|ask', 'C|bid', 'C|ask']);
  });

  it('uptime is a share in [0, 1] and never counts more than the quotable time', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            dt: fc.integer({ min: 0, max: 10_000 }),
            reason: fc.constantFrom(...QuotingReason.options),
            resting: fc.integer({ min: 0, max: 4 }),
          }),
          { maxLength: 40 },
        ),
        (steps) => {
          const t = new UptimeTracker();
          let now = 0;
          let quotable = 0;
          let prev: (typeof steps)[number] | null = null;
          for (const st of steps) {
            if (prev && isQuotable(prev.reason)) quotable += st.dt;
            now += st.dt;
            t.observe(now, [s('G', st.reason, st.resting)]);
            prev = st;
          }
          const r = t.report();
          expect(r.uptime).toBeGreaterThanOrEqual(0);
          expect(r.uptime).toBeLessThanOrEqual(1);
          expect(r.games[0]?.quotableMs ?? 0).toBe(quotable);
        },
      ),
    );
    expect(percentile([5, 1, 3], 0.99)).toBe(5);
    expect(percentile([], 0.99)).toBe(0);
  });
});

describe('uptime confidence interval (batch means over 10-s blocks)', () => {
  it('matches the textbook interval for equal blocks: mean ± t(n−1)·sd/√n', () => {
    // Four 10-s blocks up 100 %, 80 %, 100 %, 60 %: mean 0.85, sd 0.19149, t(3) 3.182.
    const ci = batchMeansCi([
      { q: 10, r: 10 },
      { q: 10, r: 8 },
      { q: 10, r: 10 },
      { q: 10, r: 6 },
    ])!;
    expect(ci.blocks).toBe(4);
    expect(ci.lo).toBeCloseTo(0.85 - 3.182 * (0.19149 / 2), 3);
    expect(ci.hi).toBe(1); // clipped
  });

  it('Student t quantiles within 0.3 % of the table', () => {
    for (const [nu, t] of [
      [1, 12.706],
      [4, 2.776],
      [10, 2.228],
      [30, 2.042],
      [1000, 1.962],
    ] as const)
      expect(Math.abs(studentT975(nu) - t) / t).toBeLessThan(0.003);
  });

  it('always holds the point estimate; fewer than two blocks give none', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc
            .tuple(fc.integer({ min: 1, max: 10_000 }), fc.double({ min: 0, max: 1, noNaN: true }))
            .map(([q, f]) => ({ q, r: q * f })),
          { maxLength: 40 },
        ),
        (blocks) => {
          const ci = batchMeansCi(blocks);
          if (blocks.length < 2) {
            expect(ci).toBeNull();
            return;
          }
          const ratio = blocks.reduce((s, b) => s + b.r, 0) / blocks.reduce((s, b) => s + b.q, 0);
          expect(ci!.lo).toBeLessThanOrEqual(ratio + 1e-12);
          expect(ci!.hi).toBeGreaterThanOrEqual(ratio - 1e-12);
          expect(ci!.lo).toBeGreaterThanOrEqual(0);
          expect(ci!.hi).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it('the tracker reports it per game and overall, one block per 10 s of quotable time', () => {
    const t = new UptimeTracker();
    for (let ms = 0; ms <= 100_000; ms += 1_000)
      t.observe(ms, [s('G', 'quoting', ms >= 42_000 && ms < 47_000 ? 3 : 4), s('H', 'no-theo', 0)]);
    const r = t.report();
    const g = r.games.find((x) => x.game === 'G')!;
    expect(g.uptime).toBeCloseTo(0.95, 10);
    expect(g.ci!.blocks).toBe(10);
    expect(g.ci!.lo).toBeLessThan(0.95);
    expect(g.ci!.hi).toBe(1);
    expect(r.games.find((x) => x.game === 'H')!.ci).toBeNull(); // never quotable
    expect(r.uptimeCi).toEqual(g.ci);
  });
});
