/**
 * The feed adapter hands the engine the top `depth` levels per side and
 * raises `book` only when an accepted delta could have changed them. The
 * property: whenever it stays quiet, the MarketBook it hands out is the same
 * before and after the delta in everything the quoter and the limit read.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PriceRange } from '../../../../shared/kalshi/schemas/rest.ts';
import { BookSync } from '../../../../worker/book/book-sync.ts';
import { KalshiFeedAdapter } from '../../../../worker/engine/adapters/kalshi-feed.ts';
import type { FeedEvent as EngineEvent, MarketBook } from '../../../../worker/engine/ports.ts';
import { FrameHandler } from '../../../../worker/kalshi/frame-handler.ts';
import type { FeedEvent, KalshiWsFeed } from '../../../../worker/kalshi/ws-client.ts';

const T = 'KXTEST-26NOV14AAABBB-AAA';
const CENT: PriceRange[] = [{ start: 0, end: 1_000_000, step: 10_000 }];
/** Kalshi's banded grid: 0.1¢ in the tails, 1¢ in the middle. */
const BANDED: PriceRange[] = [
  { start: 0, end: 100_000, step: 1_000 },
  { start: 100_000, end: 900_000, step: 10_000 },
  { start: 900_000, end: 1_000_000, step: 1_000 },
];
const clock = { now: () => 0, setTimeout: () => 0, clearTimeout: () => {} } as never;

/**
 * The adapter over a stand-in for KalshiWsFeed that drives the real
 * FrameHandler/BookSync and emits `book` exactly as the client does.
 */
function rig(grid: PriceRange[], depth: number) {
  const sync = new BookSync({ useYesPrice: true, gridOf: () => grid });
  const frames = new FrameHandler(sync);
  const listeners: ((e: FeedEvent) => void)[] = [];
  const ws = {
    on: (l: (e: FeedEvent) => void) => {
      listeners.push(l);
      return () => {};
    },
    book: (t: string) => sync.book(t),
    setMarkets: () => {},
  } as unknown as KalshiWsFeed;
  const adapter = new KalshiFeedAdapter(ws, clock, depth);
  const seen: EngineEvent[] = [];
  adapter.onEvent((e) => seen.push(e));
  let seq = 0;
  const send = (frame: Record<string, unknown>) => {
    const h = frames.handleText(JSON.stringify({ ...frame, sid: 1, seq: ++seq }), 1_000 + seq);
    if (h.msg?.type === 'orderbook_delta' || h.msg?.type === 'orderbook_snapshot') {
      const e: FeedEvent = h.applied
        ? { type: 'book', ticker: T, delta: h.applied }
        : { type: 'book', ticker: T };
      for (const l of listeners) l(e);
    }
    return h;
  };
  return { adapter, seen, send, sync };
}

const $ = (m: number) => (m / 1e6).toFixed(6);
const n = (c: number) => (c / 100).toFixed(2);
/** What the engine reads of a MarketBook (updatedMs moves with every delta; nothing decides on it). */
const readable = (b: MarketBook | undefined) => b && { bids: b.bids, asks: b.asks, valid: b.valid };

function gridPrices(grid: PriceRange[]): number[] {
  const out = new Set<number>();
  for (const r of grid) for (let p = r.start; p <= r.end; p += r.step) if (p > 0 && p < 1_000_000) out.add(p);
  return [...out].sort((a, b) => a - b);
}

/** A uniform fraction in [0, 1) (fc.double leans to the extremes on purpose; this is for placing levels). */
const unit = fc.integer({ min: 0, max: 9_999 }).map((i) => i / 10_000);

const scenario = fc
  .record({
    banded: fc.boolean(),
    depth: fc.integer({ min: 1, max: 6 }),
    split: fc.integer({ min: 5, max: 95 }).map((i) => i / 100),
    bids: fc.array(fc.tuple(unit, fc.integer({ min: 1, max: 50_000 })), {
      maxLength: 25,
    }),
    asks: fc.array(fc.tuple(unit, fc.integer({ min: 1, max: 50_000 })), {
      maxLength: 25,
    }),
    deltas: fc.array(
      fc.record({
        yes: fc.boolean(),
        at: unit,
        size: fc.integer({ min: -10_000, max: 60_000 }),
        /** Remove an existing level exactly (the common cancel), else add `size`. */
        clear: fc.boolean(),
      }),
      { minLength: 1, maxLength: 40 },
    ),
  })
  .map((s) => ({ ...s, grid: s.banded ? BANDED : CENT }));

