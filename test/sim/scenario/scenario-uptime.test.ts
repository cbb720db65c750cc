/**
 * Simulate and backtest judge uptime by chaos's rule (docs/RELIABILITY.md "Which time is the
 * fault's"): a socket fault's window lasts until the worker's feed is up again on a new connection,
 * a REST burst until the exchange served its last error, each capped at 10 s past the injection;
 * other faults are their injection alone. Held-back samples give the same report as replaying the
 * run with the windows known, and a fault-free run exactly the tracker's report.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { QuotingReason } from '../../../shared/liveness/quoting-state.ts';
import { type EffectSample, ScenarioUptime } from '../../../sim/scenario/scenario-uptime.ts';
import type { FaultConfig } from '../../../sim/scenario/schema.ts';
import { type GameSample, UptimeTracker } from '../../../sim/scenario/uptime.ts';

const kalshi = (name: string, atMinute: number, durationMinutes: number | null = null) =>
  ({ target: 'kalshi', name, atMinute, durationMinutes, params: {} }) as FaultConfig;
const game = (resting: number, reason: QuotingReason = 'quoting'): GameSample[] => [
  { game: 'G', reason, eligibleSides: 2, restingSides: resting },
];
const calm: EffectSample = { feed: { up: true, sinceMs: 0 }, rest429Remaining: 0, rest5xxRemaining: 0 };

describe('scenario uptime', () => {
  it('a dropped socket: the seconds until the worker reconnects are the fault’s, the requote after is ours', () => {
    const u = new ScenarioUptime([kalshi('dropWebSockets', 1)], 0);
    // Quotes pulled at the drop; the worker still thinks its old socket is up for a second, then
    // reconnects at 63 s, and rests both sides again at 65 s.
    const feed = (t: number) =>
      t < 61_000
        ? { up: true, sinceMs: 0 }
        : t < 63_000
          ? { up: false, sinceMs: 61_000 }
          : { up: true, sinceMs: 63_000 };
    for (let t = 0; t <= 120_000; t += 1_000)
      u.observe(t, game(t >= 60_000 && t < 65_000 ? 0 : 2), () => ({ ...calm, feed: feed(t) }));
    const r = u.report();
    // [60, 63) is the fault's; [63, 65) is ours: 2 s missed of 117 s.
    expect(r.games[0]).toMatchObject({ quotableMs: 117_000, restingMs: 115_000 });
    expect(r.recoveriesMs).toEqual([5_000]);
  });

  it('a burst of 429s lasts until the last is served; a worker that never reconnects is capped at 10 s', () => {
    const burst = new ScenarioUptime([kalshi('burst429', 1)], 0);
    for (let t = 0; t <= 120_000; t += 1_000)
      burst.observe(t, game(t >= 60_000 && t < 70_000 ? 0 : 2), () => ({
        ...calm,
        rest429Remaining: t < 64_000 ? 3 : 0,
      }));
    expect(burst.report().games[0]).toMatchObject({ quotableMs: 116_000, restingMs: 110_000 });

    const down = new ScenarioUptime([kalshi('halfOpen', 1, 0.5)], 0);
    for (let t = 0; t <= 120_000; t += 1_000)
      down.observe(t, game(t >= 60_000 ? 0 : 2), () => ({ ...calm, feed: { up: false, sinceMs: 60_000 } }));
    // The injection [60, 90) and 10 s of effect are the fault's; [100, 120] counts against us.
    expect(down.report().games[0]).toMatchObject({ quotableMs: 80_000, restingMs: 60_000 });
  });

  it('an odds fault is its injection alone', () => {
    const u = new ScenarioUptime(
      [{ target: 'odds', name: 'outage', atMinute: 1, durationMinutes: 0.5, params: {} } as FaultConfig],
      0,
    );
    for (let t = 0; t <= 120_000; t += 1_000)
      u.observe(t, game(t >= 60_000 && t < 95_000 ? 0 : 2), () => calm);
    expect(u.report().games[0]).toMatchObject({ quotableMs: 90_000, restingMs: 85_000 });
  });

  const sample = fc.record({
    resting: fc.integer({ min: 0, max: 2 }),
    reason: fc.constantFrom<QuotingReason>('quoting', 'no-theo', 'writes-refused'),
    up: fc.boolean(),
    left: fc.integer({ min: 0, max: 2 }),
  });

  it('without faults: exactly the tracker’s report (fault-free scoreboards unchanged)', () => {
    fc.assert(
      fc.property(fc.array(sample, { maxLength: 60 }), (xs) => {
        const u = new ScenarioUptime([], 0);
        const t = new UptimeTracker();
        xs.forEach((x, i) => {
          u.observe(i * 1_000, game(x.resting, x.reason), () => {
            throw new Error('no window: effects are never read');
          });
          t.observe(i * 1_000, game(x.resting, x.reason));
        });
        expect(JSON.stringify(u.report())).toBe(JSON.stringify(t.report()));
      }),
    );
  });

  it('streaming: the same report as the run replayed with each window’s effect end known', () => {
    const faults = fc.array(
      fc.record({
        name: fc.constantFrom('dropWebSockets', 'halfOpen', 'burst5xx', 'gapNow'),
        at: fc.integer({ min: 0, max: 50 }),
        len: fc.integer({ min: 0, max: 8 }),
      }),
      { maxLength: 4 },
    );
    fc.assert(
      fc.property(faults, fc.array(sample, { maxLength: 70 }), (fs, xs) => {
        // Scenario minutes scaled so windows land among 1-s samples: 1 "minute" = 1 s here.
        const configs = fs.map((f) => kalshi(f.name, f.at / 60, f.len === 0 ? null : f.len / 60));
        const effect = (i: number): EffectSample => ({
          feed: { up: xs[i]!.up, sinceMs: i * 1_000 },
          rest429Remaining: 0,
          rest5xxRemaining: xs[i]!.left,
        });
        const u = new ScenarioUptime(configs, 0);
        xs.forEach((x, i) => {
          u.observe(i * 1_000, game(x.resting, x.reason), () => effect(i));
        });
        // Batch: each window's effect end found over all samples, as chaos does after its run.
        const t = new UptimeTracker();
        for (const f of fs) {
          const start = f.at * 1_000;
          const end = start + f.len * 1_000;
          let effectEnd = end;
          if (f.name !== 'gapNow') {
            effectEnd = end + 10_000;
            for (let i = 0; i < xs.length; i++) {
              const at = i * 1_000;
              if (at < end) continue;
              if (at >= end + 10_000) break;
              const e = effect(i);
              const over =
                f.name === 'burst5xx'
                  ? e.rest5xxRemaining === 0
                  : e.feed!.up && (f.name !== 'dropWebSockets' || e.feed!.sinceMs >= start);
              if (over) {
                effectEnd = at;
                break;
              }
            }
          }
          t.fault(start, end, effectEnd);
        }
        xs.forEach((x, i) => {
          t.observe(i * 1_000, game(x.resting, x.reason));
        });
        expect(JSON.stringify(u.report())).toBe(JSON.stringify(t.report()));
      }),
    );
  });
});
