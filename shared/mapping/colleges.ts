/**
 * US colleges: The Odds API writes "School Mascot" ("Miami (OH) RedHawks",
 * "St. John's Red Storm", "UConn Huskies"); Kalshi writes the school
 * ("Miami (OH)", "St. John's", "Connecticut"). One table (the schools whose
 * spellings differ between the feeds, and the major conferences) and one
 * structural rule for the hundreds of others: a Kalshi school matches an Odds
 * API name that is exactly that school followed by a known mascot. Never a
 * prefix alone: "Miami" is not "Miami (OH) RedHawks", "Texas" is not
 * "Texas A&M Aggies".
 *
 * "St." means Saint before a name and State after one ("St. John's",
 * "Kansas St"); both fold to "st" in their own position, so "Kansas State" =
 * "Kansas St" and "Saint Mary's" = "St. Mary's" without "Michigan St" ever
 * meeting "Michigan".
 */
import { memoize } from './memo.ts';
import { normalizeTeamName } from './normalize.ts';

export interface College {
  /** the school as The Odds API writes it, before the mascot */
  school: string;
  mascot: string;
  /** other spellings of the school (Kalshi's short names, abbreviations) */
  aliases: readonly string[];
}

const c = (school: string, mascot: string, ...aliases: string[]): College => ({ school, mascot, aliases });

