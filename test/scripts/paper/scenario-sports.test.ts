import { describe, expect, it } from 'vitest';
import { loadEngineConfig } from '../../../scripts/paper/config-file.ts';
import { withScenarioSports } from '../../../scripts/paper/stack.ts';
import { parseEngineConfig } from '../../../shared/config/engine-config.ts';
import { sportNamingIssues } from '../../../shared/config/sport-names.ts';
import { DEFAULT_SPORT_LIMITS, sportLimit } from '../../../shared/risk/limits.ts';
import { loadScenario } from '../../../sim/scenario/schema.ts';
import { buildWorld } from '../../../sim/scenario/world.ts';

describe('paper mode trades the scenario’s series', () => {
  it('adds a sport for a series no configured sport covers, and leaves covered ones alone', () => {
    const config = loadEngineConfig(undefined);
    const epl = buildWorld(loadScenario('sim/scenarios/epl-draw.json'), { seed: 1, startMs: 0 });
    const withEpl = withScenarioSports(config, epl);
    expect(withEpl.sports.epl).toEqual({ series: ['KXEPLGAME'], oddsSportKey: 'soccer_epl' });
    expect(withEpl.sports.nba).toEqual(config.sports.nba);
    const nba = buildWorld(loadScenario('sim/scenarios/nba-quiet-evening.json'), { seed: 1, startMs: 0 });
    expect(withScenarioSports(config, nba).sports).toEqual(config.sports);
  });
});

describe('paper sports are named by the catalogue, so their limits apply', () => {
  it('the tennis scenario trades atp, wta and tennis_challenger (niche limits), not "challenger"', () => {
    const config = loadEngineConfig(undefined);
    const tennis = buildWorld(loadScenario('sim/scenarios/tennis-australian-open.json'), {
      seed: 1,
      startMs: 0,
    });
    const sports = withScenarioSports(config, tennis).sports;
    expect(Object.keys(sports).sort()).toEqual(['atp', 'nba', 'nfl', 'tennis_challenger', 'wta']);
    expect(sports.tennis_challenger!.series).toEqual(['KXATPCHALLENGERMATCH']);
    expect(sportLimit(config.limits, 'tennis_challenger')).toEqual(DEFAULT_SPORT_LIMITS.tennis_challenger);
    expect(sportNamingIssues(sports)).toEqual([]);
  });

  it('an engine config naming a catalogue series under another sport name is refused, naming the id', () => {
    expect(() =>
      parseEngineConfig({ sports: { tennis: { series: ['KXATPMATCH'], oddsSportKey: 'x' } } }),
    ).toThrow(/sports\.tennis\.series: KXATPMATCH is the catalogue's sport "atp"/);
    expect(sportNamingIssues(parseEngineConfig({}).sports)).toEqual([]);
  });
});
