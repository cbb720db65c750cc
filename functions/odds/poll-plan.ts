/**
 * Quota-aware polling rules, pure. Sports are polled in priority order (1
 * first); a sport is polled only while the known remaining credits are at
 * least its `minCredits`, so low-priority sports are the first to go quiet
 * when the month's quota runs low. Unknown credits (first call, header
 * missing) do not block: the free events call that precedes every paid call
 * reads the quota headers first.
 */
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