/** Schools with spelling traps first, then the power conferences and the usual tournament names. */
export const COLLEGES: readonly College[] = [
  c('Miami', 'Hurricanes', 'Miami (FL)', 'Miami FL', 'Miami Florida'),
  c('Miami (OH)', 'RedHawks', 'Miami OH', 'Miami Ohio', 'Miami (Ohio)'),
  c("St. John's", 'Red Storm', "St. John's (NY)", 'St Johns NY'),
  c("Saint Mary's", 'Gaels', "St. Mary's (CA)", "Saint Mary's (CA)", 'St Marys CA'),
  c('UConn', 'Huskies', 'Connecticut'),
  c('Ole Miss', 'Rebels', 'Mississippi'),
  c('Loyola (Chi)', 'Ramblers', 'Loyola Chicago', 'Loyola-Chicago'),
  c('Loyola (MD)', 'Greyhounds', 'Loyola Maryland'),
  c('Loyola Marymount', 'Lions', 'LMU'),
  c('Saint Louis', 'Billikens'),
  c("Saint Joseph's", 'Hawks', "St. Joseph's"),
  c("Saint Peter's", 'Peacocks', "St. Peter's"),
  c('St. Bonaventure', 'Bonnies'),
  c("Mount St. Mary's", 'Mountaineers'),
  c('St. Thomas (MN)', 'Tommies', 'St. Thomas'),
  c('UCF', 'Knights', 'Central Florida'),
  c('USC', 'Trojans', 'Southern California', 'Southern Cal'),
  c('LSU', 'Tigers', 'Louisiana State'),
  c('SMU', 'Mustangs', 'Southern Methodist'),
  c('TCU', 'Horned Frogs', 'Texas Christian'),
  c('BYU', 'Cougars', 'Brigham Young'),
  c('UNLV', 'Rebels', 'Nevada-Las Vegas'),
  c('VCU', 'Rams', 'Virginia Commonwealth'),
  c('UAB', 'Blazers', 'Alabama-Birmingham'),
  c('UTEP', 'Miners', 'Texas-El Paso'),
  c('UTSA', 'Roadrunners', 'Texas-San Antonio'),
  c('UCLA', 'Bruins'),
  c('Pittsburgh', 'Panthers', 'Pitt'),
  c('NC State', 'Wolfpack', 'North Carolina State', 'N.C. State'),
  c('North Carolina', 'Tar Heels', 'UNC'),
  c('UNC Wilmington', 'Seahawks', 'UNCW'),
  c('UNC Greensboro', 'Spartans', 'UNCG'),
  c('Texas A&M', 'Aggies', 'TAMU'),
  c('Texas A&M-CC', 'Islanders', 'Texas A&M-Corpus Christi'),
  c('Texas', 'Longhorns'),
  c('Texas Tech', 'Red Raiders'),
  c('Texas State', 'Bobcats'),
  c('Hawaii', 'Rainbow Warriors', "Hawai'i"),
  c('San José St', 'Spartans', 'San Jose State'),
  c('Florida Atlantic', 'Owls', 'FAU'),
  c('Florida Int', 'Panthers', 'FIU', 'Florida International'),
  c('Florida', 'Gators'),
  c('Florida St', 'Seminoles', 'FSU'),
  c('Penn State', 'Nittany Lions'),
  c('Penn', 'Quakers', 'Pennsylvania'),
  c('Army', 'Black Knights'),
  c('Navy', 'Midshipmen'),
  c('Air Force', 'Falcons'),
  // ACC
  c('Boston College', 'Eagles', 'BC'),
  c('California', 'Golden Bears', 'Cal'),
  c('Clemson', 'Tigers'),
  c('Duke', 'Blue Devils'),
  c('Georgia Tech', 'Yellow Jackets'),
  c('Louisville', 'Cardinals'),
  c('Notre Dame', 'Fighting Irish'),
  c('Stanford', 'Cardinal'),
  c('Syracuse', 'Orange'),
  c('Virginia', 'Cavaliers', 'UVA'),
  c('Virginia Tech', 'Hokies'),
  c('Wake Forest', 'Demon Deacons'),
  // Big Ten
  c('Illinois', 'Fighting Illini'),
  c('Indiana', 'Hoosiers'),
  c('Iowa', 'Hawkeyes'),
  c('Maryland', 'Terrapins'),
  c('Michigan', 'Wolverines'),
  c('Michigan St', 'Spartans'),
  c('Minnesota', 'Golden Gophers'),
  c('Nebraska', 'Cornhuskers'),
  c('Northwestern', 'Wildcats'),
  c('Ohio State', 'Buckeyes'),
  c('Oregon', 'Ducks'),
  c('Purdue', 'Boilermakers'),
  c('Rutgers', 'Scarlet Knights'),
  c('Washington', 'Huskies'),
  c('Wisconsin', 'Badgers'),
  // Big 12
  c('Arizona', 'Wildcats'),
  c('Arizona St', 'Sun Devils'),
  c('Baylor', 'Bears'),
  c('Cincinnati', 'Bearcats'),
  c('Colorado', 'Buffaloes'),
  c('Houston', 'Cougars'),
  c('Iowa State', 'Cyclones'),
  c('Kansas', 'Jayhawks'),
  c('Kansas St', 'Wildcats'),
  c('Oklahoma St', 'Cowboys'),
  c('Utah', 'Utes'),
  c('West Virginia', 'Mountaineers'),
  // SEC
  c('Alabama', 'Crimson Tide'),
  c('Arkansas', 'Razorbacks'),
  c('Auburn', 'Tigers'),
  c('Georgia', 'Bulldogs'),
  c('Kentucky', 'Wildcats'),
  c('Mississippi St', 'Bulldogs'),
  c('Missouri', 'Tigers'),
  c('Oklahoma', 'Sooners'),
  c('South Carolina', 'Gamecocks'),
  c('Tennessee', 'Volunteers'),
  c('Vanderbilt', 'Commodores'),
  // Big East
  c('Butler', 'Bulldogs'),
  c('Creighton', 'Bluejays'),
  c('DePaul', 'Blue Demons'),
  c('Georgetown', 'Hoyas'),
  c('Marquette', 'Golden Eagles'),
  c('Providence', 'Friars'),
  c('Seton Hall', 'Pirates'),
  c('Villanova', 'Wildcats'),
  c('Xavier', 'Musketeers'),
  // Others often in the tournament or on national TV
  c('Gonzaga', 'Bulldogs'),
  c('San Diego St', 'Aztecs'),
  c('Memphis', 'Tigers'),
  c('Wichita St', 'Shockers'),
  c('Dayton', 'Flyers'),
  c('Boise State', 'Broncos'),
  c('Utah State', 'Aggies'),
  c('Colorado St', 'Rams'),
  c('New Mexico', 'Lobos'),
  c('New Mexico St', 'Aggies'),
  c('Nevada', 'Wolf Pack'),
  c('Drake', 'Bulldogs'),
  c('Davidson', 'Wildcats'),
  c('Belmont', 'Bruins'),
  c('Murray St', 'Racers'),
  c('Oral Roberts', 'Golden Eagles'),
  c('Grand Canyon', 'Antelopes', 'GCU'),
  c('UC Irvine', 'Anteaters'),
  c('UC Santa Barbara', 'Gauchos', 'UCSB'),
  c('Cal Baptist', 'Lancers', 'California Baptist'),
  c('McNeese', 'Cowboys', 'McNeese St', 'McNeese State'),
  c('Louisiana', "Ragin' Cajuns", 'Louisiana-Lafayette', 'UL Lafayette'),
  c('UL Monroe', 'Warhawks', 'Louisiana-Monroe', 'ULM'),
  c('Tulane', 'Green Wave'),
  c('Tulsa', 'Golden Hurricane'),
  c('Temple', 'Owls'),
  c('South Florida', 'Bulls', 'USF'),
  c('East Carolina', 'Pirates', 'ECU'),
  c('Charlotte', '49ers'),
  c('North Texas', 'Mean Green'),
  c('Rice', 'Owls'),
  c('Marshall', 'Thundering Herd'),
  c('Appalachian St', 'Mountaineers', 'App State'),
  c('James Madison', 'Dukes', 'JMU'),
  c('Liberty', 'Flames'),
  c('Western Kentucky', 'Hilltoppers', 'WKU'),
  c('Ohio', 'Bobcats'),
  c('Toledo', 'Rockets'),
  c('Akron', 'Zips'),
  c('Kent State', 'Golden Flashes'),
  c('Fresno St', 'Bulldogs'),
  c('Oregon St', 'Beavers'),
  c('Washington St', 'Cougars'),
];

