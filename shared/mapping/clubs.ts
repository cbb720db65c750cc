/**
 * Clubs of the leagues we keep no full table for (soccer outside the EPL,
 * EuroLeague, AFL, AHL, cricket): most names agree once the club-form tokens
 * are gone ("AS Roma" = "Roma", "VfL Wolfsburg" = "Wolfsburg"); the ones that
 * differ in substance ("Inter" / "Inter Milan", "PSG" / "Paris Saint Germain")
 * are alias groups. A name in a group only ever matches its own group.
 */
import { normalizeClubName, sameClub } from './names.ts';

/** Each group: every spelling of one club (The Odds API's first, where known). */
export const CLUB_ALIAS_GROUPS: readonly (readonly string[])[] = [
  // Serie A
  ['Inter Milan', 'Internazionale', 'Inter', 'FC Internazionale Milano'],
  ['AC Milan', 'Milan'],
  ['Juventus', 'Juve'],
  ['Atalanta BC', 'Atalanta'],
  ['Hellas Verona FC', 'Hellas Verona', 'Verona'],
  // La Liga
  ['Atlético Madrid', 'Atletico de Madrid', 'Atleti', 'Atletico Madrid'],
  ['Athletic Bilbao', 'Athletic Club', 'Athletic'],
  ['Celta Vigo', 'Celta', 'RC Celta'],
  ['Real Betis', 'Betis'],
  ['Deportivo Alavés', 'Alavés', 'Alaves'],
  // Bundesliga
  ['Bayern Munich', 'Bayern München', 'FC Bayern', 'Bayern', 'FC Bayern München'],
  ['Borussia Dortmund', 'Dortmund', 'BVB'],
  ['Borussia Monchengladbach', 'Mönchengladbach', 'Gladbach', "Borussia M'gladbach", 'Monchengladbach'],
  ['Bayer Leverkusen', 'Leverkusen', 'Bayer 04 Leverkusen'],
  ['Eintracht Frankfurt', 'Frankfurt'],
  ['RB Leipzig', 'Leipzig'],
  ['Werder Bremen', 'Bremen', 'SV Werder Bremen'],
  ['Union Berlin', '1. FC Union Berlin'],
  ['FSV Mainz 05', 'Mainz', 'Mainz 05'],
  ['TSG Hoffenheim', 'Hoffenheim', 'TSG 1899 Hoffenheim'],
  ['FC Koln', '1. FC Köln', 'Köln', 'Cologne'],
  // Ligue 1
  ['Paris Saint Germain', 'PSG', 'Paris SG', 'Paris Saint-Germain'],
  ['Marseille', 'Olympique Marseille', 'Olympique de Marseille', 'OM'],
  ['Lyon', 'Olympique Lyonnais', 'OL'],
  ['Rennes', 'Stade Rennais'],
  ['Brest', 'Stade Brestois', 'Stade Brestois 29'],
  ['Monaco', 'AS Monaco'],
  // MLS
  ['LA Galaxy', 'Los Angeles Galaxy'],
  ['Los Angeles FC', 'LAFC'],
  ['New York Red Bulls', 'NY Red Bulls', 'RB New York'],
  ['New York City FC', 'NYCFC', 'NYC FC', 'New York City'],
  ['CF Montréal', 'Montreal', 'Montréal', 'CF Montreal'],
  ['D.C. United', 'DC United'],
  ['Seattle Sounders FC', 'Seattle Sounders', 'Seattle'],
  ['Sporting Kansas City', 'Sporting KC', 'Kansas City'],
  ['Inter Miami CF', 'Inter Miami'],
  ['St. Louis City SC', 'St. Louis City', 'St Louis City'],
  // Liga MX
  ['Club America', 'América', 'America', 'Club América'],
  ['Guadalajara Chivas', 'Chivas', 'Guadalajara', 'CD Guadalajara'],
  ['Pumas UNAM', 'Pumas', 'UNAM'],
  ['Tigres UANL', 'Tigres'],
];

export interface ClubTable {
  /** club-normalised spelling → group indices */
  bySpelling: ReadonlyMap<string, ReadonlySet<number>>;
}

export function buildClubTable(groups: readonly (readonly string[])[] = CLUB_ALIAS_GROUPS): ClubTable {
  const bySpelling = new Map<string, Set<number>>();
  groups.forEach((g, i) => {
    for (const s of g) {
      const key = normalizeClubName(s);
      const set = bySpelling.get(key) ?? new Set<number>();
      set.add(i);
      bySpelling.set(key, set);
    }
  });
  return { bySpelling };
}

export const DEFAULT_CLUBS = buildClubTable();

/** Same club: the same alias group, or (neither in a group) equal club-normalised names. */
export function sameClubSide(kalshi: string, odds: string, table: ClubTable = DEFAULT_CLUBS): boolean {
  const k = [...(table.bySpelling.get(normalizeClubName(kalshi)) ?? [])];
  const o = [...(table.bySpelling.get(normalizeClubName(odds)) ?? [])];
  if (k.length > 0 || o.length > 0) return k.length === 1 && o.length === 1 && k[0] === o[0];
  return sameClub(kalshi, odds);
}
