/**
 * Engine sport keys must be the catalogue's sport ids: the key of a sport in
 * `sports` is its key in `limits.sports`, so a game traded under another name
 * ("tennis", "challenger") silently took the default (third-tier) limits
 * instead of its sport's — looser than the tightest tiers.
 */
import { DEFAULT_SPORT_CATALOGUE, type SportCatalogue, sportOfSeries } from '../mapping/sports.ts';

export interface SportNameIssue {
  path: string;
  message: string;
}

/** Every `sports` entry whose series belong to a catalogue sport named otherwise. */
export function sportNamingIssues(
  sports: Readonly<Record<string, { series: readonly string[] }>>,
  catalogue: SportCatalogue = DEFAULT_SPORT_CATALOGUE,
): SportNameIssue[] {
  const issues: SportNameIssue[] = [];
  for (const [name, cfg] of Object.entries(sports)) {
    for (const series of cfg.series) {
      const entry = sportOfSeries(catalogue, series);
      if (entry && entry.id !== name)
        issues.push({
          path: `sports.${name}.series`,
          message: `${series} is the catalogue's sport "${entry.id}": name the sport ${entry.id} so limits.sports.${entry.id} applies`,
        });
    }
  }
  return issues;
}
