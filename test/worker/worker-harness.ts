/**
 * The whole worker over real sockets, shared by the worker-level tests: the
 * simulated Kalshi exchange (signed REST + WebSocket) listing Boston at
 * Milwaukee with wide books from another participant, local DynamoDB
 * (dynalite) holding the game's theo, and `worker()` starting the real
 * adapters wired by startWorker. `useWorkerHarness()` installs the per-test
 * set-up and tear-down; `sim`, `dynamo` and `store` are live bindings to the
 * current test's instances.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeEach } from 'vitest';
import { systemClock } from '../../shared/clock.ts';
import { parseEngineConfig } from '../../shared/config/engine-config.ts';
import { createStore, type Store } from '../../shared/store/index.ts';
import { type KalshiSim, startKalshiSim } from '../../sim/kalshi/index.ts';
import { startWorker, type Worker, type WorkerOptions } from '../../worker/main.ts';
import { type LocalDynamo, startDynalite } from '../support/dynalite.ts';
import { listBostonAtMilwaukee } from '../support/kalshi-listing.ts';
import { storeSettled } from '../support/local-store.ts';

export const KEY_ID = '0b0b0b0b-0000-4000-8000-0000000e4617';
export const keys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
/** The Kalshi ticker date of a start time (America/New_York). */
export function tickerDate(ms: number): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/New_York',
    year: '2-digit',
    month: 'numeric',
    day: '2-digit',
  }).formatToParts(new Date(ms));
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get('year')}${MONTHS[Number(get('month')) - 1]}${get('day')}`;
}

export async function until(
  pred: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const start = Date.now();
  while (!(await pred())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const START = Date.now() + 3 * 3_600_000;
export const EVENT = `KXNBAGAME-${tickerDate(START)}BOSMIL`;
export const BOS = `${EVENT}-BOS`;
export const MIL = `${EVENT}-MIL`;
export const c = (cents: number) => cents * 10_000;

export let sim: KalshiSim;
export let dynamo: LocalDynamo;
export let store: Store;
const workers: Worker[] = [];

/** Rests 10 contracts for the other participant (good till cancelled). */
export function restOther(ticker: string, side: 'bid' | 'ask', price: number): void {
  sim.admin.placeOrder('other', {
    ticker,
    side,
    price,
    count: 1_000,
    timeInForce: 'good_till_canceled',
    selfTradePrevention: 'taker_at_cross',
  });
}

/** Installs the per-test exchange, table and theo, and the tear-down of every worker started. */
export function useWorkerHarness(): void {
  beforeEach(async () => {
    sim = await startKalshiSim({ seed: 3 });
    sim.registerKey(KEY_ID, keys.publicKey, 'maker');
    const e = sim.admin;
    listBostonAtMilwaukee(e, {
      event: EVENT,
      feeType: 'quadratic',
      openTimeMs: Date.now() - 86_400_000,
      closeTimeMs: START + 14 * 86_400_000,
      eventDef: { startTimeMs: START },
    });
    e.deposit('maker', 10_000 * 1_000_000);
    e.deposit('other', 100_000 * 1_000_000);
    restOther(BOS, 'bid', c(45));
    restOther(BOS, 'ask', c(75));
    restOther(MIL, 'bid', c(25));
    restOther(MIL, 'ask', c(55));

    dynamo = await startDynalite();
    store = createStore(dynamo.doc, dynamo.tableName);
    await store.theos.put({
      eventId: 'odds-bos-mil',
      sportKey: 'basketball_nba',
      homeTeam: 'Milwaukee Bucks',
      awayTeam: 'Boston Celtics',
      commenceTime: START,
      outcomes: [
        { name: 'Boston Celtics', probability: 0.6 },
        { name: 'Milwaukee Bucks', probability: 0.4 },
      ],
      method: 'test',
      booksUsed: ['pinnacle', 'draftkings', 'fanduel'],
      booksDropped: 0,
      asOf: Date.now(),
      source: 'poll',
    });
  });

  afterEach(async () => {
    for (const w of workers.splice(0)) {
      w.session.dispose();
      await w.idle();
      await w.close();
    }
    await storeSettled(); // in-flight store reads answered before the database closes, however slow
    await sim.close();
    await dynamo.close();
  });
}

/** Starts a worker on the harness's exchange and table; `over` overrides the engine config. */
export async function worker(
  log: Record<string, unknown>[] = [],
  over: Record<string, unknown> = {},
  extra: Partial<WorkerOptions> = {},
): Promise<Worker> {
  const w = await startWorker({
    clock: systemClock,
    config: parseEngineConfig({
      sports: { nba: { series: ['KXNBAGAME'], oddsSportKey: 'basketball_nba' } },
      limits: { default: { cap: 2_000, floor: 2_000, liquidityShare: 0 }, sports: {} },
      quoting: { baseSize: 500 },
      killPollMs: 200,
      kill: { flattenIntervalMs: 200 },
      ...over,
    }),
    kalshi: { restBaseUrl: sim.restBaseUrl, wsUrl: sim.wsUrl, keyId: KEY_ID, privateKeyPem: keys.privateKey },
    store,
    log: (e) => log.push(e),
    ...extra,
  });
  workers.push(w);
  return w;
}

/** Our resting orders on the exchange. */
export const ours = () => sim.admin.restingOrders('maker');
