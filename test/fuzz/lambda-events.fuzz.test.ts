/**
 * Fuzz: the three Lambda handlers (`makeHandler(deps)`) with local parts —
 * DynamoDB (dynalite), the Odds API simulator, a counting exchange port —
 * under mutated real events and arbitrary values. An event the handler's own
 * parser rejects makes it throw an error naming the field (or, for a manual
 * payload, answer {status: 'invalid', error} with it) BEFORE anything
 * happens: no DynamoDB write, no Odds API call, no cancel. Nothing else
 * escapes as a crash.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHandler as makeKill, parseKillEvent } from '../../functions/kill-switch.ts';
import { makeHandler as makePoll, parsePollEvent } from '../../functions/odds-poll.ts';
import { makeHandler as makeRefresh, parseRefreshEvent } from '../../functions/odds-refresh.ts';
import { systemClock } from '../../shared/clock.ts';
import { REFRESH_EVENT_DETAIL_TYPE, REFRESH_EVENT_SOURCE } from '../../shared/events/refresh-request.ts';
import type { CancelPort } from '../../shared/kill/cancel-until-flat.ts';
import { OddsApiClient } from '../../shared/odds/client.ts';
import { createStore, type Store } from '../../shared/store/index.ts';
import type { OddsSim } from '../../sim/odds/server.ts';
import {
  RecordingLog,
  RecordingMetrics,
  SIM_ODDS_KEY,
  SIM_START,
  startOddsSimulator,
} from '../functions/support.ts';
import { type LocalDynamo, startDynalite } from '../support/dynalite.ts';
import { hostileLeaf, type Json, mutated, recordCases } from './support.ts';

let db: LocalDynamo;
let sim: OddsSim;
let store: Store;
let cases = 0;
const effects = { writes: 0, oddsCalls: 0, cancels: 0 };
const tally = { accepted: 0, rejected: 0 };

beforeAll(async () => {
  db = await startDynalite();
  store = createStore(db.doc, db.tableName);
  sim = await startOddsSimulator({ limit: 1_000_000, used: 0 });
});
afterAll(async () => {
  await sim.close();
  await db.close();
  recordCases('lambda-events', cases);
});

const counted = <T extends object>(target: T, methods: (keyof T)[], counter: 'writes' | 'cancels'): T =>
  new Proxy(target, {
    get(t, p, r) {
      const v = Reflect.get(t, p, r);
      if (typeof v === 'function' && methods.includes(p as keyof T))
        return (...args: unknown[]) => {
          effects[counter]++;
          return (v as (...a: unknown[]) => unknown).apply(t, args);
        };
      return typeof v === 'function' ? v.bind(t) : v;
    },
  });

const client = () => {
  effects.oddsCalls++;
  return new OddsApiClient({ apiKey: SIM_ODDS_KEY, baseUrl: sim.baseUrl, retry: { maxAttempts: 1 } });
};
const common = { now: () => SIM_START, log: new RecordingLog(), metrics: new RecordingMetrics() };
const SPORTS = [{ sportKey: 'basketball_nba', priority: 1, minCredits: 0 }];

const event = (seeds: Json[]) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.oneof(...seeds.map((s) => mutated(s))) },
    { weight: 1, arbitrary: fc.constantFrom(...(seeds as unknown[])) },
    { weight: 1, arbitrary: fc.anything() },
    { weight: 1, arbitrary: hostileLeaf },
  );

/** Runs the handler; a parser rejection must throw "invalid … event: <field>…" with no effect at all. */
async function checkOne(parse: () => unknown, run: () => Promise<unknown>): Promise<void> {
  cases++;
  let rejected: string | null = null;
  try {
    parse();
  } catch (err) {
    rejected = (err as Error).message;
  }
  const before = { ...effects };
  let thrown: unknown = null;
  let answered: unknown = null;
  try {
    answered = await run();
  } catch (err) {
    thrown = err;
  }
  tally[rejected === null ? 'accepted' : 'rejected']++;
  if (rejected !== null) {
    // A manual payload's typo is answered {status: 'invalid', error} (no page); anything else throws.
    const invalid = answered as { status?: string; error?: string } | null;
    if (thrown === null) expect(invalid).toEqual({ status: 'invalid', error: rejected });
    else {
      expect(thrown).toBeInstanceOf(Error);
      expect((thrown as Error).message).toBe(rejected);
    }
    expect(rejected).toMatch(/^invalid [a-z-]+ event: /);
    expect(effects).toEqual(before);
  } else if (thrown !== null) {
    // An accepted event may fail later (e.g. nothing to poll), but only with a plain Error, never a crash type.
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown).not.toBeInstanceOf(TypeError);
  }
}

