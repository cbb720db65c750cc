/**
 * The in-process backtest: the real TradingSession trading the simulator's
 * matching engine through in-memory ports on one virtual clock. The same
 * scenario, seed and config give a byte-identical scoreboard; the session
 * quotes, trades and ends flat.
 */
import { describe, expect, it } from 'vitest';
import { loadEngineConfig } from '../../../scripts/paper/config-file.ts';
import { scoreRun } from '../../../scripts/paper/scoreboard.ts';
import { runBacktest } from '../../../sim/backtest/run.ts';

const config = loadEngineConfig(undefined);

async function board(seed: number, latency?: Parameters<typeof runBacktest>[0]['latency']) {
  const r = await runBacktest({
    strategy: 'ours',
    scenario: 'nba-quiet-evening',
    seed,
    config,
    ...(latency ? { latency } : {}),
  });
  return { r, json: JSON.stringify({ score: scoreRun(r.record), ruler: r.ruler, uptime: r.uptime }) };
}

describe('runBacktest', () => {
  it('gives a byte-identical scoreboard for the same scenario, seed and config; it trades and ends flat', async () => {
    const a = await board(3);
    const b = await board(3);
    expect(b.json).toBe(a.json);
    expect(b.r.stats).toEqual(a.r.stats);
    expect(a.r.flat).toBe(true);
    expect(a.r.record.fills.length).toBeGreaterThan(0);
    expect(a.r.uptime.uptime).toBeGreaterThan(0.9);
    expect(scoreRun(a.r.record).orders_after_stop).toBe(0);
    // The worker's books equal the exchange's whenever no feed delivery is on the wire (a
    // delivery in flight is latency, not a wrong book: it counted 105 mismatches here).
    expect(scoreRun(a.r.record).book_mismatches).toBe(0);
    expect(scoreRun(a.r.record).invariant_violations).toBe(0);
  }, 180_000);

  it('latency changes the run (it is not ignored), and a sampled latency is deterministic too', async () => {
    const slow = { orderEntry: { kind: 'constant', ms: 400 }, feed: { kind: 'constant', ms: 400 } } as const;
    const a = await board(3, slow);
    const fast = await board(3, {
      orderEntry: { kind: 'constant', ms: 1 },
      feed: { kind: 'constant', ms: 1 },
    });
    expect(fast.json).not.toBe(a.json);
    const sampled = {
      orderEntry: { kind: 'exponential', minMs: 5, meanMs: 30 },
      feed: { kind: 'uniform', minMs: 2, maxMs: 40 },
    } as const;
    expect((await board(4, sampled)).json).toBe((await board(4, sampled)).json);
  }, 300_000);

  it('stops our session two minutes after the last game stop; the games then play on to settlement without us', async () => {
    const { r } = await board(2);
    const lastStop = Math.max(...r.record.games.map((g) => g.stopTime));
    expect(r.stats.retiredAtMs).toBe(lastStop + 120_000);
    // The world ran on: the record ends at the scenario's end, and every game settled.
    expect(r.record.endTime).toBeGreaterThan(r.stats.retiredAtMs + 60 * 60_000);
    for (const g of r.record.games) expect(g.settlement).toBeDefined();
    // After the stop (the kill switch's cancels included) nothing of ours reached the exchange.
    expect(r.stats.lastRequestMs).toBeGreaterThan(lastStop);
    expect(r.stats.lastRequestMs).toBeLessThan(r.stats.retiredAtMs + 5 * 60_000);
    expect(r.flat).toBe(true);
  }, 180_000);
});
