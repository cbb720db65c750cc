import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  INVOCATION_MARGIN_MS,
  type KillSwitchDeps,
  makeHandler,
  OrdersStillResting,
  parseKillEvent,
} from '../../functions/kill-switch.ts';
import { systemClock } from '../../shared/clock.ts';
import { KalshiRestClient } from '../../shared/kalshi/rest-client.ts';
import { createRsaSigner } from '../../shared/kalshi/signer.ts';
import type { CancelPort, RestingOrder } from '../../shared/kill/cancel-until-flat.ts';
import { kalshiCancelPort } from '../../shared/kill/kalshi-cancel-port.ts';
import { createStore, type Store } from '../../shared/store/index.ts';
import type { KalshiSim } from '../../sim/kalshi/index.ts';
import { BOS, followWallClock, KEY_ID, MIL, rsaKey, setupSim } from '../sim/kalshi/harness.ts';
import { type LocalDynamo, startDynalite } from '../support/dynalite.ts';
import { RecordingLog, RecordingMetrics } from './support.ts';

let db: LocalDynamo;
let store: Store;
let log: RecordingLog;
let metrics: RecordingMetrics;
const closers: (() => Promise<void>)[] = [];

beforeEach(async () => {
  db = await startDynalite();
  store = createStore(db.doc, db.tableName);
  closers.push(() => db.close());
  log = new RecordingLog();
  metrics = new RecordingMetrics();
});
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

const alarmEvent = (value: 'ALARM' | 'OK', alarmName = 'kalshi-mm-prod-shard0-pnl-drawdown') => ({
  version: '0',
  id: 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
  'detail-type': 'CloudWatch Alarm State Change',
  source: 'aws.cloudwatch',
  account: '123456789012',
  time: '2026-11-25T03:00:00Z',
  region: 'us-east-1',
  resources: [`arn:aws:cloudwatch:us-east-1:123456789012:alarm:${alarmName}`],
  detail: {
    alarmName,
    state: {
      value,
      reason: 'Threshold Crossed: 1 datapoint [312.5] was greater than the threshold (250.0).',
    },
    previousState: { value: 'OK' },
    configuration: { metrics: [] },
  },
});

function deps(exchange: CancelPort, overrides: Partial<KillSwitchDeps> = {}): KillSwitchDeps {
  return {
    kill: store.kill,
    stopAlarms: store.stopAlarms,
    exchange: async () => exchange,
    clock: systemClock,
    deadlineMs: 10_000,
    pauseMs: 20,
    log,
    metrics,
    ...overrides,
  };
}

describe('kill switch against the Kalshi simulator (signed REST, lying cancels)', () => {
  let sim: KalshiSim;
  let rest: KalshiRestClient;

  beforeEach(async () => {
    const setup = await setupSim();
    sim = setup.sim;
    // The simulator keeps scenario time (a lying cancel lands later in it): let it run with the wall clock.
    const stopClock = followWallClock(setup.clock);
    rest = new KalshiRestClient({
      baseUrl: sim.restBaseUrl,
      signer: createRsaSigner({ keyId: KEY_ID, privateKeyPem: rsaKey().privateKey }),
      limiter: false,
      retry: { maxAttempts: 2 },
    });
    closers.push(async () => {
      stopClock();
      await rest.close();
      await sim.close();
    });
  });

  function restOrders(n: number): string[] {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const p = sim.admin.placeOrder('maker', {
        ticker: i % 2 ? BOS : MIL,
        side: i % 3 ? 'bid' : 'ask',
        price: i % 3 ? 300_000 + i * 10_000 : 700_000 + i * 10_000,
        count: 500,
        timeInForce: 'good_till_canceled',
        selfTradePrevention: 'maker',
      });
      ids.push(p.order.orderId);
    }
    return ids;
  }

  it('sets the kill flag and empties the book even when cancels lie and bodies name other orders', async () => {
    restOrders(8);
    expect(sim.admin.restingOrders('maker')).toHaveLength(8);
    sim.faults.set({ lyingCancelMs: 150, wrongOrderResponseRate: 0.5 });

    const result = await makeHandler(deps(kalshiCancelPort(rest)))(alarmEvent('ALARM'));

    expect(result.status).toBe('flat');
    expect(sim.admin.restingOrders('maker')).toEqual([]);
    const [flag] = await store.kill.active();
    expect(flag).toMatchObject({ scope: 'global', kind: 'kill', setBy: 'cloudwatch', active: true });
    expect(flag?.reason).toContain('kalshi-mm-prod-shard0-pnl-drawdown');
    expect(metrics.last('KillOrdersRemaining')).toBe(0);
    expect(metrics.last('KillSwitchInvocations')).toBe(1);
    if (result.status === 'flat') expect(result.report.rounds).toBeGreaterThanOrEqual(3);
    expect(log.text()).not.toContain('PRIVATE KEY');
  });

  it('without the bulk cancel, one-by-one cancels still get there through lies', async () => {
    restOrders(5);
    sim.faults.set({ lyingCancelMs: 100 });
    const result = await makeHandler(deps(kalshiCancelPort(rest, { useCancelAll: false })))({
      action: 'kill',
      reason: 'manual drill',
      requestedBy: 'alice',
    });
    expect(result.status).toBe('flat');
    if (result.status === 'flat') expect(result.report.cancelsSent).toBeGreaterThanOrEqual(5);
    expect(sim.admin.restingOrders('maker')).toEqual([]);
  });

  it('is idempotent: a repeated alarm re-sets the same flag and finds nothing to cancel', async () => {
    restOrders(3);
    const handler = makeHandler(deps(kalshiCancelPort(rest)));
    await handler(alarmEvent('ALARM'));
    const again = await handler(alarmEvent('ALARM', 'kalshi-mm-prod-shard0-heartbeat-missing'));
    expect(again.status).toBe('flat');
    if (again.status === 'flat')
      expect(again.report).toMatchObject({ cancelsSent: 0, cancelAllCalls: 0, rounds: 2 });
    const flags = await store.kill.active();
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({ hits: 2, kind: 'kill' });
  });
});

