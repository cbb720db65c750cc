import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QuotingReason } from '../../../shared/liveness/quoting-state.ts';
import {
  eligibleSides,
  type GameSample,
  isQuotable,
  livenessViolations,
  percentile,
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
