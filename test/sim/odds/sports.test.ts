/**
 * The simulator's `/v4/sports` keys tennis per tournament, as The Odds API
 * does: the tournament a scenario plays is active, the others are listed only
 * with `all=true`, and the catalogue follows the active ones.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { activeOddsKeys, DEFAULT_SPORT_CATALOGUE, sportOfSeries } from '../../../shared/mapping/sports.ts';
import { SportsResponseSchema } from '../../../shared/odds/schemas.ts';
import { createOddsApiState, handleOddsRequest } from '../../../sim/odds/api.ts';
import { loadScenario } from '../../../sim/scenario/schema.ts';
import { buildWorld } from '../../../sim/scenario/world.ts';

const START = Date.parse('2026-01-20T23:00:00Z');
const KEY = '0123456789abcdef0123456789abcdef';
const scenario = (name: string) =>
  buildWorld(loadScenario(join(import.meta.dirname, `../../../sim/scenarios/${name}.json`)), {
    startMs: START,
  });
const sports = (name: string, all: boolean) => {
  const state = createOddsApiState(scenario(name), KEY);
  const r = handleOddsRequest(
    state,
    'GET',
    new URL(`http://x/v4/sports?apiKey=${KEY}${all ? '&all=true' : ''}`),
    START,
    0,
  );
  expect(r.headers['x-requests-last']).toBe('0'); // free
  return SportsResponseSchema.parse(r.body);
};

describe('sim /v4/sports: tennis keyed per tournament', () => {
  it('the tournament being played is active; the other tournaments only with all=true', () => {
    const active = sports('tennis-australian-open', false);
    const tennis = active.filter((s) => s.group === 'Tennis').map((s) => s.key);
    expect(tennis).toEqual([
      'tennis_atp_australian_open',
      'tennis_challenger_canberra',
      'tennis_wta_australian_open',
    ]);
    const all = sports('tennis-australian-open', true).filter((s) => s.group === 'Tennis');
    expect(all.map((s) => s.key)).toContain('tennis_atp_french_open');
    expect(all.find((s) => s.key === 'tennis_atp_french_open')?.active).toBe(false);
  });

  it('the catalogue follows the active keys: ATP and WTA their own tournament, challengers none', () => {
    const list = sports('tennis-australian-open', true);
    const keysOf = (series: string) => activeOddsKeys(sportOfSeries(DEFAULT_SPORT_CATALOGUE, series)!, list);
    expect(keysOf('KXATPMATCH')).toEqual(['tennis_atp_australian_open']);
    expect(keysOf('KXWTAMATCH')).toEqual(['tennis_wta_australian_open']);
    expect(keysOf('KXATPCHALLENGERMATCH')).toEqual([]);
  });

  it('outside a tennis scenario no tennis key is active', () => {
    expect(sports('nba-quiet-evening', false).some((s) => s.group === 'Tennis')).toBe(false);
    expect(sports('nba-quiet-evening', true).some((s) => s.key === 'tennis_atp_wimbledon')).toBe(true);
  });

  it('every other new league is listed, so a scenario of it finds its key', () => {
    const keys = new Set(sports('nba-quiet-evening', true).map((s) => s.key));
    for (const k of ['soccer_spain_la_liga', 'basketball_ncaab', 'boxing_boxing', 'mma_mixed_martial_arts'])
      expect(keys.has(k), k).toBe(true);
  });
});
