/**
 * Sampled quote decisions reach the store's decision journal (real local
 * DynamoDB): one per game per interval, readable back as what the quoter saw
 * and wanted; a failing store never disturbs quoting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_QUOTING_PARAMS } from '../../../shared/pricing/params.ts';
import { createStore, type Store } from '../../../shared/store/index.ts';
import { decisionLoggingQuoter } from '../../../worker/engine/adapters/decision-log.ts';
import type { GameQuotes, QuoteContext } from '../../../worker/engine/ports.ts';
import { type LocalDynamo, startDynalite } from '../../support/dynalite.ts';
import { storeSettled } from '../../support/local-store.ts';

let dynamo: LocalDynamo;
let store: Store;
beforeAll(async () => {
  dynamo = await startDynalite();
  store = createStore(dynamo.doc, dynamo.tableName, { decisionSampleIntervalMs: 60_000 });
});
afterAll(async () => {
  await dynamo.close();
});

const EVENT = 'KXNBAGAME-26NOV25BOSMIL';
function context(now: number): QuoteContext {
  return {
    game: {
      eventTicker: EVENT,
      seriesTicker: 'KXNBAGAME',
      sport: 'nba',
      title: 'Boston at Milwaukee',
      oddsEventId: 'odds-1',
      markets: [{ ticker: `${EVENT}-BOS`, outcome: 'Boston Celtics' }],
      kalshiStartMs: now + 3_600_000,
      oddsCommenceMs: now + 3_600_000,
    },
    theo: {
      oddsEventId: 'odds-1',
      probabilities: { 'Boston Celtics': 0.6 },
      updatedMs: now - 1_000,
      books: 3,
    },
    books: new Map([
      [
        `${EVENT}-BOS`,
        {
          ticker: `${EVENT}-BOS`,
          bids: [{ price: 450_000, size: 1_000 }],
          asks: [{ price: 750_000, size: 1_000 }],
          valid: true,
          updatedMs: now,
        },
      ],
    ]),
    positions: new Map([[`${EVENT}-BOS`, 300]]),
    entryPrices: new Map(),
    ownOrders: [],
    limit: 2_000,
    stopAtMs: now + 3_000_000,
    now,
  };
}
const WANTED: GameQuotes = {
  quotes: [{ ticker: `${EVENT}-BOS`, side: 'bid', price: 560_000, size: 500 }],
  modes: { [`${EVENT}-BOS|bid`]: 'monopsony' },
  reasons: ['quoting'],
};

describe('decisionLoggingQuoter', () => {
  it('stores one decision per game per interval, with what the quoter saw and wanted', async () => {
    const t0 = 1_795_000_000_000;
    const errors: string[] = [];
    const quoter = decisionLoggingQuoter(
      () => WANTED,
      {
        shouldSample: (e, now) => store.decisions.shouldSample(e, now),
        record: (e) => store.decisions.record({ ...e, shardId: '0' }),
      },
      (e) => errors.push(e),
    );
    expect(quoter(context(t0))).toBe(WANTED);
    quoter(context(t0 + 10_000)); // inside the interval: not stored
    quoter(context(t0 + 61_000));
    await storeSettled(); // the sampled records' puts answered, however slow the store
    const stored = await store.decisions.listByGame(EVENT);
    expect(stored.map((d) => d.ts)).toEqual([t0, t0 + 61_000]);
    const first = JSON.parse(stored[0]!.decision) as Record<string, unknown>;
    expect(first).toMatchObject({
      now: t0,
      limit: 2_000,
      positions: { [`${EVENT}-BOS`]: 300 },
      books: [{ ticker: `${EVENT}-BOS`, valid: true, bids: [[450_000, 1_000]], asks: [[750_000, 1_000]] }],
      quotes: WANTED.quotes,
      modes: WANTED.modes,
    });
    expect(errors).toEqual([]);
  });

  it('a store that fails (or throws) is counted, and the quote still goes out', async () => {
    const errors: string[] = [];
    const failing = decisionLoggingQuoter(
      () => WANTED,
      { shouldSample: () => true, record: () => Promise.reject(new Error('throttled')) },
      (e) => errors.push(e),
    );
    const throwing = decisionLoggingQuoter(
      () => WANTED,
      {
        shouldSample: () => true,
        record: () => {
          throw new Error('bad record');
        },
      },
      (e) => errors.push(e),
    );
    expect(failing(context(1))).toBe(WANTED);
    expect(throwing(context(2))).toBe(WANTED);
    await new Promise((r) => setImmediate(r)); // the rejected record's catch is a microtask: already run
    expect(errors.sort()).toEqual(['bad record', 'throttled']);
  });

  it('keeps what the engine reads off the quoter it wraps: the strike model stays on in live and paper', () => {
    const inner = Object.assign(() => WANTED, { strikeParams: DEFAULT_QUOTING_PARAMS });
    const wrapped = decisionLoggingQuoter(
      inner,
      { shouldSample: () => false, record: async () => {} },
      () => {},
    );
    // Without it the requote loop quotes every strike at the fixed 3¢ baseline (requote-loop strikeQuotesOf).
    expect(wrapped.strikeParams).toBe(DEFAULT_QUOTING_PARAMS);
    expect(
      decisionLoggingQuoter(
        () => WANTED,
        { shouldSample: () => false, record: async () => {} },
        () => {},
      ).strikeParams,
    ).toBeUndefined();
  });
});
