import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createStore,
  FenceError,
  haltFor,
  leaseValid,
  type Store,
  type TheoRecord,
} from '../../../shared/store/index.ts';
import { type LocalDynamo, startDynalite } from '../../support/dynalite.ts';

let db: LocalDynamo;
let store: Store;

beforeAll(async () => {
  db = await startDynalite();
  store = createStore(db.doc, db.tableName, { decisionSampleIntervalMs: 60_000 });
});
afterAll(async () => {
  await db.close();
});

const T0 = Date.UTC(2026, 10, 25, 0, 0, 0);

function theo(eventId: string, asOf: number, pHome: number, overrides: Partial<TheoRecord> = {}): TheoRecord {
  return {
    eventId,
    sportKey: 'basketball_nba',
    homeTeam: 'Milwaukee Bucks',
    awayTeam: 'Boston Celtics',
    commenceTime: T0 + 3_600_000,
    outcomes: [
      { name: 'Milwaukee Bucks', probability: pHome },
      { name: 'Boston Celtics', probability: 1 - pHome },
    ],
    method: 'shin',
    booksUsed: ['pinnacle', 'draftkings'],
    booksDropped: 0,
    asOf,
    source: 'poll',
    ...overrides,
  };
}

describe('theos: versioned by asOf, never rolled back', () => {
  it('stores the first theo and reads it back', async () => {
    expect(await store.theos.put(theo('ev1', T0, 0.6))).toEqual({ written: true });
    const got = await store.theos.get('ev1');
    expect(got?.outcomes[0]?.probability).toBe(0.6);
    expect(got?.asOf).toBe(T0);
  });

  it('a newer theo replaces the stored one', async () => {
    expect(await store.theos.put(theo('ev1', T0 + 1000, 0.62))).toEqual({ written: true });
    expect((await store.theos.get('ev1'))?.outcomes[0]?.probability).toBe(0.62);
  });

  it('an older or same-version theo is refused and the newer one kept', async () => {
    expect(await store.theos.put(theo('ev1', T0 + 500, 0.4))).toEqual({
      written: false,
      reason: 'not-newer',
    });
    expect(await store.theos.put(theo('ev1', T0 + 1000, 0.41))).toEqual({
      written: false,
      reason: 'not-newer',
    });
    const got = await store.theos.get('ev1');
    expect(got?.asOf).toBe(T0 + 1000);
    expect(got?.outcomes[0]?.probability).toBe(0.62);
  });

  it('concurrent writers of different versions leave the newest', async () => {
    const versions = Array.from({ length: 12 }, (_, i) => T0 + 10_000 + i * 7);
    const shuffled = [...versions].sort((a, b) => ((a * 31) % 11) - ((b * 31) % 11));
    await Promise.all(shuffled.map((v) => store.theos.put(theo('ev-race', v, 0.5 + (v % 10) / 100))));
    expect((await store.theos.get('ev-race'))?.asOf).toBe(Math.max(...versions));
  });

  it('rejects a theo whose probabilities do not sum to 1, naming the field, with no write', async () => {
    const bad = theo('ev-bad', T0, 0.6);
    bad.outcomes[1] = { name: 'Boston Celtics', probability: 0.6 };
    await expect(store.theos.put(bad)).rejects.toThrow(/outcomes/);
    await expect(store.theos.put(theo('', T0, 0.5))).rejects.toThrow(/eventId/);
    expect(await store.theos.get('ev-bad')).toBeNull();
  });

  it('reads many at once and lists a sport by start time', async () => {
    await store.theos.put(theo('ev2', T0, 0.3, { commenceTime: T0 + 7_200_000 }));
    await store.theos.put(theo('ev3', T0, 0.7, { sportKey: 'icehockey_nhl' }));
    const many = await store.theos.getMany(['ev1', 'ev2', 'ev3', 'missing']);
    expect([...many.keys()].sort()).toEqual(['ev1', 'ev2', 'ev3']);
    const nba = await store.theos.listBySport('basketball_nba', T0 + 3_600_000);
    expect(nba.map((t) => t.eventId)).toEqual(['ev-race', 'ev1', 'ev2']);
    expect((await store.theos.listBySport('basketball_nba', T0 + 5_000_000)).map((t) => t.eventId)).toEqual([
      'ev2',
    ]);
  });
});

