/**
 * The worker's live snapshot publisher: the shard item every interval (its
 * heartbeat), a game item only when it changed or is getting old, the reason
 * from the closed set, fills per game bounded, failures counted not thrown.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../shared/clock.ts';
import { QuotingReason } from '../../../shared/liveness/quoting-state.ts';
import { mergeEdgeViews } from '../../../worker/dashboard/edge-panel.ts';
import {
  LIVE_LIMITS,
  type LiveSnapshotWriter,
  liveItems,
  quotingReasonOf,
  startLivePublisher,
  zLiveGame,
  zLiveShard,
} from '../../../worker/dashboard/live-publisher.ts';
import { FakeDesk } from './fixtures.ts';

class RecordingWriter implements LiveSnapshotWriter {
  readonly puts: { kind: string; id: string; now: number }[] = [];
  failing = false;
  async put(input: { kind: 'shard' | 'game'; id: string; shardId: string; body: unknown; now: number }) {
    if (this.failing) throw new Error('ProvisionedThroughputExceededException');
    this.puts.push({ kind: input.kind, id: input.id, now: input.now });
  }
}

async function step(clock: ManualClock, ms: number): Promise<void> {
  clock.advance(ms);
  for (let i = 0; i < 5; i++) await Promise.resolve();
  await new Promise((r) => setImmediate(r));
}

describe('live snapshot publisher', () => {
  it('writes the shard every interval and a game only when it changed or its last write is old', async () => {
    const desk = new FakeDesk();
    const clock = new ManualClock(1_000_000);
    const store = new RecordingWriter();
    const pub = startLivePublisher({
      source: desk,
      store,
      shardId: '0',
      timers: clock,
      now: () => clock.now(),
      intervalMs: 5_000,
      refreshMs: 60_000,
    });
    await step(clock, 5_000);
    expect(store.puts.map((p) => `${p.kind}:${p.id}`)).toEqual(['shard:0', 'game:NBA1', 'game:NBA2']);
    store.puts.length = 0;
    await step(clock, 5_000); // nothing changed
    expect(store.puts.map((p) => `${p.kind}:${p.id}`)).toEqual(['shard:0']);
    store.puts.length = 0;
    desk.tick(); // a fill on NBA1 only
    await step(clock, 5_000);
    expect(store.puts.map((p) => `${p.kind}:${p.id}`)).toEqual(['shard:0', 'game:NBA1']);
    store.puts.length = 0;
    for (let i = 0; i < 12; i++) await step(clock, 5_000); // refresh: NBA2 written again before its TTL could lapse
    expect(store.puts.filter((p) => p.id === 'NBA2').length).toBeGreaterThan(0);
    pub.close();
  });

  it('close waits for a publish in flight: its writes land before the store can close', async () => {
    const desk = new FakeDesk();
    const clock = new ManualClock(0);
    const store = new RecordingWriter();
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const slow: LiveSnapshotWriter = {
      put: async (input) => {
        await gate;
        await store.put(input);
      },
    };
    const pub = startLivePublisher({ source: desk, store: slow, shardId: '0', timers: clock, now: () => 0 });
    const publishing = pub.publish();
    let closed = false;
    const closing = pub.close().then(() => {
      closed = true;
    });
    await step(clock, 0);
    expect(closed).toBe(false); // the shard's write is still on the wire
    release();
    await closing;
    expect(store.puts.map((p) => `${p.kind}:${p.id}`)).toEqual(['shard:0', 'game:NBA1', 'game:NBA2']);
    await expect(publishing).resolves.toBe(3);
  });

  it('a failing table is counted and logged, never thrown, and publishing goes on', async () => {
    const desk = new FakeDesk();
    const clock = new ManualClock(0);
    const store = new RecordingWriter();
    const logs: Record<string, unknown>[] = [];
    const pub = startLivePublisher({
      source: desk,
      store,
      shardId: '0',
      timers: clock,
      now: () => clock.now(),
      log: (e) => logs.push(e),
    });
    store.failing = true;
    await expect(pub.publish()).resolves.toBe(0);
    expect(pub.stats.failures).toBe(3);
    expect(logs[0]).toMatchObject({ level: 'warn', msg: 'live snapshot write failed' });
    store.failing = false;
    await expect(pub.publish()).resolves.toBe(3); // the failed games are retried at the next publish
    pub.close();
  });

  it('snapshots match their schemas, carry the closed-set reason and bound fills per game', () => {
    const desk = new FakeDesk();
    desk.tick(LIVE_LIMITS.fillsPerGame + 5);
    desk.state.games[1]!.state = 'stale-theo';
    const items = liveItems(desk.snapshot());
    expect(zLiveShard.parse(items.shard).games).toEqual(['NBA1', 'NBA2']);
    const [first, second] = items.games.map((g) => zLiveGame.parse(g.body));
    expect(first!.fills).toHaveLength(LIVE_LIMITS.fillsPerGame);
    expect(first!.fills.every((f) => f.gameId === 'NBA1')).toBe(true);
    expect(first!.reason).toBe('quoting');
    expect(second!.reason).toBe('theo-stale');
  });

  it('every engine state the session reports maps into the closed set', () => {
    for (const state of [
      'warming',
      'quoting',
      'no-theo',
      'stale-theo',
      'no-book',
      'stopped',
      'halted',
      'paused',
      'closed',
      'ws-down',
      'killed',
      'lease-lost',
    ]) {
      const reason = quotingReasonOf({ state, reasons: [] });
      expect(QuotingReason.options, state).toContain(reason);
    }
    expect(quotingReasonOf({ state: 'something-new', reasons: [] })).toBeNull();
  });

  it("the shard item carries the shard's edge panel, at most 20 rows a table, and the desk merges shards contract-weighted", () => {
    const row = (key: string, contracts: number, theo: number | null) => ({
      key,
      fills: 1,
      contracts,
      edge: { theo, mid: null },
      markout: { '10s': { theo, mid: null }, '60s': { theo, mid: null }, '5m': { theo, mid: null } },
    });
    const sports = Array.from({ length: 30 }, (_, i) => row(`s${String(i).padStart(2, '0')}`, 100, 10_000));
    const desk = new FakeDesk();
    const state = {
      ...desk.snapshot(),
      edge: { all: row('all', 100, 10_000), bySport: sports, byMode: [], bySize: [] },
    };
    const shard = zLiveShard.parse(liveItems(state).shard);
    expect(shard.edge?.bySport).toHaveLength(LIVE_LIMITS.edgeRows);
    expect(shard.edge?.all).toEqual(row('all', 100, 10_000));
    // Two shards: 1 contract at +1¢, 3 at −1¢ (and one without a reference adds no weight).
    const merged = mergeEdgeViews([
      { all: row('all', 100, 10_000), bySport: [row('nba', 100, 10_000)], byMode: [], bySize: [] },
      {
        all: row('all', 300, -10_000),
        bySport: [row('nba', 300, -10_000), row('nhl', 200, null)],
        byMode: [],
        bySize: [],
      },
    ]);
    expect(merged.all).toMatchObject({ fills: 2, contracts: 400, edge: { theo: -5_000, mid: null } });
    expect(merged.bySport.map((r) => [r.key, r.contracts, r.edge.theo])).toEqual([
      ['nba', 400, -5_000],
      ['nhl', 200, null],
    ]);
    expect(mergeEdgeViews([]).all).toBeNull();
  });
});