/** Both kinds of input were exercised, and accepted ones did reach storage. */
function expectBothKinds(): void {
  expect(tally.accepted).toBeGreaterThan(5);
  expect(tally.rejected).toBeGreaterThan(5);
  expect(effects.writes).toBeGreaterThan(0);
  tally.accepted = 0;
  tally.rejected = 0;
}

describe('Lambda events (fuzz)', () => {
  it('odds-poll', async () => {
    const handler = makePoll({
      ...common,
      sports: SPORTS,
      bookmakers: ['pinnacle', 'draftkings'],
      horizonHours: 36,
      theos: counted(store.theos, ['put'], 'writes'),
      odds: async () => client(),
    });
    const seeds: Json[] = [
      { trigger: 'schedule', scheduledTime: '2026-01-20T23:00:00Z' },
      { trigger: 'manual', sports: ['basketball_nba'] },
      { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} },
    ];
    await fc.assert(
      fc.asyncProperty(event(seeds), (e) =>
        checkOne(
          () => parsePollEvent(e, SPORTS),
          () => handler(e),
        ),
      ),
      { numRuns: 250 },
    );
    expectBothKinds();
  }, 120_000);

  it('odds-refresh', async () => {
    const handler = makeRefresh({
      ...common,
      bookmakers: ['pinnacle', 'draftkings'],
      debounceMs: 0,
      theos: counted(store.theos, ['put'], 'writes'),
      debounce: counted(store.refreshDebounce, ['claim', 'release'], 'writes'),
      odds: async () => client(),
    });
    const detail = { sportKey: 'basketball_nba', eventId: sim.world.games[0]!.oddsEventId };
    const seeds: Json[] = [
      detail,
      {
        version: '0',
        id: 'abc',
        source: REFRESH_EVENT_SOURCE,
        'detail-type': REFRESH_EVENT_DETAIL_TYPE,
        account: '123456789012',
        time: '2026-01-20T23:00:00Z',
        region: 'us-east-1',
        resources: [],
        detail,
      },
    ];
    await fc.assert(
      fc.asyncProperty(event(seeds), (e) =>
        checkOne(
          () => parseRefreshEvent(e),
          () => handler(e),
        ),
      ),
      { numRuns: 400 },
    );
    expectBothKinds();
  }, 120_000);

  it('kill-switch', async () => {
    const port: CancelPort = counted(
      { listResting: async () => [], cancel: async () => {} } as unknown as CancelPort,
      ['cancel' as keyof CancelPort],
      'cancels',
    );
    const handler = makeKill({
      ...common,
      clock: systemClock,
      kill: counted(store.kill, ['set', 'clear'], 'writes'),
      exchange: async () => {
        effects.oddsCalls++; // "reached the outside world"
        return port;
      },
      deadlineMs: 1_000,
      pauseMs: 0,
    });
    const seeds: Json[] = [
      { action: 'kill', reason: 'fuzz', requestedBy: 'fuzzer' },
      { action: 'clear', requestedBy: 'fuzzer', confirm: 'RESUME-TRADING' },
      {
        source: 'aws.cloudwatch',
        'detail-type': 'CloudWatch Alarm State Change',
        detail: { alarmName: 'kalshi-mm-loss', state: { value: 'ALARM', reason: 'threshold crossed' } },
      },
    ];
    await fc.assert(
      fc.asyncProperty(event(seeds), (e) =>
        checkOne(
          () => parseKillEvent(e),
          () => handler(e),
        ),
      ),
      { numRuns: 400 },
    );
    expectBothKinds();
  }, 120_000);
});