describe('theos: a stored record that does not parse', () => {
  it('is counted and dropped by every read (get, getMany, listBySport): nothing is priced from it', async () => {
    const { PutCommand } = await import('@aws-sdk/lib-dynamodb');
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: {
          ...theo('ev-corrupt', T0, 0.5, { sportKey: 'soccer_corrupt' }),
          pk: 'THEO#ev-corrupt',
          sk: 'THEO',
          gsi1pk: 'THEOS#soccer_corrupt',
          gsi1sk: 'x',
          outcomes: 'not a list',
        },
      }),
    );
    const before = store.theos.stats.dropped;
    expect(await store.theos.get('ev-corrupt')).toBeNull();
    expect((await store.theos.getMany(['ev-corrupt', 'ev1'])).has('ev-corrupt')).toBe(false);
    expect(await store.theos.listBySport('soccer_corrupt')).toEqual([]);
    expect(store.theos.stats.dropped).toBe(before + 3);
  });
});

describe('shard leases with fencing tokens', () => {
  const TTL = 15_000;

  it('only one of two workers holds a shard; the token grows on every acquisition', async () => {
    const [a, b] = await Promise.all([
      store.leases.acquire('shard-0', 'task-a', T0, TTL),
      store.leases.acquire('shard-0', 'task-b', T0, TTL),
    ]);
    const winners = [a, b].filter((r) => r.acquired);
    expect(winners).toHaveLength(1);
    const loser = [a, b].find((r) => !r.acquired)!;
    expect(loser.acquired).toBe(false);
    if (!loser.acquired && winners[0]?.acquired) expect(loser.holder?.token).toBe(winners[0].lease.token);
  });

  it('the holder renews; the other cannot take it before expiry, can after, and the old token is fenced out', async () => {
    const first = await store.leases.acquire('shard-1', 'task-a', T0, TTL);
    if (!first.acquired) throw new Error('expected to acquire');
    const renewed = await store.leases.renew(first.lease, T0 + 10_000, TTL);
    expect(renewed.expiresAt).toBe(T0 + 10_000 + TTL);
    await store.leases.assertFence('shard-1', first.lease.token, T0 + 20_000);

    expect((await store.leases.acquire('shard-1', 'task-b', T0 + 20_000, TTL)).acquired).toBe(false);

    // task-a stalls (GC pause, network partition) past expiry; task-b takes over.
    const second = await store.leases.acquire('shard-1', 'task-b', T0 + 26_000, TTL);
    if (!second.acquired) throw new Error('expected takeover after expiry');
    expect(second.lease.token).toBe(first.lease.token + 1);

    // The stale holder must not write orders, renew, or release the new holder's lease.
    await expect(store.leases.assertFence('shard-1', first.lease.token, T0 + 26_001)).rejects.toThrow(
      FenceError,
    );
    await expect(store.leases.renew(first.lease, T0 + 26_002, TTL)).rejects.toMatchObject({
      reason: 'superseded',
    });
    expect(await store.leases.release(first.lease, T0 + 26_003)).toBe(false);
    await store.leases.assertFence('shard-1', second.lease.token, T0 + 26_004);
  });

  it('assertFence fails once the lease expires, even for the last holder', async () => {
    const got = await store.leases.acquire('shard-2', 'task-a', T0, TTL);
    if (!got.acquired) throw new Error('expected to acquire');
    await expect(store.leases.assertFence('shard-2', got.lease.token, T0 + TTL)).rejects.toMatchObject({
      reason: 'expired',
    });
    await expect(store.leases.assertFence('never-leased', 1, T0)).rejects.toMatchObject({ reason: 'lost' });
    expect(leaseValid(got.lease, T0 + TTL - 5_000, 4_000)).toBe(true);
    expect(leaseValid(got.lease, T0 + TTL - 3_000, 4_000)).toBe(false);
  });

  it('release hands over at once and the token keeps increasing', async () => {
    const a = await store.leases.acquire('shard-3', 'task-a', T0, TTL);
    if (!a.acquired) throw new Error('expected to acquire');
    expect(await store.leases.release(a.lease, T0 + 1000)).toBe(true);
    await expect(store.leases.assertFence('shard-3', a.lease.token, T0 + 1001)).rejects.toThrow(FenceError);
    const b = await store.leases.acquire('shard-3', 'task-b', T0 + 1001, TTL);
    if (!b.acquired) throw new Error('expected to acquire after release');
    expect(b.lease.token).toBe(a.lease.token + 1);
    // Same owner re-acquiring later still gets a fresh, larger token.
    await store.leases.release(b.lease, T0 + 2000);
    const c = await store.leases.acquire('shard-3', 'task-b', T0 + 2001, TTL);
    expect(c.acquired && c.lease.token).toBe(b.lease.token + 1);
  });
});

