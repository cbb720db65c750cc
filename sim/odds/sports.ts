/**
 * The `/v4/sports` catalogue the simulator serves: a realistic set of keys
 * (some inactive, some outright-only; tennis keyed per tournament, only the
 * one being played active) plus every sport the scenario plays, which is
 * always active. The list is served sorted by key.
 */
import type { Sport } from '../../shared/odds/schemas.ts';
import type { World } from '../scenario/world.ts';

const CATALOGUE: readonly Sport[] = [
  {
    key: 'americanfootball_ncaaf',
    group: 'American Football',
    title: 'NCAAF',
    description: 'US College Football',
    active: false,
    has_outrights: false,
  },
  {
    key: 'americanfootball_nfl',
    group: 'American Football',
    title: 'NFL',
    description: 'US Football',
    active: true,
    has_outrights: false,
  },
  {
    key: 'americanfootball_nfl_super_bowl_winner',
    group: 'American Football',
    title: 'NFL Super Bowl Winner',
    description: 'Super Bowl Winner 2025/2026',
    active: true,
    has_outrights: true,
  },
  {
    key: 'baseball_mlb',
    group: 'Baseball',
    title: 'MLB',
    description: 'Major League Baseball',
    active: false,
    has_outrights: false,
  },
  {
    key: 'baseball_ncaa',
    group: 'Baseball',
    title: 'NCAA Baseball',
    description: 'US College Baseball',
    active: false,
    has_outrights: false,
  },
  {
    key: 'basketball_nba',
    group: 'Basketball',
    title: 'NBA',
    description: 'US Basketball',
    active: true,
    has_outrights: false,
  },
  {
    key: 'basketball_nba_championship_winner',
    group: 'Basketball',
    title: 'NBA Championship Winner',
    description: 'Championship Winner 2025/2026',
    active: true,
    has_outrights: true,
  },
  {
    key: 'basketball_ncaab',
    group: 'Basketball',
    title: 'NCAAB',
    description: 'US College Basketball',
    active: true,
    has_outrights: false,
  },
  {
    key: 'boxing_boxing',
    group: 'Boxing',
    title: 'Boxing',
    description: 'Boxing Bouts',
    active: true,
    has_outrights: false,
  },
  {
    key: 'icehockey_nhl',
    group: 'Ice Hockey',
    title: 'NHL',
    description: 'US Ice Hockey',
    active: true,
    has_outrights: false,
  },
  {
    key: 'mma_mixed_martial_arts',
    group: 'Mixed Martial Arts',
    title: 'MMA',
    description: 'Mixed Martial Arts',
    active: true,
    has_outrights: false,
  },
  {
    key: 'soccer_epl',
    group: 'Soccer',
    title: 'EPL',
    description: 'English Premier League',
    active: true,
    has_outrights: false,
  },
  {
    key: 'soccer_usa_mls',
    group: 'Soccer',
    title: 'MLS',
    description: 'Major League Soccer',
    active: false,
    has_outrights: false,
  },
  {
    key: 'aussierules_afl',
    group: 'Aussie Rules',
    title: 'AFL',
    description: 'Aussie Football',
    active: true,
    has_outrights: false,
  },
  {
    key: 'basketball_euroleague',
    group: 'Basketball',
    title: 'Basketball Euroleague',
    description: 'Basketball Euroleague',
    active: true,
    has_outrights: false,
  },
  {
    key: 'basketball_wnba',
    group: 'Basketball',
    title: 'WNBA',
    description: 'US Basketball',
    active: false,
    has_outrights: false,
  },
  {
    key: 'basketball_wncaab',
    group: 'Basketball',
    title: 'WNCAAB',
    description: "US Women's College Basketball",
    active: true,
    has_outrights: false,
  },
  {
    key: 'cricket_international_t20',
    group: 'Cricket',
    title: 'International Twenty20',
    description: 'International Twenty20',
    active: true,
    has_outrights: false,
  },
  {
    key: 'icehockey_ahl',
    group: 'Ice Hockey',
    title: 'AHL',
    description: 'American Hockey League',
    active: true,
    has_outrights: false,
  },
  {
    key: 'soccer_france_ligue_one',
    group: 'Soccer',
    title: 'Ligue 1 - France',
    description: 'Ligue 1 - France',
    active: true,
    has_outrights: false,
  },
  {
    key: 'soccer_germany_bundesliga',
    group: 'Soccer',
    title: 'Bundesliga - Germany',
    description: 'German Soccer',
    active: true,
    has_outrights: false,
  },
  {
    key: 'soccer_italy_serie_a',
    group: 'Soccer',
    title: 'Serie A - Italy',
    description: 'Italian Soccer',
    active: true,
    has_outrights: false,
  },
  {
    key: 'soccer_mexico_ligamx',
    group: 'Soccer',
    title: 'Liga MX',
    description: 'Mexican Soccer',
    active: true,
    has_outrights: false,
  },
  {
    key: 'soccer_spain_la_liga',
    group: 'Soccer',
    title: 'La Liga - Spain',
    description: 'Spanish Soccer',
    active: true,
    has_outrights: false,
  },
  {
    key: 'soccer_uefa_champs_league',
    group: 'Soccer',
    title: 'UEFA Champions League',
    description: 'European Champions League',
    active: true,
    has_outrights: false,
  },
  {
    key: 'tennis_atp_australian_open',
    group: 'Tennis',
    title: 'ATP Australian Open',
    description: "Men's Singles",
    active: false,
    has_outrights: false,
  },
  {
    key: 'tennis_atp_french_open',
    group: 'Tennis',
    title: 'ATP French Open',
    description: "Men's Singles",
    active: false,
    has_outrights: false,
  },
  {
    key: 'tennis_atp_us_open',
    group: 'Tennis',
    title: 'ATP US Open',
    description: "Men's Singles",
    active: false,
    has_outrights: false,
  },
  {
    key: 'tennis_atp_wimbledon',
    group: 'Tennis',
    title: 'ATP Wimbledon',
    description: "Men's Singles",
    active: false,
    has_outrights: false,
  },
  {
    key: 'tennis_wta_australian_open',
    group: 'Tennis',
    title: 'WTA Australian Open',
    description: "Women's Singles",
    active: false,
    has_outrights: false,
  },
  {
    key: 'tennis_wta_french_open',
    group: 'Tennis',
    title: 'WTA French Open',
    description: "Women's Singles",
    active: false,
    has_outrights: false,
  },
  {
    key: 'tennis_wta_us_open',
    group: 'Tennis',
    title: 'WTA US Open',
    description: "Women's Singles",
    active: false,
    has_outrights: false,
  },
  {
    key: 'tennis_wta_wimbledon',
    group: 'Tennis',
    title: 'WTA Wimbledon',
    description: "Women's Singles",
    active: false,
    has_outrights: false,
  },
];

/** The sports list for a world: catalogue entries, with the scenario's sports forced active. */
export function sportsOf(world: World): Sport[] {
  const played = new Map(world.games.map((g) => [g.game.oddsSportKey, g.game]));
  const out: Sport[] = CATALOGUE.map((s) => (played.has(s.key) ? { ...s, active: true } : { ...s }));
  for (const [key, game] of played) {
    if (out.some((s) => s.key === key)) continue;
    const group = key.split('_')[0] ?? key;
    out.push({
      key,
      group: group.charAt(0).toUpperCase() + group.slice(1),
      title: game.oddsSportTitle ?? game.league,
      description: game.league,
      active: true,
      has_outrights: false,
    });
  }
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

/** The `sport_title` an event of this sport carries. */
export function sportTitle(world: World, key: string): string {
  return sportsOf(world).find((s) => s.key === key)?.title ?? key;
}
