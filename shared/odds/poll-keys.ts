/**
 * Which Odds API sport keys one odds poll covers. A configured poll entry
 * names either an Odds API key ("basketball_nba", polled as is) or the
 * catalogue id of a tournament-keyed sport ("atp", "wta"): that one becomes
 * every key of the sport that `/v4/sports` (free) lists as active today, each
 * with the entry's priority and credit floor. `/v4/sports` is read only when
 * some entry needs it.
 */
import { activeOddsKeys, type SportCatalogue } from '../mapping/sports.ts';
import type { Sport } from './schemas.ts';

export interface PollEntry {
  sportKey: string;
}

export interface PollKeyPlan<T extends PollEntry> {
  /** what to poll, in the order given (tournament entries expanded in place) */
  polls: T[];
  /** per tournament sport id: its active keys today (to store for the worker's mapper) */
  active: Map<string, string[]>;
  /** tournament sports whose keys could not be read (`/v4/sports` failed) */
  failed: { sportKey: string; reason: string }[];
}

/** The catalogue id of a tournament-keyed sport named by a poll entry, or undefined. */
export function tournamentSportOf(catalogue: SportCatalogue, sportKey: string) {
  const e = catalogue.find((c) => c.id === sportKey);
  return e?.odds.kind === 'tournament' ? e : undefined;
}

export async function planPollKeys<T extends PollEntry>(
  entries: readonly T[],
  catalogue: SportCatalogue,
  listSports: () => Promise<readonly Sport[]>,
): Promise<PollKeyPlan<T>> {
  const plan: PollKeyPlan<T> = { polls: [], active: new Map(), failed: [] };
  let listed: readonly Sport[] | null = null;
  let listError: string | null = null;
  const seen = new Set<string>();
  for (const entry of entries) {
    const sport = tournamentSportOf(catalogue, entry.sportKey);
    if (!sport) {
      if (!seen.has(entry.sportKey)) plan.polls.push(entry);
      seen.add(entry.sportKey);
      continue;
    }
    if (listed === null && listError === null) {
      try {
        listed = await listSports();
      } catch (err) {
        listError = err instanceof Error ? err.message : String(err);
      }
    }
    if (listed === null) {
      plan.failed.push({ sportKey: entry.sportKey, reason: `sports list unavailable: ${listError}` });
      continue;
    }
    const keys = activeOddsKeys(sport, listed);
    plan.active.set(sport.id, keys);
    for (const key of keys) {
      if (seen.has(key)) continue;
      seen.add(key);
      plan.polls.push({ ...entry, sportKey: key });
    }
  }
  return plan;
}