/** Mascots of schools outside the table (for the structural rule), beside every table mascot. */
const MORE_MASCOTS = [
  'Aggies',
  'Bears',
  'Bearcats',
  'Beavers',
  'Bison',
  'Blue Devils',
  'Blue Hens',
  'Bobcats',
  'Braves',
  'Broncos',
  'Bruins',
  'Buccaneers',
  'Buckeyes',
  'Bulldogs',
  'Bulls',
  'Cardinals',
  'Catamounts',
  'Chanticleers',
  'Chippewas',
  'Colonels',
  'Colonials',
  'Cougars',
  'Cowboys',
  'Crusaders',
  'Dolphins',
  'Dons',
  'Dukes',
  'Eagles',
  'Falcons',
  'Flames',
  'Gaels',
  'Golden Eagles',
  'Golden Griffins',
  'Greyhounds',
  'Griffins',
  'Hawks',
  'Highlanders',
  'Hornets',
  'Huskies',
  'Jaguars',
  'Jaspers',
  'Knights',
  'Lancers',
  'Leopards',
  'Lions',
  'Lumberjacks',
  'Mavericks',
  'Mastodons',
  'Miners',
  'Monarchs',
  'Mountaineers',
  'Mustangs',
  'Owls',
  'Paladins',
  'Panthers',
  'Patriots',
  'Peacocks',
  'Penguins',
  'Phoenix',
  'Pilots',
  'Pioneers',
  'Pirates',
  'Privateers',
  'Purple Aces',
  'Quakers',
  'Racers',
  'Raiders',
  'Rams',
  'Ramblers',
  'Rattlers',
  'Red Flash',
  'Redbirds',
  'Redhawks',
  'Retrievers',
  'River Hawks',
  'Roadrunners',
  'Rockets',
  'Saints',
  'Salukis',
  'Seahawks',
  'Seawolves',
  'Seminoles',
  'Shockers',
  'Skyhawks',
  'Spartans',
  'Spiders',
  'Stags',
  'Terriers',
  'Thunderbirds',
  'Tigers',
  'Titans',
  'Toreros',
  'Tribe',
  'Tritons',
  'Trojans',
  'Vandals',
  'Vikings',
  'Warhawks',
  'Waves',
  'Wildcats',
  'Wolfpack',
  'Wolverines',
  'Zips',
  'Golden Hurricane',
  'Mean Green',
  'Blue Raiders',
  'Black Bears',
  'Red Foxes',
  'Great Danes',
  'Big Green',
  'Big Red',
  'Fighting Hawks',
  'Golden Bears',
  'Golden Gophers',
  'Golden Panthers',
  'Golden Flashes',
  'Green Wave',
  'Hilltoppers',
  'Jackrabbits',
  'Kangaroos',
  'Leathernecks',
  'Lobos',
  'Matadors',
  'Mocs',
  'Musketeers',
  'Ospreys',
  'Rainbow Warriors',
  'Ragin Cajuns',
  'Runnin Bulldogs',
  'Sun Devils',
  'Thundering Herd',
  'Utes',
  'Norse',
  'Bearkats',
  'Hatters',
  'Golden Lions',
  'Delta Devils',
  'Chargers',
  'Red Wolves',
  'Golden Grizzlies',
  'Governors',
  'Sycamores',
  'Beacons',
  'Crimson',
  'Minutemen',
  'Blackbirds',
  'Keydets',
  'Fighting Camels',
  'Pride',
  'Blue Hose',
  'Explorers',
  'Purple Eagles',
  'Lopes',
  'Vaqueros',
  'Warriors',
  'Islanders',
  'Coyotes',
  'Screaming Eagles',
  'Wolves',
  'Lakers',
  'Demons',
  'Bonnies',
  'Billikens',
  'Gamecocks',
  'Hurricanes',
  'Cornhuskers',
  'Hoyas',
  'Friars',
  'Bluejays',
  'Tar Heels',
  'Red Storm',
  'Scarlet Knights',
  'Hokies',
  'Demon Deacons',
  'Yellow Jackets',
  'Fighting Irish',
  'Orange',
  'Commodores',
  'Volunteers',
  'Razorbacks',
  'Crimson Tide',
  'Sooners',
  'Longhorns',
  'Jayhawks',
  'Cyclones',
  'Buffaloes',
  'Terrapins',
  'Nittany Lions',
  'Hawkeyes',
  'Boilermakers',
  'Badgers',
  'Fighting Illini',
  'Hoosiers',
  'Ducks',
  'Mountain Hawks',
  'Sharks',
  'Antelopes',
  'Anteaters',
];

