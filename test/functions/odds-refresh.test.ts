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

  it('a typo in a manual payload is answered with a validation error naming the field (no throw, no page); a malformed worker event throws', async () => {
    const handler = makeHandler(deps());
    await expect(handler(envelope({ sportKey: 'basketball_nba' }))).rejects.toThrow(/detail\.eventId/);
    expect(await handler({ sportKey: 'NBA!', eventId })).toEqual({
      status: 'invalid',
      error: expect.stringMatching(/sportKey/),
    });
    await expect(
      handler({ ...envelope({ sportKey: 'basketball_nba', eventId }), source: 'someone.else' }),
    ).rejects.toThrow(/source/);
    expect(await handler({ sportKey: 'basketball_nba', eventId: 'x/../../v4/sports' })).toMatchObject({
      status: 'invalid',
      error: expect.stringMatching(/eventId/),
    });
    expect(await handler({ sportkey: 'basketball_nba', eventId })).toMatchObject({ status: 'invalid' });
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

  it('keeps a credit reserve for the scheduled polls: no call while the last known credits left are within it', async () => {
    const before = sim.usage().requests;
    await store.oddsQuota.record(90, now - 60_000);
    const handler = makeHandler(deps({ quota: store.oddsQuota, creditReserve: 100 }));
    expect(await handler({ sportKey: 'basketball_nba', eventId })).toEqual({
      status: 'credit-reserve',
      eventId,
      creditsRemaining: 90,
      reserve: 100,
    });
    expect(sim.usage().requests).toBe(before);
    expect(metrics.sum('RefreshSkippedForCredits')).toBe(1);
    // A poll reports more credits (a new month): refreshes resume, and record what they see.
    await store.oddsQuota.record(5_000, now);
    now += 1_000;
    expect(await handler({ sportKey: 'basketball_nba', eventId })).toMatchObject({ status: 'written' });
    const last = await store.oddsQuota.last();
    expect(last!.at).toBe(now);
    expect(last!.remaining).not.toBe(5_000); // what the Odds API said, not the poll's older reading
  });

  it('caps refreshes per event per hour, whatever the debounce window', async () => {
    const handler = makeHandler(deps({ debounceMs: 1_000, maxPerEventPerHour: 3 }));
    const results: string[] = [];
    for (let i = 0; i < 6; i++) {
      results.push((await handler({ sportKey: 'basketball_nba', eventId })).status);
      now += 5 * 60_000;
    }
    expect(results.filter((r) => r !== 'debounced')).toHaveLength(3);
    expect(results.slice(3)).toEqual(['debounced', 'debounced', 'debounced']);
    // The next hour window allows refreshes again.
    now = SIM_START + 61 * 60_000;
    expect((await handler({ sportKey: 'basketball_nba', eventId })).status).not.toBe('debounced');
  });

  it('client retries fit in the invocation’s remaining time: no retry that could not finish', async () => {
    let requests = 0;
    const server = await startFailingServer(() => requests++);
    open.push(server);
    const client = new OddsApiClient({
      apiKey: SIM_ODDS_KEY,
      baseUrl: server.baseUrl,
      retry: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 1 },
    });
    const handler = makeHandler(deps({ odds: async () => client, now: Date.now }));
    // 4 s left: after the 3 s kept for writing, 1 s for the call: one attempt, no retry.
    await expect(
      handler({ sportKey: 'basketball_nba', eventId }, { getRemainingTimeInMillis: () => 4_000 }),
    ).rejects.toThrow();
    expect(requests).toBe(1);
    // With time to spare, the same client retries to its limit.
    now += 120_000;
    await expect(
      handler(
        { sportKey: 'basketball_nba', eventId: `${eventId.slice(0, -1)}0` },
        {
          getRemainingTimeInMillis: () => 60_000,
        },
      ),
    ).rejects.toThrow();
    expect(requests).toBe(5);
  });
});

/** A loopback server answering every request with a 500 (retryable). */
async function startFailingServer(onRequest: () => void) {
  const { createServer } = await import('node:http');
  const server = createServer((_req, res) => {
    onRequest();
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end('{"message":"boom"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
