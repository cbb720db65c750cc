/**
 * The dashboard's cash panel: the worker's cash watch laid over a dashboard source. Absent where
 * nobody watches cash, "not read yet" (null) before the first reading, the exchange's figures after
 * it, a failed poll shown with the last good figures (never zeros), pushed after every poll; the
 * deployed path carries it through the live snapshot to the operator's merged view.
 */
import { describe, expect, it } from 'vitest';
import { mergeView } from '../../../scripts/dashboard/desk.ts';
import type { AccountReading } from '../../../shared/account/cash.ts';
import { ManualClock } from '../../../shared/clock.ts';
import type { LiveSnapshotRecord } from '../../../shared/store/live-snapshot.ts';
import { CashWatch } from '../../../worker/cash/cash-watch.ts';
import { withCashPanel } from '../../../worker/dashboard/cash-panel.ts';
import { liveItems } from '../../../worker/dashboard/live-publisher.ts';
import { zDashboardState } from '../../../worker/dashboard/view-model.ts';
import { drain, recordingLog, recordingMetrics } from '../engine/support.ts';
import { FakeDesk } from './fixtures.ts';

const dollars = (n: number) => n * 1_000_000;

function rig(balanceDollars: number) {
  const clock = new ManualClock(5_000);
  const acct = { balance: dollars(balanceDollars), fail: null as string | null };
  const watch = new CashWatch({
    clock,
    reader: {
      read: async (): Promise<AccountReading> => {
        if (acct.fail) throw new Error(acct.fail);
        return {
          balance: acct.balance,
          shards: [],
          positions: [{ ticker: 'A', position: 1_000, exposure: dollars(4) }],
          orders: [{ side: 'bid', price: 500_000, remaining: 2_000 }],
        };
      },
    },
    config: { pollMs: 10_000, floorDollars: 50 },
    metrics: recordingMetrics(),
    log: recordingLog(),
  });
  const desk = new FakeDesk();
  return { clock, acct, watch, desk, source: withCashPanel(desk, watch) };
}

describe('cash panel', () => {
  it('is absent from a source without it, null before the first reading, then the figures read', async () => {
    const r = rig(100);
    expect(r.desk.snapshot().cash).toBeUndefined();
    expect(zDashboardState.parse(r.source.snapshot()).cash).toBeNull();
    r.watch.start();
    await drain();
    const view = zDashboardState.parse(r.source.snapshot());
    expect(view.cash).toEqual({
      asOf: 5_000,
      balance: dollars(100),
      inPositions: dollars(4),
      inOrders: dollars(10),
      buyingPower: dollars(90),
      floor: dollars(50),
      belowFloor: false,
      error: null,
    });
    // The rest of the view is the source's own.
    expect(view.games.map((g) => g.id)).toEqual(['NBA1', 'NBA2']);
    r.watch.stop();
  });

  it('pushes after every poll; a failed poll keeps the last figures with the error; below the floor shows', async () => {
    const r = rig(100);
    let pushes = 0;
    const off = r.source.subscribe(() => pushes++);
    r.watch.start();
    await drain();
    expect(pushes).toBe(1);
    r.desk.changed();
    expect(pushes).toBe(2);

    r.acct.fail = 'HTTP 503';
    r.clock.advance(10_000);
    await drain();
    expect(pushes).toBe(3);
    const failed = r.source.snapshot().cash!;
    expect(failed).toMatchObject({ asOf: 5_000, balance: dollars(100), error: 'HTTP 503' });

    r.acct.fail = null;
    r.acct.balance = dollars(55);
    r.clock.advance(10_000);
    await drain();
    expect(r.source.snapshot().cash).toMatchObject({
      asOf: 25_000,
      buyingPower: dollars(45),
      belowFloor: true,
      error: null,
    });

    off();
    r.desk.changed();
    r.clock.advance(10_000);
    await drain();
    expect(pushes).toBe(4);
    r.watch.stop();
  });

  it('reaches the operator dashboard through the live snapshot: the freshest shard reading wins', async () => {
    const r = rig(100);
    r.watch.start();
    await drain();
    const NOW = 1_800_000_000_000;
    const rec = (id: string): LiveSnapshotRecord => ({
      kind: 'shard',
      id,
      shardId: id,
      publishedAt: NOW,
      ttl: Math.floor(NOW / 1000) + 900,
      body: null,
    });
    const fresh = liveItems(r.source.snapshot()).shard;
    const stale = { ...fresh, cash: { ...fresh.cash!, asOf: 1_000, balance: dollars(7) } };
    const bare = liveItems(r.desk.snapshot()).shard;
    expect(bare).not.toHaveProperty('cash');
    const merged = (bodies: (typeof fresh)[]) =>
      mergeView({
        now: NOW,
        stage: 'prod',
        shards: bodies.map((body, i) => ({ record: rec(String(i)), body, lease: null })),
        games: [],
        flags: [],
        alarms: [],
      });
    expect(merged([stale, fresh]).cash?.balance).toBe(dollars(100));
    expect(zDashboardState.parse(merged([fresh])).cash?.asOf).toBe(5_000);
    expect(merged([bare])).not.toHaveProperty('cash');
    r.watch.stop();
  });
});