/**
 * College normal form: the team normal form, then "state" → "st" wherever it
 * is not the first word (State after a name) — "saint" is already "st", and
 * only ever comes first. "(OH)" keeps its letters: "Miami (OH)" → "miami oh".
 */
export const normalizeCollegeName = memoize((name: string): string =>
  normalizeTeamName(name)
    .split(' ')
    .map((t, i) => (i > 0 && t === 'state' ? 'st' : t))
    .join(' '),
);

export interface CollegeTable {
  colleges: readonly College[];
  /** normalised spelling (school, alias, full name) → college indices */
  bySpelling: ReadonlyMap<string, ReadonlySet<number>>;
  /** normalised mascots, for the structural rule */
  mascots: ReadonlySet<string>;
}

export function buildCollegeTable(colleges: readonly College[] = COLLEGES): CollegeTable {
  const bySpelling = new Map<string, Set<number>>();
  const add = (spelling: string, i: number) => {
    const key = normalizeCollegeName(spelling);
    if (!key) return;
    const set = bySpelling.get(key) ?? new Set<number>();
    set.add(i);
    bySpelling.set(key, set);
  };
  colleges.forEach((col, i) => {
    for (const s of [col.school, ...col.aliases]) {
      add(s, i);
      add(`${s} ${col.mascot}`, i);
    }
  });
  const mascots = new Set([...colleges.map((x) => x.mascot), ...MORE_MASCOTS].map(normalizeCollegeName));
  return { colleges, bySpelling, mascots };
}

export const DEFAULT_COLLEGES = buildCollegeTable();

/** Table entries a spelling may mean (empty: not in the table). */
export function collegesFor(table: CollegeTable, spelling: string): number[] {
  return [...(table.bySpelling.get(normalizeCollegeName(spelling)) ?? [])];
}

/**
 * Whether Kalshi's school and The Odds API's "School Mascot" are one college.
 * Both in the table: the same entry. One in the table, the other not: not the
 * same (the table knows every spelling of its schools). Neither: the Odds API
 * name must be exactly Kalshi's school plus one known mascot.
 */
export function sameCollege(kalshi: string, odds: string, table: CollegeTable = DEFAULT_COLLEGES): boolean {
  const k = collegesFor(table, kalshi);
  const o = collegesFor(table, odds);
  if (k.length > 0 || o.length > 0) return k.length === 1 && o.length === 1 && k[0] === o[0];
  const ks = normalizeCollegeName(kalshi);
  const os = normalizeCollegeName(odds);
  if (!ks || !os) return false;
  if (ks === os) return true;
  if (!os.startsWith(`${ks} `)) return false;
  return table.mascots.has(os.slice(ks.length + 1));
}
