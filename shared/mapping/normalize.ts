/**
 * Team-name normalisation: the one place that decides which spellings are the
 * same. "Montréal Canadiens" = "Montreal Canadiens", "St. Louis" = "St Louis" =
 * "Saint Louis", "Brighton & Hove Albion FC" = "Brighton and Hove Albion".
 * Never a fuzzy match: after normalising, names are compared for equality.
 */

/** Club-form tokens that carry no identity ("AFC Bournemouth", "Inter Miami CF"). */
const NOISE_TOKENS = new Set(['fc', 'afc', 'cf', 'sc']);

export function normalizeTeamName(name: string): string {
  const tokens = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // combining accents
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/['’`.]/g, '') // "St." → "st", "Nott'm" → "nottm"
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter((t) => t.length > 0)
    .map((t) => (t === 'saint' ? 'st' : t));
  const kept = tokens.filter((t) => !NOISE_TOKENS.has(t));
  // A name that is nothing but noise ("FC") stays as it was rather than becoming empty.
  return (kept.length > 0 ? kept : tokens).join(' ');
}
