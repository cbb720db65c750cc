/**
 * Stop rule: nothing of ours rests once a game is about to start. Live
 * markets stay open through the game, so the exchange will not stop us; we
 * must. Start time = the EARLIER of Kalshi's (milestone `start_date`, else the
 * expected start) and the odds feed's `commence_time`; the stop time is that
 * minus a safety margin. An unknown start time means no quoting at all.
 */

export interface StartTimeSources {
  /** Kalshi milestone start_date (or other Kalshi-derived start), epoch ms. */
  kalshiStart: number | null;
  /** Odds API commence_time, epoch ms. */
  oddsCommence: number | null;
}

function valid(t: number | null): t is number {
  return t !== null && Number.isFinite(t);
}

/** Earlier of the known start times; null when neither is known. */
export function gameStartTime(s: StartTimeSources): number | null {
  const known = [s.kalshiStart, s.oddsCommence].filter(valid);
  return known.length === 0 ? null : Math.min(...known);
}

/** Start minus the margin (ms); null when the start is unknown. */
export function stopTime(s: StartTimeSources, marginMs: number): number | null {
  if (!Number.isFinite(marginMs) || marginMs < 0)
    throw new RangeError(`stop margin ${marginMs} ms must be ≥ 0`);
  const start = gameStartTime(s);
  return start === null ? null : start - marginMs;
}

export type StopState =
  | { quoting: true; msToStop: number }
  | { quoting: false; reason: 'stop-time' | 'no-start-time' };

/** May we quote at `now`? Not at or after the stop time, never without one. */
export function stopState(now: number, stop: number | null): StopState {
  if (stop === null || !Number.isFinite(stop)) return { quoting: false, reason: 'no-start-time' };
  if (!Number.isFinite(now) || now >= stop) return { quoting: false, reason: 'stop-time' };
  return { quoting: true, msToStop: stop - now };
}