describe('kill switch decisions', () => {
  const never: CancelPort = {
    listResting: async () => {
      throw new Error('must not be called');
    },
    cancel: async () => {},
  };

  it('resume is refused while a stop alarm is still in ALARM (it could never fire again), allowed once it returned to OK', async () => {
    const handler = makeHandler(deps({ listResting: async () => [], cancel: async () => {} }));
    const drawdown = 'kalshi-mm-prod-STOP-shard0-pnl-drawdown';
    const at = (value: 'ALARM' | 'OK', time: string) => ({ ...alarmEvent(value, drawdown), time });
    expect((await handler(at('ALARM', '2026-11-25T03:00:00Z'))).status).toBe('flat');
    const clear = { action: 'clear', requestedBy: 'bob', confirm: 'RESUME-TRADING' };
    const refused = await handler(clear);
    expect(refused).toMatchObject({ status: 'refused', alarmsInAlarm: [drawdown] });
    expect((await store.kill.active())[0]?.kind).toBe('kill'); // still killed
    // An OK delivered late for an older transition changes nothing; the current OK does.
    await handler(at('OK', '2026-11-25T02:59:00Z'));
    expect(await handler(clear)).toMatchObject({ status: 'refused' });
    expect(await handler(at('OK', '2026-11-25T03:10:00Z'))).toMatchObject({ status: 'ignored' });
    expect(await handler(clear)).toEqual({ status: 'cleared' });
    expect(await store.kill.active()).toEqual([]);
  });

  it('an alarm returning to OK does nothing: no flag, no exchange call', async () => {
    const result = await makeHandler(deps(never))(alarmEvent('OK'));
    expect(result).toMatchObject({ status: 'ignored' });
    expect(await store.kill.list()).toEqual([]);
  });

  it('a typo in a manual payload is answered with a validation error naming the field (no throw, no page, no flag); a malformed alarm event still throws', async () => {
    const handler = makeHandler(deps(never));
    expect(await handler({ action: 'kill', requestedBy: 'alice' })).toEqual({
      status: 'invalid',
      error: expect.stringMatching(/reason/),
    });
    expect(await handler({ action: 'clear', requestedBy: 'bob' })).toMatchObject({
      status: 'invalid',
      error: expect.stringMatching(/confirm/),
    });
    expect(await handler({ action: 'kil', reason: 'x', requestedBy: 'y' })).toMatchObject({
      status: 'invalid',
    });
    expect(await handler(null)).toMatchObject({
      status: 'invalid',
      error: expect.stringMatching(/invalid kill-switch event/),
    });
    // An alarm event that does not parse is no typo: a kill that could not happen must page.
    await expect(handler({ ...alarmEvent('ALARM'), detail: { state: { value: 'ALARM' } } })).rejects.toThrow(
      /detail\.alarmName/,
    );
    expect(await store.kill.list()).toEqual([]);
    expect(() => parseKillEvent({ action: 'kill', reason: 'x', requestedBy: 'y', extra: 1 })).toThrow(
      /extra/,
    );
  });

  it('gives up at the deadline with orders resting: throws (EventBridge retries) and reports the remainder', async () => {
    const stuck: RestingOrder[] = [{ orderId: 'o1', ticker: BOS }];
    const exchange: CancelPort = { listResting: async () => stuck, cancel: async () => {} };
    const handler = makeHandler(deps(exchange, { deadlineMs: 300 }));
    await expect(handler(alarmEvent('ALARM'))).rejects.toBeInstanceOf(OrdersStillResting);
    expect(metrics.last('KillOrdersRemaining')).toBe(1);
    // The flag went up first, whatever happened at the exchange.
    expect((await store.kill.active())[0]?.kind).toBe('kill');
  });

  it('reports "unknown" (never 0) still resting when it could never list, and the remaining-orders alarm still counts it', async () => {
    const exchange: CancelPort = {
      listResting: async () => {
        throw new Error('503 Service Unavailable');
      },
      cancel: async () => {},
      cancelAll: async () => {},
    };
    const handler = makeHandler(deps(exchange, { deadlineMs: 300 }));
    const failure = await handler(alarmEvent('ALARM')).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(OrdersStillResting);
    expect((failure as Error).message).toMatch(/unknown order\(s\) may still rest/);
    expect((failure as Error).message).not.toMatch(/\b0 order/);
    expect((failure as OrdersStillResting).report.remainingKnown).toBe(false);
    expect(metrics.last('KillOrdersRemaining')).toBe(1);
    const gaveUp = log.lines.find((l) => l.message === 'kill switch gave up with orders resting');
    expect(gaveUp?.extra).toMatchObject({ remainingCount: 'unknown', remainingKnown: false });
  });

  it('floods for the configured time even after listings look empty: one lying listing does not end it', async () => {
    // The exchange lists nothing for its first passes while an order still rests (a kill it reported
    // but did not do); only a later bulk cancel takes it. Two empty listings used to end the loop.
    const resting = new Map<string, RestingOrder>([['o1', { orderId: 'o1', ticker: BOS }]]);
    let listings = 0;
    let bulk = 0;
    const exchange: CancelPort = {
      listResting: async () => (++listings <= 3 ? [] : [...resting.values()]),
      cancel: async (o) => {
        resting.delete(o.orderId);
      },
      cancelAll: async () => {
        if (++bulk >= 4) resting.clear(); // the first bulk cancels lie too
      },
    };
    const handler = makeHandler(deps(exchange, { deadlineMs: 2_000, floodMs: 400 }));
    const result = await handler(alarmEvent('ALARM'));
    expect(result.status).toBe('flat');
    expect(resting.size).toBe(0);
    expect(bulk).toBeGreaterThanOrEqual(4);
    if (result.status === 'flat') {
      // Every pass is reported: what the listing found (the lies included).
      expect(result.report.passes.slice(0, 3).map((p) => p.listed)).toEqual([0, 0, 0]);
      expect(result.report.passes.every((p) => p.usedCancelAll || p.listed === 0 || p.cancelsSent > 0)).toBe(
        true,
      );
    }
  });

  it('keeps the flood and the deadline inside the invocation: cut to the remaining time less a margin', async () => {
    const exchange: CancelPort = {
      listResting: async () => [],
      cancel: async () => {},
      cancelAll: async () => {},
    };
    const handler = makeHandler(deps(exchange, { deadlineMs: 60_000, floodMs: 60_000 }));
    const result = await handler(
      { action: 'kill', reason: 'drill', requestedBy: 'alice' },
      { getRemainingTimeInMillis: () => INVOCATION_MARGIN_MS + 500 },
    );
    expect(result.status).toBe('flat');
    const flat = log.lines.find((l) => l.message === 'kill switch: flat');
    // The floor of one second applies: 500 ms left after the margin is too little to try anything.
    expect(flat?.extra).toMatchObject({ deadlineMs: 1_000, floodMs: 1_000, remainingCount: '0' });
  });

  it('the flag is set even when Kalshi cannot be reached at all', async () => {
    const handler = makeHandler(
      deps(never, {
        exchange: async () => {
          throw new Error('Kalshi secret invalid: privateKeyPem');
        },
      }),
    );
    await expect(handler({ action: 'kill', reason: 'test', requestedBy: 'alice' })).rejects.toThrow(/secret/);
    expect((await store.kill.active())[0]?.kind).toBe('kill');
  });

  it('clearing needs the confirmation phrase and leaves the flag inactive for the audit trail', async () => {
    const handler = makeHandler(deps({ listResting: async () => [], cancel: async () => {} }));
    await handler({ action: 'kill', reason: 'drill', requestedBy: 'alice' });
    await handler({ action: 'clear', requestedBy: 'bob', confirm: 'RESUME-TRADING' });
    const flags = await store.kill.list();
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({ active: false });
  });
});