describe('fills: idempotent by trade id', () => {
  const fill = {
    tradeId: 'trade-1',
    orderId: 'ord-1',
    ticker: 'KXNBAGAME-26NOV25BOSMIL-MIL',
    eventTicker: 'KXNBAGAME-26NOV25BOSMIL',
    side: 'bid' as const,
    price: 560_000,
    count: 1_000,
    isTaker: false,
    fee: 0,
    ts: T0 + 5,
  };

  it('stores a fill once, however many times it is reported', async () => {
    const results = await Promise.all([store.fills.put(fill), store.fills.put(fill), store.fills.put(fill)]);
    expect(results.filter((r) => r.inserted)).toHaveLength(1);
    expect(await store.fills.put(fill)).toEqual({ inserted: false });
    await store.fills.put({ ...fill, tradeId: 'trade-2', ts: T0 + 9, count: 250 });
    const list = await store.fills.listByGame(fill.eventTicker);
    expect(list.map((f) => f.tradeId)).toEqual(['trade-1', 'trade-2']);
    expect(list.map((f) => f.count)).toEqual([1_000, 250]);
  });

  it('rejects a fill with a float price or a zero count, naming the field', async () => {
    await expect(store.fills.put({ ...fill, tradeId: 'bad', price: 0.56 })).rejects.toThrow(/price/);
    await expect(store.fills.put({ ...fill, tradeId: 'bad', count: 0 })).rejects.toThrow(/count/);
    expect(await store.fills.listByGame(fill.eventTicker)).toHaveLength(2);
  });
});

describe('kill flags', () => {
  it('sets idempotently, upgrades pause to kill, clears, and scopes by game', async () => {
    const p = await store.kill.set({ game: 'G1' }, 'pause', 'skew', 'worker', T0);
    expect(p).toMatchObject({ scope: 'G1', kind: 'pause', active: true, since: T0, hits: 1 });
    const k = await store.kill.set({ game: 'G1' }, 'kill', 'alarm', 'kill-switch', T0 + 10);
    expect(k).toMatchObject({ kind: 'kill', since: T0, hits: 2 });
    const again = await store.kill.set({ game: 'G1' }, 'pause', 'skew', 'worker', T0 + 20);
    expect(again.kind).toBe('kill');

    const flags = await store.kill.active();
    expect(haltFor(flags, 'G1')?.kind).toBe('kill');
    expect(haltFor(flags, 'G2')).toBeNull();

    await store.kill.set('global', 'kill', 'drawdown alarm', 'kill-switch', T0 + 30);
    expect(haltFor(await store.kill.active(), 'G2')?.scope).toBe('global');

    await store.kill.clear('global', 'human', T0 + 40);
    await store.kill.clear({ game: 'G1' }, 'human', T0 + 40);
    expect(await store.kill.active()).toEqual([]);
    const reset = await store.kill.set('global', 'pause', 'maintenance', 'human', T0 + 50);
    expect(reset).toMatchObject({ kind: 'pause', since: T0 + 50, hits: 1 });
  });
});