describe('KalshiFeedAdapter: book events only for deltas that reach the visible top levels', () => {
  it('a delta it does not report leaves the MarketBook as the engine reads it unchanged', () => {
    let quiet = 0;
    let loud = 0;
    fc.assert(
      fc.property(scenario, (s) => {
        const prices = gridPrices(s.grid);
        const cut = Math.floor(s.split * prices.length);
        // Mostly on the own side of the split (book churn), sometimes anywhere (crossing, invalidating deltas).
        const pick = (u: number, yes: boolean) => {
          const anywhere = u < 0.1;
          const v = anywhere ? u * 10 : (u - 0.1) / 0.9;
          const [lo, hi] = anywhere ? [0, prices.length] : yes ? [0, cut] : [cut, prices.length];
          return prices[Math.min(prices.length - 1, lo + Math.floor(v * (hi - lo)))]!;
        };
        // Bids below the split, asks at or above it: an uncrossed opening book.
        const bids = s.bids.map(([u, c]) => [$(prices[Math.floor(u * cut)] ?? prices[0]!), n(c)]);
        const asks = s.asks.map(([u, c]) => [
          $(prices[Math.min(prices.length - 1, cut + Math.floor(u * (prices.length - cut)))]!),
          n(c),
        ]);
        const r = rig(s.grid, s.depth);
        r.send({
          type: 'orderbook_snapshot',
          msg: { market_ticker: T, yes_dollars_fp: bids, no_dollars_fp: asks },
        });
        for (const d of s.deltas) {
          const book = r.sync.book(T);
          const price = pick(d.at, d.yes);
          const resting = book.sizeAt(d.yes ? 'bid' : 'ask', price);
          // Cancels take at most what rests (a larger one, onto an empty level, drives it negative: invalid).
          const size =
            d.clear && resting > 0
              ? -resting
              : d.size < 0 && resting > 0
                ? -Math.min(resting, -d.size)
                : d.size;
          const before = structuredClone(readable(r.adapter.book(T)));
          const events = r.seen.length;
          r.send({
            type: 'orderbook_delta',
            msg: { market_ticker: T, price_dollars: $(price), delta_fp: n(size), side: d.yes ? 'yes' : 'no' },
          });
          const after = readable(r.adapter.book(T));
          if (r.seen.length === events) {
            quiet++;
            expect(after).toStrictEqual(before);
          } else loud++;
          if (!book.live) break; // rejected (crossed / negative): the rest would be ignored until a snapshot
        }
      }),
      { numRuns: 1_500 },
    );
    // Both branches are exercised.
    expect(quiet).toBeGreaterThan(100);
    expect(loud).toBeGreaterThan(100);
  });

  it('deep churn is quiet, a top-level change, a snapshot and an invalidating delta are not', () => {
    const r = rig(CENT, 2);
    r.send({
      type: 'orderbook_snapshot',
      msg: {
        market_ticker: T,
        yes_dollars_fp: [
          ['0.40', '10.00'],
          ['0.39', '10.00'],
          ['0.30', '10.00'],
        ],
        no_dollars_fp: [['0.60', '10.00']],
      },
    });
    expect(r.seen).toHaveLength(1);
    const delta = (price: string, d: string, side = 'yes') =>
      r.send({ type: 'orderbook_delta', msg: { market_ticker: T, price_dollars: price, delta_fp: d, side } });
    delta('0.30', '5.00'); // third level, depth 2
    delta('0.20', '5.00'); // new deep level
    delta('0.20', '-5.00');
    expect(r.seen).toHaveLength(1);
    expect(r.adapter.deltaCounts).toEqual({ seen: 3, visible: 0 });
    delta('0.39', '1.00'); // second level
    expect(r.seen).toHaveLength(2);
    delta('0.35', '1.00'); // new level between: pushes 0.39 down? no: 0.40, 0.39 stay on top
    expect(r.seen).toHaveLength(2);
    delta('0.39', '-11.00'); // clears the second level: 0.35 becomes visible
    expect(r.seen).toHaveLength(3);
    expect(r.adapter.book(T)?.bids).toEqual([
      { price: 400_000, size: 1_000 },
      { price: 350_000, size: 100 },
    ]);
    delta('0.70', '1.00'); // crosses the ask at 0.60: invalid → always reported
    expect(r.seen).toHaveLength(4);
    expect(r.adapter.book(T)?.valid).toBe(false);
  });

  it('hands out one frozen view per book version', () => {
    const r = rig(CENT, 3);
    r.send({ type: 'orderbook_snapshot', msg: { market_ticker: T, yes_dollars_fp: [['0.40', '10.00']] } });
    const a = r.adapter.book(T);
    expect(r.adapter.book(T)).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(a?.bids)).toBe(true);
    r.send({
      type: 'orderbook_delta',
      msg: { market_ticker: T, price_dollars: '0.41', delta_fp: '1.00', side: 'yes' },
    });
    expect(r.adapter.book(T)).not.toBe(a);
    expect(r.adapter.book(T)?.bids[0]).toEqual({ price: 410_000, size: 100 });
  });
});
