import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { makeHandler, type OddsRefreshDeps } from '../../functions/odds-refresh.ts';
import {
  REFRESH_EVENT_DETAIL_TYPE,
  REFRESH_EVENT_SOURCE,
  refreshPutEventsEntry,
} from '../../shared/events/refresh-request.ts';
import { OddsApiClient } from '../../shared/odds/client.ts';
import { createStore, type Store } from '../../shared/store/index.ts';
import type { OddsSim } from '../../sim/odds/server.ts';
import { type LocalDynamo, startDynalite } from '../support/dynalite.ts';
import { RecordingLog, RecordingMetrics, SIM_ODDS_KEY, SIM_START, startOddsSimulator } from './support.ts';

const open: { close(): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(open.map((o) => o.close()));
});

let db: LocalDynamo;
let store: Store;
let sim: OddsSim;
let eventId: string;
let now: number;
let log: RecordingLog;
let metrics: RecordingMetrics;

beforeEach(async () => {
  db = await startDynalite();
  store = createStore(db.doc, db.tableName);
  sim = await startOddsSimulator();
  open.push(db, sim);
  const events = await new OddsApiClient({ apiKey: SIM_ODDS_KEY, baseUrl: sim.baseUrl }).events(
    'basketball_nba',
  );
  eventId = events.data[0]!.id;
  now = SIM_START;
  log = new RecordingLog();
  metrics = new RecordingMetrics();
});

function deps(overrides: Partial<OddsRefreshDeps> = {}): OddsRefreshDeps {
  const client = new OddsApiClient({ apiKey: SIM_ODDS_KEY, baseUrl: sim.baseUrl, retry: { maxAttempts: 1 } });
  return {
    bookmakers: ['pinnacle', 'lowvig', 'draftkings', 'fanduel', 'betmgm'],
    debounceMs: 60_000,
    theos: store.theos,
    debounce: store.refreshDebounce,
    odds: async () => client,
    now: () => now,
    log,
    metrics,
    ...overrides,
  };
}

const envelope = (detail: Record<string, unknown>) => ({
  version: '0',
  id: 'abc',
  source: REFRESH_EVENT_SOURCE,
  'detail-type': REFRESH_EVENT_DETAIL_TYPE,
  account: '123456789012',
  time: '2026-01-20T23:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail,
});

describe('odds-refresh', () => {
  it('writes the event theo from the worker event, and a burst of requests costs one call', async () => {
    const handler = makeHandler(deps());
    const detail = { sportKey: 'basketball_nba', eventId, reason: 'inventory-skew', requestedBy: 'shard-0' };
    const before = sim.usage();
    const results = await Promise.all(Array.from({ length: 6 }, () => handler(envelope(detail))));
    expect(results.filter((r) => r.status === 'written')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'debounced')).toHaveLength(5);
    expect(sim.usage().requests - before.requests).toBe(1);
    const theo = await store.theos.get(eventId);
    expect(theo).toMatchObject({ eventId, source: 'refresh', asOf: SIM_START });
    expect(metrics.sum('RefreshDebounced')).toBe(5);

    // After the window, a new request refreshes again with a newer version.
    now = SIM_START + 60_000;
    expect(await handler(envelope(detail))).toMatchObject({ status: 'written' });
    expect((await store.theos.get(eventId))?.asOf).toBe(SIM_START + 60_000);
  });

  it('accepts exactly what the worker publishes (refreshPutEventsEntry), as EventBridge delivers it', async () => {
    const entry = refreshPutEventsEntry(
      {
        sportKey: 'basketball_nba',
        eventId,
        kalshiEventTicker: 'KXNBAGAME-26JAN20MIABOS',
        reason: 'inventory-skew',
      },
      'kalshi-mm-test',
    );
    expect(entry).toMatchObject({ Source: REFRESH_EVENT_SOURCE, DetailType: REFRESH_EVENT_DETAIL_TYPE });
    const delivered = {
      ...envelope(JSON.parse(entry.Detail)),
      source: entry.Source,
      'detail-type': entry.DetailType,
    };
    expect(await makeHandler(deps())(delivered)).toMatchObject({ status: 'written', eventId });
    expect(() => refreshPutEventsEntry({ sportKey: 'basketball_nba', eventId: '' }, 'bus')).toThrow(
      /eventId/,
    );
  });

  it('accepts the bare detail for a manual `aws lambda invoke`', async () => {
    const result = await makeHandler(deps())({ sportKey: 'basketball_nba', eventId });
    expect(result).toMatchObject({ status: 'written', eventId });
  });

  it('rejects bad events naming the field, with no debounce claim and no write', async () => {
    const handler = makeHandler(deps());
    await expect(handler(envelope({ sportKey: 'basketball_nba' }))).rejects.toThrow(/detail\.eventId/);
    await expect(handler({ sportKey: 'NBA!', eventId })).rejects.toThrow(/sportKey/);
    await expect(
      handler({ ...envelope({ sportKey: 'basketball_nba', eventId }), source: 'someone.else' }),
    ).rejects.toThrow(/source/);
    await expect(handler({ sportKey: 'basketball_nba', eventId: 'x/../../v4/sports' })).rejects.toThrow(
      /eventId/,
    );
    expect(await store.theos.get(eventId)).toBeNull();
    // No claim was made: a valid request goes straight through.
    expect(await handler({ sportKey: 'basketball_nba', eventId })).toMatchObject({ status: 'written' });
  });

  it('a failed Odds API call gives the claim back, so the next request retries at once', async () => {
    const handler = makeHandler(deps());
    sim.faults.set('outage', true);
    await expect(handler({ sportKey: 'basketball_nba', eventId })).rejects.toThrow();
    sim.faults.set('outage', false);
    now += 1_000;
    expect(await handler({ sportKey: 'basketball_nba', eventId })).toMatchObject({ status: 'written' });
  });
});
