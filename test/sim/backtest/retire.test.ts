/**
 * When the backtest stops our session: two minutes past the latest stop the session could hold for any
 * game. A start moved earlier (Kalshi's milestone and the odds' commence time both announce it) leaves
 * the session quoting on the old, later start until the announcement: the backtest must not stop it
 * before then, or the run never shows what a late-announced earlier start costs.
 */
import { describe, expect, it } from 'vitest';
import { RETIRE_AFTER_STOP_MS, retireAtMs } from '../../../sim/backtest/retire.ts';
import { game, MIN, START, world } from '../traders/helpers.ts';

const MARGIN = 5 * MIN;

describe('retireAtMs', () => {
  it('without moved starts: the last game start less the margin, plus two minutes', () => {
    const w = world({ games: [game({ startMinute: 20 }), game({ id: 'g2', startMinute: 30 })] });
    expect(retireAtMs(w, MARGIN)).toBe(START + 30 * MIN - MARGIN + RETIRE_AFTER_STOP_MS);
  });

  it('a start moved earlier late: not before two minutes past the stop the old start gave', () => {
    // Scheduled at 30, announced at minute 25 to start at 26: the session quotes on to its stop at 25, where
    // the real start's stop (21) plus two minutes would have stopped it at 23.
    const w = world({ games: [game({ startMinute: 30, startDelays: [{ atMinute: 25, byMinutes: -4 }] })] });
    expect(w.games[0]!.path.times.startMs).toBe(START + 26 * MIN);
    expect(retireAtMs(w, MARGIN)).toBe(START + 30 * MIN - MARGIN + RETIRE_AFTER_STOP_MS);
  });

  it('a start moved later: the new start decides; never past the world end', () => {
    const w = world({ games: [game({ startMinute: 20, startDelays: [{ atMinute: 5, byMinutes: 10 }] })] });
    expect(retireAtMs(w, MARGIN)).toBe(START + 30 * MIN - MARGIN + RETIRE_AFTER_STOP_MS);
    expect(retireAtMs({ ...w, endMs: START + 10 * MIN }, MARGIN)).toBe(START + 10 * MIN);
  });
});
