/**
 * The simulate scoreboard's liveness samples: a quoting game is judged on the sides the quoter
 * priced, any other game on every side; resting is what the exchange holds. Scenario faults are
 * the windows outside which uptime counts.
 */
import { describe, expect, it } from 'vitest';
import { faultWindows, livenessSamples } from '../../../scripts/paper/liveness.ts';
import { UptimeTracker } from '../../../sim/scenario/uptime.ts';

const market = (ticker: string, modeBid: string | null, modeAsk: string | null) => ({
  ticker,
  modeBid,
  modeAsk,
});

describe('simulate liveness samples', () => {
  it('a quoting game wants the priced sides; resting comes from the exchange', () => {
    const [s] = livenessSamples(
      [
        {
          eventTicker: 'G',
          status: 'quoting',
          markets: [market('A', 'monopsony', null), market('B', 'x', 'y')],
        },
      ] as never,
      [
        { ticker: 'A', side: 'bid' },
        { ticker: 'B', side: 'ask' },
        { ticker: 'A', side: 'ask' }, // not priced: does not count
      ],
    );
    expect(s).toEqual({ game: 'G', reason: 'quoting', eligibleSides: 3, restingSides: 2 });
  });

  it('a side the quoter turned off (swept, suppressed) is not eligible: its mode says off', () => {
    const [s] = livenessSamples(
      [
        {
          eventTicker: 'G',
          status: 'quoting',
          markets: [market('A', 'monopsony', 'off:swept'), market('B', 'off:crossed-theo', 'ceiling')],
        },
      ] as never,
      [
        { ticker: 'A', side: 'bid' },
        { ticker: 'B', side: 'ask' },
      ],
    );
    expect(s).toEqual({ game: 'G', reason: 'quoting', eligibleSides: 2, restingSides: 2 });
  });

  it('a game stopped by a reason of ours is judged on every side', () => {
    const [s] = livenessSamples(
      [{ eventTicker: 'G', status: 'writes-refused', markets: [market('A', null, null)] }] as never,
      [],
    );
    expect(s).toEqual({ game: 'G', reason: 'writes-refused', eligibleSides: 2, restingSides: 0 });
  });

  it('scenario faults become windows: durational to their end, one-shot at their instant', () => {
    expect(
      faultWindows(
        [
          { atMinute: 2, durationMinutes: 1.5 },
          { atMinute: 10, durationMinutes: null },
        ],
        1_000,
      ),
    ).toEqual([
      { startMs: 121_000, endMs: 211_000 },
      { startMs: 601_000, endMs: 601_000 },
    ]);
  });

  it('fed to the tracker: a game missing a side outside faults loses uptime, inside a fault it does not', () => {
    const t = new UptimeTracker();
    for (const w of faultWindows([{ atMinute: 1, durationMinutes: 1 }], 0)) t.fault(w.startMs, w.endMs);
    const game = (bid: string | null) => [
      { eventTicker: 'G', status: 'quoting', markets: [market('A', bid, 'x')] },
    ];
    const both = [
      { ticker: 'A', side: 'bid' },
      { ticker: 'A', side: 'ask' },
    ];
    t.observe(0, livenessSamples(game('x') as never, both)); // 0–60 s: both rest
    t.observe(60_000, livenessSamples(game('x') as never, [])); // 60–120 s: fault, nothing rests
    t.observe(120_000, livenessSamples(game('x') as never, both.slice(1))); // 120–180 s: bid missing
    t.observe(180_000, livenessSamples(game('x') as never, both));
    const r = t.report();
    expect(r.games[0]).toMatchObject({ quotableMs: 120_000, restingMs: 60_000, uptime: 0.5 });
    expect(r.recoveryP99Ms).toBe(60_000);
  });
});

describe('simulate scoreboard liveness', () => {
  it('fills quoting_uptime and names the floor violations a run of ours fails on', async () => {
    const { simulateScore } = await import('../../../scripts/simulate.ts');
    const t = new UptimeTracker();
    const quoting = (resting: number) => [
      { game: 'G', reason: 'quoting' as const, eligibleSides: 2, restingSides: resting },
    ];
    t.observe(0, quoting(2));
    t.observe(90_000, quoting(1)); // 90 s resting, then 30 s missing a side
    t.observe(120_000, [{ game: 'G', reason: 'outside-window', eligibleSides: 2, restingSides: 0 }]);
    t.observe(130_000, []);
    const s = simulateScore({} as never, { truthMarked: 0, markout: {} } as never, t.report());
    expect(s.quoting_uptime).toBe(0.75);
    expect(s.liveness.min_game_uptime).toBe(0.75);
    expect(s.liveness.game_seconds_by_reason).toEqual({ quoting: 120, 'outside-window': 10 });
    expect(s.liveness.violations).toHaveLength(1);
    expect(s.liveness.violations[0]).toMatch(/uptime: G .*75\.0 %/);
  });
});
