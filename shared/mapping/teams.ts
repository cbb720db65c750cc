/**
 * Alias tables: per league, each team's Odds API full name, its ticker codes
 * (Kalshi's and the usual abbreviations) and the other spellings Kalshi titles
 * and `yes_sub_title`s use (city, nickname, "Los Angeles L"). Extensible: pass
 * more LeagueSpecs (or extra aliases) to `buildLeagues`.
 *
 * A spelling that fits several teams ("Los Angeles", "New York", "Manchester")
 * is kept and resolves as ambiguous; a code must be unique within its league.
 */
import { normalizeTeamName } from './normalize.ts';

export interface TeamSpec {
  /** the full name exactly as The Odds API writes it */
  name: string;
  /** ticker codes, upper case, unique within the league */
  codes: readonly string[];
  /** other spellings (normalised before use) */
  aliases: readonly string[];
}

export interface LeagueSpec {
  sportKey: string;
  /** true where the moneyline has a draw (soccer): Kalshi lists a TIE market */
  draws: boolean;
  teams: readonly TeamSpec[];
}

export interface LeagueTable {
  sportKey: string;
  draws: boolean;
  teams: readonly TeamSpec[];
  /** code → team index */
  byCode: ReadonlyMap<string, number>;
  /** normalised spelling → team indices (more than one = ambiguous) */
  byAlias: ReadonlyMap<string, ReadonlySet<number>>;
}

/** A US "City Nickname" team: aliases city, nickname and "City N" (Kalshi's "Los Angeles L"). */
function us(city: string, nickname: string, codes: string[], extra: string[] = []): TeamSpec {
  return {
    name: `${city} ${nickname}`,
    codes,
    aliases: [city, nickname, `${city} ${nickname[0]}`, ...extra],
  };
}

function club(name: string, codes: string[], aliases: string[]): TeamSpec {
  return { name, codes, aliases };
}

export const NBA: LeagueSpec = {
  sportKey: 'basketball_nba',
  draws: false,
  teams: [
    us('Atlanta', 'Hawks', ['ATL']),
    us('Boston', 'Celtics', ['BOS']),
    us('Brooklyn', 'Nets', ['BKN', 'BRK']),
    us('Charlotte', 'Hornets', ['CHA', 'CHO']),
    us('Chicago', 'Bulls', ['CHI']),
    us('Cleveland', 'Cavaliers', ['CLE'], ['Cavs']),
    us('Dallas', 'Mavericks', ['DAL'], ['Mavs']),
    us('Denver', 'Nuggets', ['DEN']),
    us('Detroit', 'Pistons', ['DET']),
    us('Golden State', 'Warriors', ['GSW', 'GS']),
    us('Houston', 'Rockets', ['HOU']),
    us('Indiana', 'Pacers', ['IND']),
    us('Los Angeles', 'Clippers', ['LAC'], ['LA Clippers', 'LA C']),
    us('Los Angeles', 'Lakers', ['LAL'], ['LA Lakers', 'LA L']),
    us('Memphis', 'Grizzlies', ['MEM']),
    us('Miami', 'Heat', ['MIA']),
    us('Milwaukee', 'Bucks', ['MIL']),
    us('Minnesota', 'Timberwolves', ['MIN'], ['Wolves']),
    us('New Orleans', 'Pelicans', ['NOP', 'NO']),
    us('New York', 'Knicks', ['NYK', 'NY']),
    us('Oklahoma City', 'Thunder', ['OKC'], ['OKC Thunder']),
    us('Orlando', 'Magic', ['ORL']),
    us('Philadelphia', '76ers', ['PHI'], ['Sixers', 'Philadelphia Sixers']),
    us('Phoenix', 'Suns', ['PHX', 'PHO']),
    us('Portland', 'Trail Blazers', ['POR'], ['Blazers', 'Portland Blazers']),
    us('Sacramento', 'Kings', ['SAC']),
    us('San Antonio', 'Spurs', ['SAS', 'SA']),
    us('Toronto', 'Raptors', ['TOR']),
    us('Utah', 'Jazz', ['UTA', 'UTAH']),
    us('Washington', 'Wizards', ['WAS', 'WSH']),
  ],
};

