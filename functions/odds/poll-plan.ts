/**
 * Quota-aware polling rules, pure. Sports are polled in priority order (1
 * first); a sport is polled only while the known remaining credits are at
 * least its `minCredits`, so low-priority sports are the first to go quiet
 * when the month's quota runs low. Unknown credits (first call, header
 * missing) do not block: the free events call that precedes every paid call
 * reads the quota headers first.
 */
import { DEFAULT_STRIKE_SERIES } from '../../shared/mapping/strikes.ts';
import type { SportPoll } from '../runtime/env.ts';

export function pollOrder(sports: readonly SportPoll[], only?: readonly string[]): SportPoll[] {
  const wanted = only ? new Set(only) : null;
  return sports
    .filter((s) => !wanted || wanted.has(s.sportKey))
    .map((s, i) => ({ s, i }))
    .sort((a, b) => a.s.priority - b.s.priority || a.i - b.i)
    .map(({ s }) => s);
}

export type PollDecision = { poll: true } | { poll: false; reason: 'credits-low' | 'quota-exhausted' };

export function decidePoll(sport: SportPoll, remaining: number | null, exhausted: boolean): PollDecision {
  if (exhausted) return { poll: false, reason: 'quota-exhausted' };
  if (remaining !== null && remaining < Math.max(1, sport.minCredits))
    return { poll: false, reason: 'credits-low' };
  return { poll: true };
}

/** The sports with a Kalshi spread or total series (shared/mapping/strikes.ts). */
export const DEFAULT_LADDER_SPORTS: readonly string[] = [
  ...new Set(Object.values(DEFAULT_STRIKE_SERIES).map((s) => s.sportKey)),
];

/** Spreads and totals on top of h2h: one request with three markets costs 3 credits (per region). */
export const LADDER_MARKETS = ['spreads', 'totals'] as const;

/**
 * The markets one sport's odds call asks for: h2h always; spreads and totals
 * too when the sport has Kalshi ladders to price and the credits known left
 * cover their extra cost (2) above the sport's floor (the lines are the first
 * thing given up when credits run low, the winner theo the last).
 */
export function pollMarkets(
  sport: SportPoll,
  remaining: number | null,
  ladderSports: ReadonlySet<string>,
): string[] {
  if (!ladderSports.has(sport.sportKey)) return ['h2h'];
  if (remaining !== null && remaining < Math.max(1, sport.minCredits) + LADDER_MARKETS.length) return ['h2h'];
  return ['h2h', ...LADDER_MARKETS];
}
