/**
 * odds-poll on a tournament-keyed sport: "atp" in ODDS_SPORTS is polled on
 * every ATP key /v4/sports lists as active (two tournaments at once here), the
 * theos land under their tournament keys and the active keys are stored for
 * the worker's mapper.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { makeHandler, type OddsPollDeps } from '../../functions/odds-poll.ts';
import { OddsApiClient } from '../../shared/odds/client.ts';
import { createStore, type Store } from '../../shared/store/index.ts';
import { ActiveOddsKeysStore } from '../../shared/store/odds-keys.ts';
import { SteppedClock } from '../../sim/clock.ts';
import { type OddsSim, startOddsSim } from '../../sim/odds/server.ts';
import { parseScenario, type ScenarioInput } from '../../sim/scenario/schema.ts';
import { buildWorld } from '../../sim/scenario/world.ts';
import { type LocalDynamo, startDynalite } from '../support/dynalite.ts';
import { RecordingLog, RecordingMetrics, SIM_ODDS_KEY, SIM_START } from './support.ts';

const open: { close(): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(open.map((o) => o.close()));
});

/** The Australian Open scenario with its second ATP match moved to a concurrent tournament. */
async function twoTournamentSim(): Promise<OddsSim> {
  const input = JSON.parse(
    readFileSync(new URL('../../sim/scenarios/tennis-australian-open.json', import.meta.url), 'utf8'),
  ) as ScenarioInput & { games: { oddsSportKey: string; oddsSportTitle?: string }[] };
  const atp = input.games.filter((g) => g.oddsSportKey === 'tennis_atp_australian_open');
  expect(atp.length).toBeGreaterThanOrEqual(2);
  atp[1]!.oddsSportKey = 'tennis_atp_qatar_open';
  atp[1]!.oddsSportTitle = 'ATP Qatar Open';
  const scenario = parseScenario({ ...input, start: new Date(SIM_START).toISOString() });
  return startOddsSim({
    clock: new SteppedClock(SIM_START),
    world: buildWorld(scenario, { seed: scenario.seed, startMs: SIM_START }),
    apiKey: SIM_ODDS_KEY,
  });
}

let db: LocalDynamo;
let store: Store;
let keys: ActiveOddsKeysStore;
let sim: OddsSim;

beforeEach(async () => {
  db = await startDynalite();
  store = createStore(db.doc, db.tableName);
  keys = new ActiveOddsKeysStore({ doc: db.doc, tableName: db.tableName });
  sim = await twoTournamentSim();
  open.push(db, sim);
});

function deps(overrides: Partial<OddsPollDeps> = {}): OddsPollDeps {
  const client = new OddsApiClient({ apiKey: SIM_ODDS_KEY, baseUrl: sim.baseUrl, retry: { maxAttempts: 1 } });
  return {
    sports: [{ sportKey: 'atp', priority: 1, minCredits: 0 }],
    bookmakers: ['pinnacle', 'lowvig', 'draftkings', 'fanduel', 'betmgm', 'williamhill_us'],
    horizonHours: 36,
    theos: store.theos,
    activeKeys: keys,
    odds: async () => client,
    now: () => SIM_START,
    log: new RecordingLog(),
    metrics: new RecordingMetrics(),
    ...overrides,
  };
}

describe('odds-poll: tournament-keyed sports', () => {
  it('polls every active ATP tournament key, stores theos under each and the keys for the mapper', async () => {
    const summary = await makeHandler(deps())({ trigger: 'schedule' });
    expect(summary.sports.map((s) => [s.sportKey, s.status])).toEqual([
      ['tennis_atp_australian_open', 'polled'],
      ['tennis_atp_qatar_open', 'polled'],
    ]);
    const ao = await store.theos.listBySport('tennis_atp_australian_open');
    const qatar = await store.theos.listBySport('tennis_atp_qatar_open');
    expect(ao.length).toBeGreaterThanOrEqual(1);
    expect(qatar).toHaveLength(1);
    // Inactive tournaments (French Open, …) and WTA keys are not polled.
    expect(await store.theos.listBySport('tennis_wta_australian_open')).toEqual([]);
    expect(await keys.get('atp')).toEqual({
      sport: 'atp',
      keys: ['tennis_atp_australian_open', 'tennis_atp_qatar_open'],
      asOf: SIM_START,
    });
  });

  it('a manual poll of "atp" is accepted and expands the same way; fixed keys stay as they are', async () => {
    const summary = await makeHandler(
      deps({
        sports: [
          { sportKey: 'atp', priority: 2, minCredits: 0 },
          { sportKey: 'wta', priority: 1, minCredits: 0 },
          { sportKey: 'basketball_nba', priority: 3, minCredits: 0 },
        ],
      }),
    )({ trigger: 'manual', sports: ['atp', 'wta'] });
    expect(summary.sports.map((s) => s.sportKey)).toEqual([
      'tennis_wta_australian_open',
      'tennis_atp_australian_open',
      'tennis_atp_qatar_open',
    ]);
    expect((await keys.get('wta'))?.keys).toEqual(['tennis_wta_australian_open']);
  });

  it('with /v4/sports failing the tournament sport is reported failed, not silently skipped', async () => {
    const bad = new OddsApiClient({ apiKey: SIM_ODDS_KEY, baseUrl: sim.baseUrl, retry: { maxAttempts: 1 } });
    const failing = {
      ...bad,
      events: bad.events.bind(bad),
      odds: bad.odds.bind(bad),
      sports: async () => {
        throw new Error('503 from /v4/sports');
      },
    };
    await expect(
      makeHandler(deps({ odds: async () => failing as unknown as OddsApiClient }))({ trigger: 'schedule' }),
    ).rejects.toThrow(/every sport failed \(atp\)/);
    expect(await keys.get('atp')).toBeNull();
  });
});