export const NFL: LeagueSpec = {
  sportKey: 'americanfootball_nfl',
  draws: false,
  teams: [
    us('Arizona', 'Cardinals', ['ARI']),
    us('Atlanta', 'Falcons', ['ATL']),
    us('Baltimore', 'Ravens', ['BAL']),
    us('Buffalo', 'Bills', ['BUF']),
    us('Carolina', 'Panthers', ['CAR']),
    us('Chicago', 'Bears', ['CHI']),
    us('Cincinnati', 'Bengals', ['CIN']),
    us('Cleveland', 'Browns', ['CLE']),
    us('Dallas', 'Cowboys', ['DAL']),
    us('Denver', 'Broncos', ['DEN']),
    us('Detroit', 'Lions', ['DET']),
    us('Green Bay', 'Packers', ['GB', 'GNB']),
    us('Houston', 'Texans', ['HOU']),
    us('Indianapolis', 'Colts', ['IND']),
    us('Jacksonville', 'Jaguars', ['JAX', 'JAC'], ['Jags']),
    us('Kansas City', 'Chiefs', ['KC', 'KAN']),
    us('Las Vegas', 'Raiders', ['LV', 'LVR']),
    us('Los Angeles', 'Chargers', ['LAC'], ['LA Chargers', 'LA C']),
    us('Los Angeles', 'Rams', ['LAR', 'LA'], ['LA Rams', 'LA R']),
    us('Miami', 'Dolphins', ['MIA']),
    us('Minnesota', 'Vikings', ['MIN']),
    us('New England', 'Patriots', ['NE', 'NWE'], ['Pats']),
    us('New Orleans', 'Saints', ['NO', 'NOR']),
    us('New York', 'Giants', ['NYG'], ['NY Giants', 'NY G']),
    us('New York', 'Jets', ['NYJ'], ['NY Jets', 'NY J']),
    us('Philadelphia', 'Eagles', ['PHI']),
    us('Pittsburgh', 'Steelers', ['PIT']),
    us('San Francisco', '49ers', ['SF', 'SFO'], ['Niners']),
    us('Seattle', 'Seahawks', ['SEA']),
    us('Tampa Bay', 'Buccaneers', ['TB', 'TAM'], ['Bucs']),
    us('Tennessee', 'Titans', ['TEN']),
    us('Washington', 'Commanders', ['WAS', 'WSH']),
  ],
};

export const NHL: LeagueSpec = {
  sportKey: 'icehockey_nhl',
  draws: false,
  teams: [
    us('Anaheim', 'Ducks', ['ANA']),
    us('Boston', 'Bruins', ['BOS']),
    us('Buffalo', 'Sabres', ['BUF']),
    us('Calgary', 'Flames', ['CGY', 'CAL']),
    us('Carolina', 'Hurricanes', ['CAR'], ['Canes']),
    us('Chicago', 'Blackhawks', ['CHI']),
    us('Colorado', 'Avalanche', ['COL'], ['Avs']),
    us('Columbus', 'Blue Jackets', ['CBJ', 'CLB']),
    us('Dallas', 'Stars', ['DAL']),
    us('Detroit', 'Red Wings', ['DET']),
    us('Edmonton', 'Oilers', ['EDM']),
    us('Florida', 'Panthers', ['FLA']),
    us('Los Angeles', 'Kings', ['LAK', 'LA'], ['LA Kings']),
    us('Minnesota', 'Wild', ['MIN']),
    // The Odds API keeps the accent: "Montréal Canadiens" (normalisation folds it).
    {
      name: 'Montréal Canadiens',
      codes: ['MTL', 'MON'],
      aliases: ['Montreal', 'Montréal', 'Canadiens', 'Habs', 'Montreal C'],
    },
    us('Nashville', 'Predators', ['NSH', 'NAS'], ['Preds']),
    us('New Jersey', 'Devils', ['NJD', 'NJ']),
    us('New York', 'Islanders', ['NYI'], ['NY Islanders', 'NY I']),
    us('New York', 'Rangers', ['NYR'], ['NY Rangers', 'NY R']),
    us('Ottawa', 'Senators', ['OTT'], ['Sens']),
    us('Philadelphia', 'Flyers', ['PHI']),
    us('Pittsburgh', 'Penguins', ['PIT'], ['Pens']),
    us('San Jose', 'Sharks', ['SJS', 'SJ']),
    us('Seattle', 'Kraken', ['SEA']),
    // The Odds API writes "St Louis Blues" (no period); normalisation makes both equal.
    us('St Louis', 'Blues', ['STL']),
    us('Tampa Bay', 'Lightning', ['TBL', 'TB']),
    us('Toronto', 'Maple Leafs', ['TOR'], ['Leafs']),
    // Renamed from "Utah Hockey Club" (2025); keep the old name as an alias.
    us('Utah', 'Mammoth', ['UTA', 'UTAH'], ['Utah Hockey Club', 'Utah HC']),
    us('Vancouver', 'Canucks', ['VAN']),
    us('Vegas', 'Golden Knights', ['VGK', 'VEG'], ['Las Vegas', 'Vegas Knights']),
    us('Washington', 'Capitals', ['WSH', 'WAS'], ['Caps']),
    us('Winnipeg', 'Jets', ['WPG', 'WIN']),
  ],
};

