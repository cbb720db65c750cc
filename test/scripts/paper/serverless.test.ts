/**
 * The Lambdas' handlers run locally against the real Odds API simulator and
 * an in-memory DynamoDB: the schedule writes theos for the scenario's games,
 * and a refresh published by the worker reaches the refresh handler.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LockstepClock } from '../../../scripts/paper/clocks.ts';
import { type PaperDynamo, startPaperDynamo } from '../../../scripts/paper/dynamo.ts';
import {
  type LocalServerless,
  PAPER_BOOKMAKERS,
  startLocalServerless,
} from '../../../scripts/paper/serverless.ts';
import { createStore, type Store } from '../../../shared/store/index.ts';
import { SteppedClock } from '../../../sim/clock.ts';
import { type OddsSim, startOddsSim } from '../../../sim/odds/server.ts';
import { loadScenario } from '../../../sim/scenario/schema.ts';
import { buildWorld, type World } from '../../../sim/scenario/world.ts';

const START = Date.UTC(2026, 10, 25, 23, 0, 0);
let db: PaperDynamo;
let odds: OddsSim;
let store: Store;
let world: World;
let local: LocalServerless;
const logs: Record<string, unknown>[] = [];

beforeAll(async () => {
  const simClock = new SteppedClock(START);
  const clock = new LockstepClock(START, simClock);
  const scenario = loadScenario('sim/scenarios/nba-quiet-evening.json');
  world = buildWorld(scenario, { seed: 1, startMs: START });
  db = await startPaperDynamo();
  store = createStore(db.doc, db.tableName);
  odds = await startOddsSim({ clock: simClock, world, apiKey: 'paper-key' });
  local = startLocalServerless({
    clock,
    store,
    odds: { baseUrl: odds.baseUrl, apiKey: 'paper-key' },
    sports: [{ sportKey: 'basketball_nba', priority: 1, minCredits: 0 }],
    bookmakers: PAPER_BOOKMAKERS,
    pollEveryMs: 60_000,
    log: (e) => logs.push(e),
  });
  await local.schedule.runNow();
});

afterAll(async () => {
  await local?.stop();
  await odds?.close();
  await db?.close();
});

describe('paper serverless side', () => {
  it('the scheduled odds poll writes a theo for every scenario game', async () => {
    const summary = local.lastPoll();
    expect(summary?.sports[0]).toMatchObject({ sportKey: 'basketball_nba', status: 'polled' });
    const ids = world.games.map((g) => g.oddsEventId);
    const theos = await Promise.all(ids.map((id) => store.theos.get(id)));
    expect(theos.every((t) => t !== null)).toBe(true);
    expect(logs.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('a refresh request published by the worker is delivered to the refresh handler', async () => {
    const used = odds.usage().used;
    local.publishRefresh({
      sportKey: 'basketball_nba',
      eventId: world.games[0]!.oddsEventId,
      reason: 'inventory-skew',
    });
    await local.bus.drain();
    expect(local.bus.stats).toMatchObject({ published: 1, delivered: 1, failed: 0 });
    expect(odds.usage().used).toBeGreaterThan(used); // it called the event-odds endpoint
  });
});
