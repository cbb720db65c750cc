/**
 * Name equality for sides that have no league table: people (tennis players,
 * fighters) and clubs of leagues we keep no alias table for. Each predicate
 * says whether a name as Kalshi writes it (`yes_sub_title`, a title side) and a
 * name as The Odds API writes it are the same side. Never fuzzy: after
 * normalising, names are compared token for token; a spelling that could mean
 * two people is left to the matcher, which then reports the event ambiguous.
 */
import { memoize } from './memo.ts';
import { normalizeTeamName } from './normalize.ts';

/** Generational suffixes carry no identity across feeds ("Jr." is dropped by one, kept by the other). */
const NAME_SUFFIXES = new Set(['jr', 'sr', 'ii', 'iii', 'iv']);

/**
 * A person's name as tokens, given names first: accents and case folded,
 * hyphens and periods split ("Auger-Aliassime" = "Auger Aliassime", "J.J." =
 * "J J"), "Last, First" turned round, generational suffixes dropped.
 */
export const personTokens = memoize(personTokensOf);

function personTokensOf(name: string): readonly string[] {
  let s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/ø/g, 'o')
    .replace(/ł/g, 'l')
    .replace(/ß/g, 'ss')
    .replace(/['’`]/g, '');
  const comma = s.split(',');
  if (comma.length === 2) {
    const after = comma[1]!.trim().replace(/\./g, '');
    // "Smith, Jr." is a suffix, not a given name.
    s = NAME_SUFFIXES.has(after) ? comma[0]! : `${comma[1]} ${comma[0]}`;
  }
  const tokens = s
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter((t) => t.length > 0);
  while (tokens.length > 1 && NAME_SUFFIXES.has(tokens[tokens.length - 1]!)) tokens.pop();
  return tokens;
}

const same = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((t, i) => t === b[i]);

/**
 * Whether a Kalshi spelling names the same person as an Odds API full name:
 * - equal tokens ("Carlos Alcaraz" / "CARLOS ALCARAZ" / "Alcaraz, Carlos");
 * - the surname alone, as a whole-token suffix ("Alcaraz", "De Minaur", "Auger-Aliassime");
 * - an initial and the surname ("C. Alcaraz");
 * - the same tokens in the other order, for family-name-first spellings ("Zhang Zhizhen").
 * A one-token surname suffix needs the full name to have a given name before it.
 */
export function samePerson(kalshi: string, odds: string): boolean {
  const k = personTokens(kalshi);
  const o = personTokens(odds);
  if (k.length === 0 || o.length === 0) return false;
  if (same(k, o)) return true;
  if (k.length < o.length && same(k, o.slice(o.length - k.length))) return true;
  if (k.length >= 2 && k[0]!.length === 1 && o.length >= k.length && o[0]!.startsWith(k[0]!)) {
    const rest = k.slice(1);
    if (same(rest, o.slice(o.length - rest.length))) return true;
  }
  if (k.length >= 2 && k.length === o.length) {
    const sorted = (x: readonly string[]) => [...x].sort();
    if (same(sorted(k), sorted(o))) return true;
  }
  return false;
}

/** The members of a doubles pair ("Krawczyk / Skupski", "A & B"), or the one person. */
export function pairMembers(name: string): string[] {
  return name
    .split(/\s*(?:\/|&|\+)\s*/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * A side of an individual sport: one person or a doubles pair, each member of
 * one side matching exactly one member of the other.
 */
export function sameIndividualSide(kalshi: string, odds: string): boolean {
  const k = pairMembers(kalshi);
  const o = pairMembers(odds);
  if (k.length !== o.length || k.length === 0 || k.length > 2) return false;
  if (k.length === 1) return samePerson(k[0]!, o[0]!);
  const straight = samePerson(k[0]!, o[0]!) && samePerson(k[1]!, o[1]!);
  const crossed = samePerson(k[0]!, o[1]!) && samePerson(k[1]!, o[0]!);
  return straight || crossed;
}

/**
 * Club-form tokens of European clubs that one feed writes and the other drops
 * ("FC Bayern", "VfL Wolfsburg", "AS Roma", "1. FC Köln", "OGC Nice").
 * Numbers stay: "Mainz 05" and "Schalke 04" keep them in both feeds.
 */
const CLUB_NOISE = new Set([
  'ac',
  'as',
  'ss',
  'ssc',
  'us',
  'acf',
  'ogc',
  'rc',
  'rcd',
  'ud',
  'cd',
  'sd',
  'ca',
  'cf',
  'fc',
  'afc',
  'sc',
  'vfb',
  'vfl',
  'tsg',
  'sv',
  'fsv',
  'bv',
  'club',
  'de',
  'calcio',
]);

/** A club name without its club-form tokens: "1. FC Köln" → "koln", "AS Roma" → "roma". */
export const normalizeClubName = memoize(normalizeClubNameOf);

function normalizeClubNameOf(name: string): string {
  const tokens = normalizeTeamName(name).split(' ');
  const kept = tokens.filter((t, i) => !CLUB_NOISE.has(t) && !(i === 0 && /^\d$/.test(t)));
  return (kept.length > 0 ? kept : tokens).join(' ');
}

/** Two club names are the same club when equal after club normalisation. */
export function sameClub(kalshi: string, odds: string): boolean {
  const k = normalizeClubName(kalshi);
  return k.length > 0 && k === normalizeClubName(odds);
}
