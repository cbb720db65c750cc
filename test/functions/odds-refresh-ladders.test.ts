import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { makeHandler, type OddsRefreshDeps } from '../../functions/odds-refresh.ts';
import { OddsApiClient } from '../../shared/odds/client.ts';
import { createStore, type Store } from '../../shared/store/index.ts';
import { StrikeTheoStore } from '../../shared/store/strike-theos.ts';
import type { OddsSim } from '../../sim/odds/server.ts';
import { type LocalDynamo, startDynalite } from '../support/dynalite.ts';
import { RecordingLog, RecordingMetrics, SIM_ODDS_KEY, SIM_START, startOddsSimulator } from './support.ts';

const open: { close(): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(open.map((o) => o.close()));
});

let db: LocalDynamo;
let store: Store;
let strikes: StrikeTheoStore;
let sim: OddsSim;
let eventId: string;

beforeEach(async () => {
  db = await startDynalite();
  store = createStore(db.doc, db.tableName);
  strikes = new StrikeTheoStore({ doc: db.doc, tableName: db.tableName });
  sim = await startOddsSimulator();
  open.push(db, sim);
  eventId = (await new OddsApiClient({ apiKey: SIM_ODDS_KEY, baseUrl: sim.baseUrl }).events('basketball_nba'))
    .data[0]!.id;
});

function deps(overrides: Partial<OddsRefreshDeps> = {}): OddsRefreshDeps {
  const client = new OddsApiClient({ apiKey: SIM_ODDS_KEY, baseUrl: sim.baseUrl, retry: { maxAttempts: 1 } });
  return {
    bookmakers: ['pinnacle', 'lowvig', 'draftkings', 'fanduel', 'betmgm'],
    debounceMs: 60_000,
    theos: store.theos,
    debounce: store.refreshDebounce,
    strikeTheos: strikes,
    odds: async () => client,
    now: () => SIM_START,
    log: new RecordingLog(),
    metrics: new RecordingMetrics(),
    ...overrides,
  };
}

const request = (id: string) => ({
  source: 'kalshi-mm.worker',
  'detail-type': 'OddsRefreshRequested',
  detail: { sportKey: 'basketball_nba', eventId: id, reason: 'inventory-skew', requestedBy: 'shard-0' },
});

describe('odds-refresh on a game with ladders', () => {
  it('renews the strike theo with the winner theo from the same call (spreads, totals: 3 credits)', async () => {
    const before = sim.usage();
    const out = await makeHandler(deps())(request(eventId));
    expect(out.status).toBe('written');
    expect(sim.usage().used - before.used).toBe(3);
    const s = await strikes.get(eventId);
    expect(s).toMatchObject({ eventId, source: 'refresh', asOf: SIM_START });
    expect(s!.margin.ok && s!.total.ok).toBe(true);
  });

  it('without the strike store, or for a sport without ladders, h2h only (1 credit)', async () => {
    const before = sim.usage();
    await makeHandler(deps({ strikeTheos: undefined }))(request(eventId));
    expect(sim.usage().used - before.used).toBe(1);
    expect(await strikes.get(eventId)).toBeNull();
    const other = await makeHandler(
      deps({ ladderSports: ['americanfootball_nfl'], debounceMs: 1, now: () => SIM_START + 120_000 }),
    )(request(eventId));
    expect(other.status).toBe('written');
    expect(sim.usage().used - before.used).toBe(2);
    expect(await strikes.get(eventId)).toBeNull();
  });
});