describe('journals', () => {
  it('orders audit is append-once per entry and listed per order and per game', async () => {
    const base = {
      clientOrderId: 'c-1',
      eventTicker: 'G1',
      ticker: 'G1-MIL',
      action: 'create' as const,
      side: 'bid' as const,
      price: 540_000,
      count: 500,
      ts: T0,
      shardId: 'shard-0',
      fenceToken: 3,
    };
    expect(await store.orders.append(base)).toBe(true);
    expect(await store.orders.append(base)).toBe(false);
    expect(await store.orders.append({ ...base, action: 'cancel', ts: T0 + 100 })).toBe(true);
    expect((await store.orders.history('c-1')).map((e) => e.action)).toEqual(['create', 'cancel']);
    expect(await store.orders.listByGame('G1', T0 + 50)).toHaveLength(1);
    // An order known only by exchange id (seen in reconciliation) is keyed by it.
    const { clientOrderId: _omit, ...noClientId } = base;
    expect(
      await store.orders.append({
        ...noClientId,
        orderId: 'ex-9',
        action: 'canceled',
        outcome: 'seen resting',
      }),
    ).toBe(true);
    expect((await store.orders.history('ex-9'))[0]).toMatchObject({
      orderId: 'ex-9',
      outcome: 'seen resting',
    });
    await expect(store.orders.append({ ...noClientId })).rejects.toThrow(/clientOrderId or orderId/);
    await expect(store.orders.append({ ...base, action: 'DROP TABLE' })).rejects.toThrow(/action/);
  });

  it('position snapshots: latest wins', async () => {
    const snap = {
      shardId: 'shard-0',
      positions: [{ ticker: 'G1-MIL', position: 300 }],
      inventories: [{ eventTicker: 'G1', inventory: 300 }],
      source: 'reconciliation' as const,
    };
    await store.positions.put({ ...snap, ts: T0 });
    await store.positions.put({
      ...snap,
      ts: T0 + 10_000,
      positions: [{ ticker: 'G1-MIL', position: -200 }],
    });
    expect((await store.positions.latest('shard-0'))?.positions[0]?.position).toBe(-200);
    expect(await store.positions.latest('shard-9')).toBeNull();
  });

  it('quote decisions are sampled: one per game per interval unless forced', async () => {
    const rec = (ts: number) => ({ eventTicker: 'G1', ts, shardId: 'shard-0', decision: '{"quotes":[]}' });
    expect(await store.decisions.record(rec(T0))).toBe(true);
    expect(await store.decisions.record(rec(T0 + 30_000))).toBe(false);
    expect(await store.decisions.record(rec(T0 + 31_000), true)).toBe(true);
    expect(await store.decisions.record(rec(T0 + 91_000))).toBe(true);
    expect((await store.decisions.listByGame('G1')).map((d) => d.ts)).toEqual([T0, T0 + 31_000, T0 + 91_000]);
  });
});

describe('event mapping and refresh debounce', () => {
  it('maps Kalshi games to Odds API events both ways', async () => {
    const m = {
      kalshiEventTicker: 'KXNBAGAME-26NOV25BOSMIL',
      seriesTicker: 'KXNBAGAME',
      oddsEventId: 'odds-ev-1',
      sportKey: 'basketball_nba',
      commenceTime: T0,
      markets: [
        { ticker: 'KXNBAGAME-26NOV25BOSMIL-MIL', outcome: 'Milwaukee Bucks' },
        { ticker: 'KXNBAGAME-26NOV25BOSMIL-BOS', outcome: 'Boston Celtics' },
      ],
      matchedAt: T0,
    };
    await store.mapping.put(m);
    expect(await store.mapping.get(m.kalshiEventTicker)).toEqual(m);
    expect(await store.mapping.byOddsEvent('odds-ev-1')).toEqual([m]);
    await expect(store.mapping.put({ ...m, markets: [] })).rejects.toThrow(/markets/);
  });

  it('a burst of refresh requests for one event yields one claim per window', async () => {
    const claims = await Promise.all(
      Array.from({ length: 8 }, () => store.refreshDebounce.claim('odds-ev-1', T0, 60_000, 'worker')),
    );
    expect(claims.filter((c) => c.claimed)).toHaveLength(1);
    expect((await store.refreshDebounce.claim('odds-ev-1', T0 + 59_999, 60_000, 'worker')).claimed).toBe(
      false,
    );
    expect((await store.refreshDebounce.claim('odds-ev-2', T0 + 1, 60_000, 'worker')).claimed).toBe(true);
    expect((await store.refreshDebounce.claim('odds-ev-1', T0 + 60_000, 60_000, 'worker')).claimed).toBe(
      true,
    );
  });
});
