/**
 * A sport the catalogue prices 3-way (boxing, soccer: `draws`) whose books
 * quote it 2-way (no Draw) has no theo: the two sides' probabilities would
 * carry the draw's share, a few cents too high on each YES, and the engine
 * reads each market's probability by name without checking the way count.
 */
import { acceptsOddsKey, DEFAULT_SPORT_CATALOGUE, type SportCatalogue } from '../mapping/sports.ts';

export const MISSING_DRAW = 'missing-draw';

/** Why a theo of `sportKey` must not be stored, or null when its way count fits the sport. */
export function missingDraw(
  sportKey: string,
  threeWay: boolean,
  catalogue: SportCatalogue = DEFAULT_SPORT_CATALOGUE,
): string | null {
  if (threeWay) return null;
  const entry = catalogue.find((e) => acceptsOddsKey(e, sportKey));
  if (!entry?.draws) return null;
  return `${MISSING_DRAW}: ${entry.id} is priced 3-way (a draw) but the books listed no Draw`;
}
