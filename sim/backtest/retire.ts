/**
 * When the backtest stops our session (run.ts): two minutes after the last stop any game's start could
 * have given it. The session's stop is the start it knows (Kalshi's and the odds' announced start, the
 * earlier) less the margin; stopped at the real start's stop instead, a start moved earlier late in the
 * run lost the session's last minutes of quoting (and whatever they filled).
 */
import { announcedStartMs } from '../scenario/truth.ts';
import type { World } from '../scenario/world.ts';

/** Time for the last stop's cancels to land before the session is stopped. */
export const RETIRE_AFTER_STOP_MS = 120_000;

/**
 * The latest stop our session can hold for a game: from the latest start ever announced (the schedule's,
 * then after each move), not only the real one. A start moved earlier is quoted on its old, later start
 * until the move is announced.
 */
export function latestStopMs(
  game: World['games'][number],
  worldStartMs: number,
  stopMarginMs: number,
): number {
  let start = Math.max(
    game.path.times.startMs,
    announcedStartMs(game.game, worldStartMs, Number.NEGATIVE_INFINITY),
  );
  for (const d of game.game.startDelays) {
    const at = worldStartMs + Math.round(d.atMinute * 60_000);
    start = Math.max(start, announcedStartMs(game.game, worldStartMs, at));
  }
  return start - stopMarginMs;
}

/** When our session is stopped: the last game's latest stop plus two minutes, or the world's end if sooner. */
export function retireAtMs(world: Pick<World, 'games' | 'startMs' | 'endMs'>, stopMarginMs: number): number {
  const lastStop = Math.max(...world.games.map((g) => latestStopMs(g, world.startMs, stopMarginMs)));
  return Math.min(world.endMs, lastStop + RETIRE_AFTER_STOP_MS);
}
