/**
 * The account's cash: what Kalshi holds for us, what our positions and resting orders tie up, and
 * what is left to quote with (buying power). Pure; the worker's poller (worker/cash/cash-watch.ts)
 * feeds it from `/portfolio/balance`, `/portfolio/positions` and `/portfolio/orders`.
 *
 * Kalshi's model, as the simulator implements it (sim/kalshi/engine.ts): `balance` is cash, with
 * positions already paid for out of it; a resting order reserves its opening cost (a bid
 * price × count, an ask — buying NO — (1 − price) × count) on its shard, and a create is refused
 * `insufficient_balance` when the shard's balance minus those reservations cannot pay for it.
 * Whether the real exchange already deducts resting orders from `balance` is not confirmed
 * (reference API.md §4.6); if it does, buying power here is understated, which warns early, never late.
 */
import * as z from 'zod';
import { type Centis, MICROS_PER_DOLLAR, type Micros, notionalMicros } from '../units.ts';

export const CashConfigSchema = z
  .object({
    /** How often the balance, positions and resting orders are read (three REST reads per poll). */
    pollMs: z.number().int().positive().default(30_000),
    /**
     * Buying power below this notifies (dashboard, log, alarm `buying-power-low`): deposit before
     * the exchange refuses creates. Default: about one major game at its full limit.
     */
    floorDollars: z.number().nonnegative().default(500),
    /** How often the dashboard's trading-day PnL is rebuilt from the stored record (a few reads per game). */
    dayPnlRefreshMs: z.number().int().positive().default(60_000),
    /** How often `/portfolio/settlements` is read into the store (the PnL record's settlement wave). */
    settlementPollMs: z
      .number()
      .int()
      .positive()
      .default(5 * 60_000),
  })
  .strict();
export type CashConfig = z.infer<typeof CashConfigSchema>;

/** A shard's cash as `/portfolio/balance` breaks it down. */
export interface ShardBalance {
  exchangeIndex: number;
  balance: Micros;
}

/** A position as `/portfolio/positions` lists it: `exposure` is its cost (market_exposure_dollars). */
export interface PositionCost {
  ticker: string;
  position: Centis;
  /** What the position cost, Micros; null when the listing does not say. */
  exposure: Micros | null;
  exchangeIndex?: number;
}

/** A resting order of ours (any shard of the account). */
export interface RestingCost {
  side: 'bid' | 'ask';
  /** YES-scale price, Micros. */
  price: Micros;
  remaining: Centis;
  exchangeIndex?: number;
}

export interface AccountReading {
  /** Total cash, Micros (`balance_dollars`, or the legacy cents). */
  balance: Micros;
  /** Per shard; empty when the response has no breakdown (everything on shard 0). */
  shards: readonly ShardBalance[];
  positions: readonly PositionCost[];
  orders: readonly RestingCost[];
}

export interface ShardCash {
  exchangeIndex: number;
  balance: Micros;
  inOrders: Micros;
  buyingPower: Micros;
}

export interface CashView {
  /** When the reading was taken. */
  atMs: number;
  balance: Micros;
  /** Cash paid for the positions we hold (returns at settlement or when closed). */
  inPositions: Micros;
  /** Cash our resting orders reserve. */
  inOrders: Micros;
  /** Balance minus what resting orders reserve: what new orders can still use. */
  buyingPower: Micros;
  floor: Micros;
  belowFloor: boolean;
  shards: ShardCash[];
  /** Positions the listing gave no cost for (not in `inPositions`). */
  unpricedPositions: number;
  openPositions: number;
  restingOrders: number;
}

const ONE: Micros = MICROS_PER_DOLLAR;

/** What a resting order reserves: a bid pays price × count, an ask (buying NO) (1 − price) × count. */
export function reservedBy(o: Pick<RestingCost, 'side' | 'price' | 'remaining'>): Micros {
  if (o.remaining <= 0) return 0;
  return notionalMicros(o.side === 'bid' ? o.price : ONE - o.price, o.remaining);
}

export const dollarsToFloor = (dollars: number): Micros => Math.round(dollars * MICROS_PER_DOLLAR);

/** The account's cash from one reading, judged against `floor` (Micros). */
export function cashView(r: AccountReading, floor: Micros, atMs: number): CashView {
  const byShard = new Map<number, ShardCash>();
  const shard = (i: number) => {
    let s = byShard.get(i);
    if (!s) {
      s = { exchangeIndex: i, balance: 0, inOrders: 0, buyingPower: 0 };
      byShard.set(i, s);
    }
    return s;
  };
  if (r.shards.length === 0) shard(0).balance = r.balance;
  for (const b of r.shards) shard(b.exchangeIndex).balance += b.balance;
  let inOrders = 0;
  for (const o of r.orders) {
    const reserved = reservedBy(o);
    inOrders += reserved;
    shard(o.exchangeIndex ?? 0).inOrders += reserved;
  }
  let inPositions = 0;
  let unpriced = 0;
  let open = 0;
  for (const p of r.positions) {
    if (p.position === 0) continue;
    open++;
    if (p.exposure === null) unpriced++;
    else inPositions += Math.abs(p.exposure);
  }
  const shards = [...byShard.values()]
    .map((s) => ({ ...s, buyingPower: s.balance - s.inOrders }))
    .sort((a, b) => a.exchangeIndex - b.exchangeIndex);
  const buyingPower = r.balance - inOrders;
  return {
    atMs,
    balance: r.balance,
    inPositions,
    inOrders,
    buyingPower,
    floor,
    belowFloor: buyingPower < floor,
    shards,
    unpricedPositions: unpriced,
    openPositions: open,
    restingOrders: r.orders.filter((o) => o.remaining > 0).length,
  };
}
