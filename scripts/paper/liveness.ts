/**
 * Liveness samples of a simulated run (issue #12), as chaos takes them: each game's quoting reason
 * from the worker, its eligible sides (`eligibleSides` of sim/scenario/uptime.ts, as chaos counts them)
 * and which of those rest on the exchange (the simulator's truth, not the worker's word).
 * Fault windows are the scenario's faults: a durational fault from its start to its end, a one-shot
 * fault (a dropped socket) at its instant, so recovery is measured from it; the uptime adds each
 * one's direct effect (sim/scenario/scenario-uptime.ts, fed with `effectSample`).
 */
import type { FaultSettings } from '../../sim/kalshi/faults.ts';
import type { EffectSample } from '../../sim/scenario/scenario-uptime.ts';
import type { FaultConfig } from '../../sim/scenario/schema.ts';
import { eligibleSides, type GameSample, type MarketModes } from '../../sim/scenario/uptime.ts';
import type { GameView } from '../../worker/engine/session.ts';

/** One sample per game: reason, eligible sides, eligible sides resting. */
export function livenessSamples(
  games: readonly (Pick<GameView, 'eventTicker' | 'status'> & { markets: readonly MarketModes[] })[],
  resting: readonly { ticker: string; side: string }[],
): GameSample[] {
  const rests = new Set(resting.map((o) => `${o.ticker}|${o.side}`));
  return games.map((g) => {
    // The same eligibility as chaos: sides the quoter turned off by design are not owed.
    const eligible = eligibleSides(g.status, g.markets);
    return {
      game: g.eventTicker,
      reason: g.status,
      eligibleSides: eligible.length,
      restingSides: eligible.filter((k) => rests.has(k)).length,
    };
  });
}

/** The scenario's faults as [start, end] windows in epoch ms (one-shot faults: an instant). */
export function faultWindows(
  faults: readonly Pick<FaultConfig, 'atMinute' | 'durationMinutes'>[],
  startMs: number,
): { startMs: number; endMs: number }[] {
  return faults.map((f) => {
    const at = startMs + Math.round(f.atMinute * 60_000);
    return { startMs: at, endMs: at + Math.round((f.durationMinutes ?? 0) * 60_000) };
  });
}

/** What a fault's effect is judged on (sim/scenario/scenario-uptime.ts): the worker's feed, queued REST errors. */
export function effectSample(
  connection: { state: 'up' | 'down'; sinceMs: number } | null,
  faults: Pick<FaultSettings, 'rest429Remaining' | 'rest5xxRemaining'>,
): EffectSample {
  return {
    feed: connection ? { up: connection.state === 'up', sinceMs: connection.sinceMs } : null,
    rest429Remaining: faults.rest429Remaining,
    rest5xxRemaining: faults.rest5xxRemaining,
  };
}
