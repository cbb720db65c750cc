import { describe, expect, it } from 'vitest';
import { loadEngineConfig } from '../../../scripts/paper/config-file.ts';
import { withScenarioSports } from '../../../scripts/paper/stack.ts';
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