export const MLB: LeagueSpec = {
  sportKey: 'baseball_mlb',
  draws: false,
  teams: [
    us('Arizona', 'Diamondbacks', ['ARI', 'AZ'], ['Dbacks', 'D-backs']),
    us('Atlanta', 'Braves', ['ATL']),
    us('Baltimore', 'Orioles', ['BAL']),
    us('Boston', 'Red Sox', ['BOS']),
    us('Chicago', 'Cubs', ['CHC'], ['Chicago C', 'Chi Cubs']),
    us('Chicago', 'White Sox', ['CWS', 'CHW'], ['Chicago WS', 'Chi White Sox']),
    us('Cincinnati', 'Reds', ['CIN']),
    us('Cleveland', 'Guardians', ['CLE']),
    us('Colorado', 'Rockies', ['COL']),
    us('Detroit', 'Tigers', ['DET']),
    us('Houston', 'Astros', ['HOU']),
    us('Kansas City', 'Royals', ['KC', 'KCR']),
    us('Los Angeles', 'Angels', ['LAA', 'ANA'], ['LA Angels', 'LA A', 'Anaheim']),
    us('Los Angeles', 'Dodgers', ['LAD'], ['LA Dodgers', 'LA D']),
    us('Miami', 'Marlins', ['MIA']),
    us('Milwaukee', 'Brewers', ['MIL']),
    us('Minnesota', 'Twins', ['MIN']),
    us('New York', 'Mets', ['NYM'], ['NY Mets', 'NY M']),
    us('New York', 'Yankees', ['NYY'], ['NY Yankees', 'NY Y']),
    // No city since the move from Oakland; the Odds API writes "Athletics" (older feeds: "Oakland Athletics").
    {
      name: 'Athletics',
      codes: ['ATH', 'OAK'],
      aliases: ['Oakland Athletics', 'Oakland', "A's", 'Sacramento', 'Las Vegas Athletics'],
    },
    us('Philadelphia', 'Phillies', ['PHI']),
    us('Pittsburgh', 'Pirates', ['PIT']),
    us('San Diego', 'Padres', ['SD', 'SDP']),
    us('San Francisco', 'Giants', ['SF', 'SFG']),
    us('Seattle', 'Mariners', ['SEA']),
    us('St. Louis', 'Cardinals', ['STL']),
    us('Tampa Bay', 'Rays', ['TB', 'TBR']),
    us('Texas', 'Rangers', ['TEX']),
    us('Toronto', 'Blue Jays', ['TOR']),
    us('Washington', 'Nationals', ['WSH', 'WAS', 'WSN'], ['Nats']),
  ],
};

