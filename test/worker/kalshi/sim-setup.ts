/** A simulated exchange with one NBA game for the connectivity tests, plus polling helpers. */
import { generateKeyPairSync } from 'node:crypto';
import { createRsaSigner, type Signer } from '../../../shared/kalshi/signer.ts';
import { SteppedClock } from '../../../sim/clock.ts';
import { type KalshiSim, type KalshiSimOptions, startKalshiSim } from '../../../sim/kalshi/index.ts';
import type { OrderBook } from '../../../worker/book/order-book.ts';
import { listBostonAtMilwaukee } from '../../support/kalshi-listing.ts';
import { waitFor } from '../../support/wait-for.ts';

export const T0 = Date.UTC(2026, 10, 14, 21, 0, 0);
export const EVENT = 'KXNBAGAME-26NOV14BOSMIL';
export const BOS = `${EVENT}-BOS`;
export const MIL = `${EVENT}-MIL`;
export const KEY_ID = '0b0b0b0b-0000-4000-8000-00000000c11e';

export const keys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});

export const signer: Signer = createRsaSigner({ keyId: KEY_ID, privateKeyPem: keys.privateKey });

export async function startSim(options: KalshiSimOptions = {}): Promise<KalshiSim> {
  const sim = await startKalshiSim({ clock: new SteppedClock(T0), seed: 5, tickIntervalMs: 0, ...options });
  sim.registerKey(KEY_ID, keys.publicKey, 'maker');
  const e = sim.admin;
  listBostonAtMilwaukee(e, {
    event: EVENT,
    feeType: 'quadratic_with_maker_fees',
    openTimeMs: T0 - 86_400_000,
    closeTimeMs: T0 + 14 * 86_400_000,
    eventDef: { startTimeMs: Date.UTC(2026, 10, 15, 0, 30) },
  });
  e.deposit('maker', 1_000 * 1_000_000);
  e.deposit('other', 100_000 * 1_000_000);
  return sim;
}

/** Rests an order for the 'other' trader. */
export function rest(
  sim: KalshiSim,
  ticker: string,
  side: 'bid' | 'ask',
  price: number,
  count: number,
): void {
  sim.admin.placeOrder('other', {
    ticker,
    side,
    price,
    count,
    timeInForce: 'good_till_canceled',
    selfTradePrevention: 'taker_at_cross',
  });
}

/** Polls `pred` until it holds (real time; a generous bound only guards against hangs, as `waitFor`). */
export function until(pred: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  return waitFor(pred, { what, timeoutMs });
}

/** The exchange's own book in YES terms, best first, as [price, size] pairs. */
export function simBook(sim: KalshiSim, ticker: string) {
  const { bids, asks } = sim.admin.book(ticker);
  const sortDesc = [...bids].sort((a, b) => b[0] - a[0]);
  const sortAsc = [...asks].sort((a, b) => a[0] - b[0]);
  return { bids: sortDesc.map(([p, s]) => [p, s]), asks: sortAsc.map(([p, s]) => [p, s]) };
}

export function localBook(book: OrderBook) {
  return {
    bids: book.levels('bid').map((q) => [q.price, q.size]),
    asks: book.levels('ask').map((q) => [q.price, q.size]),
  };
}

export function booksEqual(sim: KalshiSim, book: OrderBook): boolean {
  return book.live && JSON.stringify(localBook(book)) === JSON.stringify(simBook(sim, book.ticker));
}
