import { describe, expect, it } from 'vitest';
import type { AccountReading } from '../../../shared/account/cash.ts';
import { ManualClock } from '../../../shared/clock.ts';
import { CashWatch } from '../../../worker/cash/cash-watch.ts';
import type { AccountReader } from '../../../worker/cash/rest-account.ts';
import { drain, recordingLog, recordingMetrics } from '../engine/support.ts';

const dollars = (n: number) => n * 1_000_000;

/** An account whose balance the test sets; `fail` makes the next reads throw. */
function account(balance: number) {
  const a = {
    balance,
    fail: null as string | null,
    reads: 0,
    reader: {
      read: async (): Promise<AccountReading> => {
        a.reads++;
        if (a.fail) throw new Error(a.fail);
        return {
          balance: a.balance,
          shards: [],
          positions: [{ ticker: 'A', position: 1_000, exposure: dollars(4) }],
          orders: [{ side: 'bid', price: 500_000, remaining: 2_000 }],
        };
      },
    } satisfies AccountReader,
  };
  return a;
}

function rig(balance: number, floorDollars = 30, pollMs = 30_000) {
  const clock = new ManualClock(1_000);
  const acct = account(balance);
  const metrics = recordingMetrics();
  const log = recordingLog();
  const watch = new CashWatch({ clock, reader: acct.reader, config: { pollMs, floorDollars }, metrics, log });
  return { clock, acct, metrics, log, watch };
}

describe('cash watch', () => {
  it('polls at start and every pollMs on the injected clock, emitting the cash gauges in dollars', async () => {
    const r = rig(dollars(100));
    r.watch.start();
    await drain();
    expect(r.acct.reads).toBe(1);
    expect(r.metrics.gauges.get('CashBalance')).toBe(100);
    expect(r.metrics.gauges.get('CashInOrders')).toBe(10);
    expect(r.metrics.gauges.get('CashInPositions')).toBe(4);
    expect(r.metrics.gauges.get('BuyingPower')).toBe(90);
    r.clock.advance(29_999);
    await drain();
    expect(r.acct.reads).toBe(1);
    r.clock.advance(1);
    await drain();
    expect(r.acct.reads).toBe(2);
    r.watch.stop();
    r.clock.advance(300_000);
    await drain();
    expect(r.acct.reads).toBe(2);
  });

  it('says once when buying power falls below the floor, and once when it is back', async () => {
    const r = rig(dollars(100), 30);
    r.watch.start();
    await drain();
    expect(r.watch.state().view?.belowFloor).toBe(false);
    r.acct.balance = dollars(35); // buying power 25 < 30
    r.clock.advance(30_000);
    await drain();
    r.clock.advance(30_000);
    await drain();
    expect(r.watch.state().view).toMatchObject({ belowFloor: true, buyingPower: dollars(25) });
    expect(r.log.lines.filter((l) => l.event === 'buying_power_below_floor')).toEqual([
      {
        level: 'warn',
        event: 'buying_power_below_floor',
        fields: { buyingPower: 25, floor: 30, balance: 35, inOrders: 10, inPositions: 4 },
      },
    ]);
    r.acct.balance = dollars(200);
    r.clock.advance(30_000);
    await drain();
    expect(r.watch.state().view?.belowFloor).toBe(false);
    expect(r.log.lines.filter((l) => l.event === 'buying_power_restored')).toHaveLength(1);
    r.watch.stop();
  });

  it('a failed poll is counted and keeps the last good reading, marked with the error', async () => {
    const r = rig(dollars(100));
    const seen: unknown[] = [];
    r.watch.onChange((s) => seen.push(s));
    r.watch.start();
    await drain();
    r.acct.fail = 'HTTP 503';
    r.clock.advance(30_000);
    await drain();
    const s = r.watch.state();
    expect(s.view?.balance).toBe(dollars(100));
    expect(s.error).toEqual({ atMs: 31_000, message: 'HTTP 503' });
    expect(r.metrics.counts.get('CashPollErrors')).toBe(1);
    expect(r.log.lines.some((l) => l.event === 'cash_poll_failed')).toBe(true);
    expect(seen).toHaveLength(2);
    r.acct.fail = null;
    r.clock.advance(30_000);
    await drain();
    expect(r.watch.state().error).toBeNull();
    r.watch.stop();
  });

  it('a poll asked for while one is in flight shares it (no second burst of reads)', async () => {
    const r = rig(dollars(100));
    await Promise.all([r.watch.poll(), r.watch.poll(), r.watch.poll()]);
    expect(r.acct.reads).toBe(1);
  });
});