export const EPL: LeagueSpec = {
  sportKey: 'soccer_epl',
  draws: true,
  teams: [
    club('Arsenal', ['ARS'], []),
    club('Aston Villa', ['AVL', 'AST'], ['Villa']),
    club('Bournemouth', ['BOU'], ['AFC Bournemouth']),
    club('Brentford', ['BRE'], []),
    club('Brighton and Hove Albion', ['BHA', 'BRI'], ['Brighton', 'Brighton & Hove Albion', 'Brighton Hove']),
    club('Burnley', ['BUR'], []),
    club('Chelsea', ['CHE'], []),
    club('Crystal Palace', ['CRY', 'CPL'], ['Palace']),
    club('Everton', ['EVE'], []),
    club('Fulham', ['FUL'], []),
    club('Ipswich Town', ['IPS'], ['Ipswich']),
    club('Leeds United', ['LEE', 'LEED'], ['Leeds']),
    club('Leicester City', ['LEI'], ['Leicester']),
    club('Liverpool', ['LIV'], []),
    club('Manchester City', ['MCI', 'MNC'], ['Man City', 'Man. City', 'Manchester C']),
    club('Manchester United', ['MUN', 'MNU'], ['Man United', 'Man Utd', 'Manchester Utd', 'Manchester U']),
    club('Newcastle United', ['NEW'], ['Newcastle']),
    club('Nottingham Forest', ['NFO', 'NOT'], ["Nott'm Forest", 'Nottm Forest', 'Forest']),
    club('Southampton', ['SOU'], []),
    club('Sunderland', ['SUN'], ['Sunderland AFC']),
    club('Tottenham Hotspur', ['TOT'], ['Tottenham', 'Spurs']),
    club('West Ham United', ['WHU'], ['West Ham']),
    club('Wolverhampton Wanderers', ['WOL'], ['Wolves', 'Wolverhampton']),
  ],
};

export const WNBA: LeagueSpec = {
  sportKey: 'basketball_wnba',
  draws: false,
  teams: [
    us('Atlanta', 'Dream', ['ATL']),
    us('Chicago', 'Sky', ['CHI']),
    us('Connecticut', 'Sun', ['CON', 'CONN']),
    us('Dallas', 'Wings', ['DAL']),
    us('Golden State', 'Valkyries', ['GSV', 'GS']),
    us('Indiana', 'Fever', ['IND']),
    us('Las Vegas', 'Aces', ['LVA', 'LV']),
    us('Los Angeles', 'Sparks', ['LAS', 'LA'], ['LA Sparks']),
    us('Minnesota', 'Lynx', ['MIN']),
    us('New York', 'Liberty', ['NYL', 'NY']),
    us('Phoenix', 'Mercury', ['PHX', 'PHO']),
    us('Portland', 'Fire', ['POR']),
    us('Seattle', 'Storm', ['SEA']),
    us('Toronto', 'Tempo', ['TOR']),
    us('Washington', 'Mystics', ['WAS', 'WSH']),
  ],
};

export const DEFAULT_LEAGUES: readonly LeagueSpec[] = [NBA, NFL, NHL, MLB, EPL, WNBA];

/**
 * Builds the lookup tables. Throws (a programming error in a table, caught by
 * the tests) on a code used twice in one league.
 */
export function buildLeague(spec: LeagueSpec): LeagueTable {
  const byCode = new Map<string, number>();
  const byAlias = new Map<string, Set<number>>();
  spec.teams.forEach((team, i) => {
    for (const code of team.codes) {
      const c = code.toUpperCase();
      const prior = byCode.get(c);
      if (prior !== undefined && prior !== i) {
        throw new Error(
          `${spec.sportKey}: code ${c} used by both ${spec.teams[prior]!.name} and ${team.name}`,
        );
      }
      byCode.set(c, i);
    }
    for (const spelling of [team.name, ...team.aliases, ...team.codes]) {
      const key = normalizeTeamName(spelling);
      if (!key) continue;
      const set = byAlias.get(key) ?? new Set<number>();
      set.add(i);
      byAlias.set(key, set);
    }
  });
  return { sportKey: spec.sportKey, draws: spec.draws, teams: spec.teams, byCode, byAlias };
}

export function buildLeagues(
  specs: readonly LeagueSpec[] = DEFAULT_LEAGUES,
): ReadonlyMap<string, LeagueTable> {
  return new Map(specs.map((s) => [s.sportKey, buildLeague(s)]));
}

/** Teams a spelling may mean (empty: unknown; more than one: ambiguous). */
export function teamsForName(league: LeagueTable, spelling: string): number[] {
  return [...(league.byAlias.get(normalizeTeamName(spelling)) ?? [])];
}
