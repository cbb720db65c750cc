/**
 * Which sports' spread/total ladders (issue #17) are priced and quoted: one
 * grammar for the worker's `LADDER_SPORTS`, the odds Lambdas'
 * `ODDS_LADDER_SPORTS` and the deploy config's `ladderSports` — `none`
 * (the default: winners only), `all` (every sport with a Kalshi ladder
 * series), or a comma-separated list of Odds API sport keys.
 */
import * as z from 'zod';

/** `'all'`, or the Odds API sport keys; an empty list is `none`. */
export type LadderSports = 'all' | readonly string[];

const sportKey = z.string().regex(/^[a-z0-9_]+$/, 'must be Odds API sport keys (a-z, 0-9, _)');

/** The environment form: `none`, `all` or `key,key,…`. */
export const ladderSportsEnvSchema = z
  .string()
  .default('none')
  .transform((s) => s.trim())
  .pipe(
    z.union([
      z.literal('none').transform((): LadderSports => []),
      z.literal('all'),
      z
        .string()
        .transform((s) =>
          s
            .split(',')
            .map((x) => x.trim())
            .filter(Boolean),
        )
        .pipe(z.array(sportKey).min(1)),
    ]),
  );

/** The deploy config's form: the same words, or a list. */
export const ladderSportsConfigSchema = z.union([z.enum(['none', 'all']), z.array(sportKey)]).default('none');

/** The deploy config's value as the environment writes it. */
export function ladderSportsEnv(v: 'none' | 'all' | readonly string[]): string {
  return typeof v === 'string' ? v : v.length === 0 ? 'none' : v.join(',');
}

/** Are any ladders on? */
export const laddersOn = (v: LadderSports | undefined): v is LadderSports =>
  v !== undefined && (v === 'all' || v.length > 0);
