import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { makeHandler, type OddsPollDeps } from '../../functions/odds-poll.ts';
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
let log: RecordingLog;
let metrics: RecordingMetrics;

beforeEach(async () => {
  db = await startDynalite();
  store = createStore(db.doc, db.tableName);
  sim = await startOddsSimulator();
  open.push(db, sim);
  log = new RecordingLog();
  metrics = new RecordingMetrics();
});

function deps(overrides: Partial<OddsPollDeps> = {}): OddsPollDeps {
  const client = new OddsApiClient({ apiKey: SIM_ODDS_KEY, baseUrl: sim.baseUrl, retry: { maxAttempts: 1 } });
  return {
    sports: [
      { sportKey: 'basketball_nba', priority: 1, minCredits: 0 },
      { sportKey: 'icehockey_nhl', priority: 2, minCredits: 0 },
    ],
    bookmakers: ['pinnacle', 'lowvig', 'draftkings', 'fanduel', 'betmgm', 'williamhill_us'],
    horizonHours: 36,
    theos: store.theos,
    odds: async () => client,
    now: () => SIM_START,
    log,
    metrics,
    ...overrides,
  };
}

describe('odds-poll', () => {
  it('writes a versioned theo per upcoming game, one paid call per sport with games, and reports credits', async () => {
    const before = sim.usage();
    const summary = await makeHandler(deps())({ trigger: 'schedule', scheduledTime: '2026-01-20T23:00:00Z' });
    const nba = summary.sports.find((s) => s.sportKey === 'basketball_nba')!;
    expect(nba).toMatchObject({ status: 'polled', events: 4, written: 4, notNewer: 0, noTheo: 0 });
    // No NHL games in the scenario: the free events call says so and no credit is spent on odds.
    expect(summary.sports.find((s) => s.sportKey === 'icehockey_nhl')).toMatchObject({ status: 'no-events' });
    expect(sim.usage().used - before.used).toBe(1);
    expect(summary.creditsRemaining).toBe(sim.usage().remaining);
    expect(metrics.last('OddsCreditsRemaining')).toBe(sim.usage().remaining);
    expect(metrics.last('TheosWritten')).toBe(4);

    const theos = await store.theos.listBySport('basketball_nba');
    expect(theos).toHaveLength(4);
    for (const t of theos) {
      expect(t.asOf).toBe(SIM_START);
      expect(t.source).toBe('poll');
      expect(t.booksUsed).toContain('pinnacle');
      expect(t.outcomes.reduce((s, o) => s + o.probability, 0)).toBeCloseTo(1, 9);
    }
  });

  it('never overwrites a newer theo: a poll observed earlier than the stored theo leaves it alone', async () => {
    await makeHandler(deps({ now: () => SIM_START + 60_000 }))({ trigger: 'schedule' });
    const stored = await store.theos.listBySport('basketball_nba');
    const again = await makeHandler(deps({ now: () => SIM_START }))({ trigger: 'manual' });
    expect(again.sports[0]).toMatchObject({ status: 'polled', written: 0, notNewer: 4 });
    expect(await store.theos.listBySport('basketball_nba')).toEqual(stored);
    const later = await makeHandler(deps({ now: () => SIM_START + 120_000 }))({ trigger: 'manual' });
    expect(later.sports[0]).toMatchObject({ written: 4 });
  });

  it('skips lower-priority sports when credits run low, in priority order', async () => {
    const lowSim = await startOddsSimulator({ limit: 1000, used: 900 });
    open.push(lowSim);
    const client = new OddsApiClient({
      apiKey: SIM_ODDS_KEY,
      baseUrl: lowSim.baseUrl,
      retry: { maxAttempts: 1 },
    });
    const summary = await makeHandler(
      deps({
        odds: async () => client,
        sports: [
          { sportKey: 'soccer_epl', priority: 3, minCredits: 500 },
          { sportKey: 'basketball_nba', priority: 1, minCredits: 0 },
          { sportKey: 'icehockey_nhl', priority: 2, minCredits: 200 },
        ],
      }),
    )({ trigger: 'schedule' });
    expect(summary.sports.map((s) => [s.sportKey, s.status])).toEqual([
      ['basketball_nba', 'polled'],
      ['icehockey_nhl', 'skipped'],
      ['soccer_epl', 'skipped'],
    ]);
    expect(summary.sports[1]!.reason).toBe('credits-low');
    expect(metrics.sum('SportsSkippedForQuota')).toBe(2);
  });

  it('with the quota exhausted it spends nothing, skips every sport and reports 0 credits', async () => {
    sim.faults.set('quotaExhausted', true);
    const summary = await makeHandler(deps())({ trigger: 'schedule' });
    expect(summary.creditsRemaining).toBe(0);
    expect(summary.sports.map((s) => s.status)).toEqual(['skipped', 'skipped']);
    expect(metrics.last('OddsCreditsRemaining')).toBe(0);
    expect(await store.theos.listBySport('basketball_nba')).toEqual([]);
    expect(log.text()).not.toContain(SIM_ODDS_KEY);
  });

  it('a rejected API key fails the invocation (a human must fix it) without leaking the key', async () => {
    const bad = new OddsApiClient({
      apiKey: 'wrong-key-000000',
      baseUrl: sim.baseUrl,
      retry: { maxAttempts: 1 },
    });
    await expect(makeHandler(deps({ odds: async () => bad }))({ trigger: 'schedule' })).rejects.toThrow(
      /rejected the key/,
    );
    expect(log.text()).not.toContain('wrong-key-000000');
    expect(metrics.sum('OddsApiErrors')).toBe(1);
  });

  it('rejects a bad event with a clear error before any call or write', async () => {
    const before = sim.usage().requests;
    const handler = makeHandler(deps());
    await expect(handler({ trigger: 'sometimes' })).rejects.toThrow(/invalid odds-poll event/);
    await expect(handler({ trigger: 'manual', sports: ['Basketball NBA'] })).rejects.toThrow(/sports/);
    await expect(handler({ trigger: 'manual', sports: ['baseball_mlb'] })).rejects.toThrow(
      /not configured: baseball_mlb/,
    );
    await expect(handler('poll please')).rejects.toThrow(/invalid odds-poll event/);
    expect(sim.usage().requests).toBe(before);
    expect(await store.theos.listBySport('basketball_nba')).toEqual([]);
  });

  it('accepts an EventBridge scheduled-event envelope too', async () => {
    const summary = await makeHandler(deps())({
      source: 'aws.events',
      'detail-type': 'Scheduled Event',
      detail: {},
      time: '2026-01-20T23:00:00Z',
    });
    expect(summary.sports[0]!.status).toBe('polled');
  });
});
